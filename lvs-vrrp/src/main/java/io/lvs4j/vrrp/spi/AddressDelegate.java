package io.lvs4j.vrrp.spi;

import io.lvs4j.vrrp.VirtualAddress;

/**
 * Takes over what a master does with some of its virtual addresses instead of putting them on an
 * interface: for a data plane that answers for the addresses itself, such as the userspace
 * forwarder ({@code lvs4j run --userspace}), where an address on an interface would make the
 * kernel answer the connections the forwarder must take. The VRRP engine still advertises such an
 * address and runs its state machine unchanged; only the actions on the address move here.
 *
 * <p>Called on the VRRP thread, in the order of the router's events (after the state change that
 * caused them): {@link #take} when the router becomes master, {@link #release} when it stops being
 * master (backup, fault, stop), {@link #announce} for each gratuitous ARP / unsolicited neighbour
 * advertisement round the router asks for (on becoming master, its delayed repeat and
 * {@code garp_master_refresh}). An address the delegate does not {@link #handles handle} is put on
 * its interface as usual. Implementations must return quickly and not throw.
 */
public interface AddressDelegate {
    /** Whether this delegate, not the interface, carries {@code address} of {@code instance}. */
    boolean handles(String instance, VirtualAddress address);

    /** {@code instance} became master: start answering for {@code address}. */
    void take(String instance, VirtualAddress address);

    /** {@code instance} is no longer master: stop answering for {@code address} and drop its packets. */
    void release(String instance, VirtualAddress address);

    /** Send {@code repeat} gratuitous ARPs / unsolicited neighbour advertisements for {@code address}. */
    void announce(String instance, VirtualAddress address, int repeat);
}
