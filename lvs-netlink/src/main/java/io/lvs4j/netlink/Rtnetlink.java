package io.lvs4j.netlink;

import io.lvs4j.internal.Preconditions;
import io.lvs4j.netlink.internal.NetlinkFormatException;
import io.lvs4j.netlink.internal.NetlinkIoException;
import io.lvs4j.netlink.internal.NetlinkSocket;
import io.lvs4j.netlink.internal.Nl;
import io.lvs4j.netlink.internal.NlError;
import io.lvs4j.netlink.internal.NlMessage;
import io.lvs4j.netlink.internal.RtnlCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's interfaces and their addresses over rtnetlink ({@code NETLINK_ROUTE}): what
 * {@code ip link show} and {@code ip addr add|del|show} do. Opened in the caller's network namespace
 * or in a named one ({@code /run/netns/NAME}). Thread-safe (requests are serialised).
 *
 * <pre>{@code
 * try (Rtnetlink rt = Rtnetlink.open("ns1")) {
 *     int eth0 = rt.linkIndex("eth0");
 *     rt.addAddress(new InterfaceAddress(eth0, vip, 24, null, "eth0:0", InterfaceAddress.SCOPE_UNIVERSE, 0));
 * }
 * }</pre>
 */
public final class Rtnetlink implements AutoCloseable {
    private final NetlinkSocket socket;
    private final ByteBuf out = Unpooled.buffer(512);
    private int seq = (int) (System.nanoTime() & 0x3fffffff);
    private static final int DUMP_ATTEMPTS = 5;
    private int dumpRestarts;

    private Rtnetlink(NetlinkSocket socket) {
        this.socket = socket;
    }

    /** Over an open request socket (for tests: one whose peer never answers). */
    static Rtnetlink over(NetlinkSocket socket) {
        return new Rtnetlink(socket);
    }

    /** Opens rtnetlink in the caller's network namespace. */
    public static Rtnetlink open() throws InterfaceException {
        return open(null);
    }

    /** Opens rtnetlink in {@code /run/netns/NAME} (null: the caller's namespace). */
    public static Rtnetlink open(String netns) throws InterfaceException {
        try {
            return new Rtnetlink(NetlinkSocket.open(netns, RtnlCodec.NETLINK_ROUTE, 0));
        } catch (NetlinkIoException e) {
            throw wrap(e, netns == null ? null : "network namespace " + netns);
        }
    }

    /** Whether jnr-ffi could bind libc (the only precondition besides permissions). */
    public static boolean isAvailable() {
        return NetlinkSocket.nativeAvailable();
    }

    /** Why {@link #isAvailable()} is false, or null. */
    public static Throwable unavailabilityCause() {
        return NetlinkSocket.nativeAvailable() ? null : NetlinkSocket.bindFailure();
    }

    /** Every link ({@code RTM_GETLINK} dump). */
    public synchronized List<Link> links() throws InterfaceException {
        List<Link> links = new ArrayList<>();
        for (NlMessage m : dump(RtnlCodec.RTM_GETLINK, 0, "RTM_GETLINK")) {
            if (m.type == RtnlCodec.RTM_NEWLINK) {
                RtnlCodec.LinkEntry e = RtnlCodec.parseLink(m);
                links.add(new Link(e.index(), e.name(), e.flags(), e.hardwareAddress(), e.kind(), e.lowerIndex()));
            }
        }
        return links;
    }

    /** The link called {@code name}. */
    public Link link(String name) throws InterfaceException {
        Preconditions.checkNotNull(name, "interface");
        for (Link l : links()) {
            if (name.equals(l.name())) {
                return l;
            }
        }
        throw new InterfaceException("RTM_GETLINK", "interface " + name, 19, "No such device", null);
    }

    /** The index of the link called {@code name}. */
    public int linkIndex(String name) throws InterfaceException {
        return link(name).index();
    }

    /** Every address of every interface ({@code RTM_GETADDR} dump, IPv4 and IPv6). */
    public synchronized List<InterfaceAddress> addresses() throws InterfaceException {
        List<InterfaceAddress> list = new ArrayList<>();
        for (NlMessage m : dump(RtnlCodec.RTM_GETADDR, 0, "RTM_GETADDR")) {
            if (m.type == RtnlCodec.RTM_NEWADDR) {
                RtnlCodec.AddrEntry e = RtnlCodec.parseAddress(m);
                try {
                    list.add(new InterfaceAddress(e.index(), InetAddress.getByAddress(e.address()), e.prefixLength(),
                            null, e.label() != null && e.address().length == 4 ? e.label() : null, e.scope(), e.flags()));
                } catch (UnknownHostException ex) {
                    throw new NetlinkFormatException("RTM_NEWADDR: address of " + e.address().length + " bytes");
                }
            }
        }
        return list;
    }

    /** The addresses of interface {@code index}. */
    public List<InterfaceAddress> addresses(int index) throws InterfaceException {
        List<InterfaceAddress> list = new ArrayList<>();
        for (InterfaceAddress a : addresses()) {
            if (a.interfaceIndex() == index) {
                list.add(a);
            }
        }
        return list;
    }

    /** Adds {@code address} ({@code ip addr add}); fails with errno 17 (EEXIST) if it is there already. */
    public synchronized void addAddress(InterfaceAddress address) throws InterfaceException {
        Preconditions.checkNotNull(address, "address");
        out.clear();
        RtnlCodec.address(out, true, ++seq, address.prefixLength(), address.flags(), address.scope(),
                address.interfaceIndex(), address.address().getAddress(),
                address.broadcast() == null ? null : address.broadcast().getAddress(), address.label());
        request("RTM_NEWADDR", address.toString());
    }

    /** Removes {@code address} ({@code ip addr del}); fails with errno 99 (EADDRNOTAVAIL) if it is not there. */
    public synchronized void removeAddress(InterfaceAddress address) throws InterfaceException {
        Preconditions.checkNotNull(address, "address");
        out.clear();
        RtnlCodec.address(out, false, ++seq, address.prefixLength(), 0, 0, address.interfaceIndex(),
                address.address().getAddress(), null, null);
        request("RTM_DELADDR", address.toString());
    }

    /** Sets link {@code index} administratively up or down ({@code ip link set DEV up|down}). */
    public synchronized void setLinkUp(int index, boolean up) throws InterfaceException {
        Preconditions.checkArgument(index > 0, "interface index", index, "1 or more");
        out.clear();
        RtnlCodec.linkUp(out, ++seq, index, up);
        request("RTM_NEWLINK", "ifindex " + index + (up ? " up" : " down"));
    }

    /**
     * Creates a macvlan called {@code name} on link {@code lowerIndex} with hardware address
     * {@code mac}, in private mode (no frames between macvlans of the same lower link), down: what
     * {@code ip link add link LOWER name NAME address MAC type macvlan mode private} does and what
     * keepalived's {@code use_vmac} creates. Fails with errno 17 (EEXIST) if a link of that name
     * exists, 95 (EOPNOTSUPP) when the kernel has no macvlan support.
     */
    public synchronized void addMacvlan(String name, int lowerIndex, byte[] mac) throws InterfaceException {
        Preconditions.checkNotNull(name, "interface");
        Preconditions.checkArgument(!name.isEmpty() && name.length() <= 15 && name.indexOf('/') < 0
                && name.chars().noneMatch(c -> c <= ' ' || c >= 127), "interface", name,
                "1 to 15 printable characters, no '/' or blank");
        Preconditions.checkArgument(lowerIndex > 0, "lower interface index", lowerIndex, "1 or more");
        Preconditions.checkNotNull(mac, "hardware address");
        Preconditions.checkArgument(mac.length == 6, "hardware address", mac.length + " bytes", "6 bytes");
        out.clear();
        RtnlCodec.newMacvlan(out, ++seq, name, lowerIndex, mac, RtnlCodec.MACVLAN_MODE_PRIVATE);
        request("RTM_NEWLINK", "macvlan " + name + " on ifindex " + lowerIndex);
    }

    /**
     * Stops the kernel from giving link {@code index} IPv6 addresses of its own ({@code ip link set
     * DEV addrgenmode none}): no EUI-64 link-local address when it comes up. Fails with errno 97
     * (EAFNOSUPPORT) when the link has no IPv6.
     */
    public synchronized void stopIpv6AddressGeneration(int index) throws InterfaceException {
        Preconditions.checkArgument(index > 0, "interface index", index, "1 or more");
        out.clear();
        RtnlCodec.addrGenMode(out, ++seq, index, RtnlCodec.IN6_ADDR_GEN_MODE_NONE);
        request("RTM_NEWLINK", "ifindex " + index + " addrgenmode none");
    }

    /** Deletes link {@code index} ({@code ip link del DEV}); fails with errno 19 (ENODEV) if there is none. */
    public synchronized void deleteLink(int index) throws InterfaceException {
        Preconditions.checkArgument(index > 0, "interface index", index, "1 or more");
        out.clear();
        RtnlCodec.deleteLink(out, ++seq, index);
        request("RTM_DELLINK", "ifindex " + index);
    }

    private void request(String op, String object) throws InterfaceException {
        int mySeq = seq;
        try {
            socket.send(out);
            for (int guard = 0; guard < 10_000; guard++) {
                ByteBuf d = socket.receive();
                while (d.isReadable()) {
                    NlMessage m = NlMessage.next(d);
                    if (m.seq != mySeq || m.type != Nl.NLMSG_ERROR) {
                        continue;
                    }
                    NlError e = NlError.parse(m);
                    if (e.errno != 0) {
                        throw new InterfaceException(op, object, e.errno, NetlinkSocket.strerror(e.errno), e.message);
                    }
                    return;
                }
            }
            throw new InterfaceException(op, object, 0, "no acknowledgement", null);
        } catch (NetlinkIoException e) {
            throw wrap(e, op, object);
        } catch (NetlinkFormatException e) {
            throw new InterfaceException(op, object, 74, "Bad message", e.getMessage());
        }
    }

    /**
     * A dump. When the kernel flags it {@code NLM_F_DUMP_INTR} (the table changed between its parts,
     * so an entry may be missing or doubled) it is read again, as libnl's cache refill does, up to
     * {@value #DUMP_ATTEMPTS} times; then it fails with EINTR rather than return an inconsistent list.
     */
    private List<NlMessage> dump(int type, int family, String op) throws InterfaceException {
        for (int attempt = 1; ; attempt++) {
            List<NlMessage> all = dumpOnce(type, family, op);
            if (all != null) {
                return all;
            }
            dumpRestarts++;
            if (attempt == DUMP_ATTEMPTS) {
                throw new InterfaceException(op, null, 4, "Interrupted system call",
                        "the dump was interrupted by concurrent changes " + DUMP_ATTEMPTS + " times in a row (NLM_F_DUMP_INTR)");
            }
        }
    }

    /** Dumps read again after NLM_F_DUMP_INTR (for tests). */
    int dumpRestarts() {
        return dumpRestarts;
    }

    /** One dump, or null when the kernel flagged it interrupted. */
    private List<NlMessage> dumpOnce(int type, int family, String op) throws InterfaceException {
        out.clear();
        RtnlCodec.dump(out, type, ++seq, family);
        int mySeq = seq;
        List<NlMessage> all = new ArrayList<>();
        boolean interrupted = false;
        try {
            socket.send(out);
            for (int guard = 0; guard < 100_000; guard++) {
                ByteBuf d = Unpooled.copiedBuffer(socket.receive());
                while (d.isReadable()) {
                    NlMessage m = NlMessage.next(d);
                    if (m.seq != mySeq) {
                        continue;
                    }
                    interrupted |= (m.flags & Nl.NLM_F_DUMP_INTR) != 0;
                    if (m.type == Nl.NLMSG_DONE) {
                        return interrupted ? null : all;
                    }
                    if (m.type == Nl.NLMSG_ERROR) {
                        NlError e = NlError.parse(m);
                        throw new InterfaceException(op, null, e.errno, NetlinkSocket.strerror(e.errno), e.message);
                    }
                    all.add(m);
                }
            }
            throw new InterfaceException(op, null, 0, "dump without end", null);
        } catch (NetlinkIoException e) {
            throw wrap(e, op, null);
        } catch (NetlinkFormatException e) {
            throw new InterfaceException(op, null, 74, "Bad message", e.getMessage());
        }
    }

    static InterfaceException wrap(NetlinkIoException e, String object) {
        InterfaceException ie = new InterfaceException(e.syscall, object, e.errno, e.errnoText, null);
        ie.initCause(e);
        return ie;
    }

    /**
     * A failed exchange of request {@code op} (e.g. {@code RTM_NEWADDR}): named by the request, with
     * the syscall that failed; a receive timeout says that no reply came.
     */
    static InterfaceException wrap(NetlinkIoException e, String op, String object) {
        String detail = NetlinkSocket.isTimeout(e) ? e.syscall + ": no reply from the kernel within the receive timeout"
                : e.syscall + " failed";
        InterfaceException ie = new InterfaceException(op, object, e.errno, e.errnoText, detail);
        ie.initCause(e);
        return ie;
    }

    @Override
    public synchronized void close() {
        socket.close();
    }
}
