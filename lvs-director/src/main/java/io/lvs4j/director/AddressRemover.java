package io.lvs4j.director;

import io.lvs4j.netlink.InterfaceAddress;
import io.lvs4j.netlink.InterfaceException;
import io.lvs4j.netlink.Rtnetlink;

/** Takes a crashed run's virtual address off its interface (the seam tests replace). */
interface AddressRemover extends AutoCloseable {
    /**
     * Removes {@code vip}'s address from its device, whatever its prefix, when it is there.
     *
     * @return whether it was there (and is gone now)
     * @throws InterfaceException if the kernel refused
     */
    boolean remove(OwnershipRecord.Vip vip) throws InterfaceException;

    @Override
    void close();

    /** Over rtnetlink in {@code netns} (null: the calling thread's namespace), opened at the first removal. */
    static AddressRemover linux(String netns) {
        return new AddressRemover() {
            private Rtnetlink rt;

            @Override
            public boolean remove(OwnershipRecord.Vip vip) throws InterfaceException {
                if (rt == null) {
                    rt = netns == null ? Rtnetlink.open() : Rtnetlink.open(netns);
                }
                int index;
                try {
                    index = rt.linkIndex(vip.device());
                } catch (InterfaceException e) {
                    if (e.errno() == 19) { // ENODEV: the interface is gone, and its addresses with it
                        return false;
                    }
                    throw e;
                }
                boolean removed = false;
                for (InterfaceAddress a : rt.addresses(index)) {
                    if (a.address().equals(vip.address())) {
                        rt.removeAddress(a);
                        removed = true;
                    }
                }
                return removed;
            }

            @Override
            public void close() {
                if (rt != null) {
                    rt.close();
                }
            }
        };
    }

    /** For VRRP on an in-memory network: no address is ever on an interface. */
    AddressRemover NONE = new AddressRemover() {
        @Override
        public boolean remove(OwnershipRecord.Vip vip) {
            return false;
        }

        @Override
        public void close() {}
    };
}
