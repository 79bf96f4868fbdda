package io.lvs4j.vrrp;

import java.time.Duration;
import java.util.List;

/**
 * What a router tells its listeners, in the order it happens, after the state has changed. Action
 * events ({@link AddressesAdded}, {@link AddressesRemoved}, {@link GratuitousArpRequested}) are what
 * the address layer (rtnetlink, ARP/NA sender) must do; {@link StateChanged} is for logging and
 * notify commands. Times are the scheduler's nanoseconds.
 */
public sealed interface VrrpEvent {
    String instance();

    long nanos();

    record StateChanged(String instance, long nanos, RouterState from, RouterState to, TransitionReason reason)
            implements VrrpEvent {}

    /**
     * Add the addresses (the virtual ones, then the excluded ones); {@code acceptMode} false means
     * drop traffic to them (unless owner).
     */
    record AddressesAdded(String instance, long nanos, List<VirtualAddress> addresses, boolean acceptMode)
            implements VrrpEvent {}

    record AddressesRemoved(String instance, long nanos, List<VirtualAddress> addresses) implements VrrpEvent {}

    /**
     * Send gratuitous ARP (IPv4) or unsolicited neighbour advertisements (IPv6) for the addresses:
     * {@code repeat} times now, then {@code repeat} more after {@code delay} (zero: none).
     */
    record GratuitousArpRequested(String instance, long nanos, List<VirtualAddress> addresses, GarpReason reason,
            int repeat, Duration delay) implements VrrpEvent {}

    record PriorityChanged(String instance, long nanos, int from, int to) implements VrrpEvent {}

    /** Why gratuitous ARPs are wanted. */
    enum GarpReason {
        /** Became master (keepalived's garp_master_delay/garp_master_repeat). */
        BECAME_MASTER,
        /**
         * A master saw an advert from a lower-priority master: a split brain is healing, so it
         * re-announces (keepalived's garp_lower_prio_delay/garp_lower_prio_repeat).
         */
        LOWER_PRIORITY_MASTER_SEEN
    }
}
