package io.lvs4j.vrrp.spi;

import io.lvs4j.time.Scheduler;
import io.lvs4j.vrrp.VrrpInstance;
import io.lvs4j.vrrp.VrrpListener;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Where a {@link io.lvs4j.vrrp.VrrpNode} runs: the packets, the interfaces' links, the virtual
 * addresses and the commands of one host. Two implementations: {@link io.lvs4j.vrrp.linux.LinuxNetwork}
 * (raw sockets, rtnetlink, processes, in a network namespace or the JVM's) and
 * {@link io.lvs4j.vrrp.memory.InMemoryNetwork#node} (a simulated link on a virtual clock). The node
 * does everything else the same way on both.
 *
 * @param <X> what opening the host's resources throws: {@link io.lvs4j.netlink.InterfaceException}
 *     for the kernel, {@link RuntimeException} (nothing checked) in memory
 */
public interface VrrpNetwork<X extends Exception> {
    /**
     * The scheduler a node runs on when it is given none: a new {@link io.lvs4j.time.ThreadScheduler}
     * named {@code threadName} on a real host (the node closes it), the network's
     * {@link io.lvs4j.time.VirtualClock} in memory.
     */
    Scheduler defaultScheduler(String threadName);

    /**
     * Checks that {@code scheduler} can drive this network.
     *
     * @throws IllegalArgumentException if it cannot (in memory: it is not the network's clock)
     */
    default void checkScheduler(Scheduler scheduler) {}

    /** Opens this host's side for one node; closed with the node. */
    Host<X> open(Scheduler scheduler) throws X;

    /**
     * One node's view of the host. Methods other than {@link #open} and {@link #sourceAddress} run
     * on the scheduler's thread.
     */
    interface Host<X extends Exception> {
        /** The address adverts of {@code instance} (which has none) go out from: its interface's. */
        InetAddress sourceAddress(VrrpInstance instance) throws X;

        /**
         * The transport of {@code instance} (which has its source address) on its interface.
         * {@code siblingVrids} are this node's other virtual routers on the same interface and
         * family: their adverts are theirs, not mismatches.
         */
        VrrpTransport open(VrrpInstance instance, Set<Integer> siblingVrids) throws X;

        /**
         * The link state of an interface now.
         *
         * @throws IllegalStateException if the host has no such interface
         */
        boolean linkUp(String interfaceName);

        /** From now on tells {@code listener} (interface name, up) of link changes, on the scheduler's thread. */
        void watchLinks(BiConsumer<String, Boolean> listener) throws X;

        /** What carries out {@code instance}'s address events here (adds, removes, announces); may do nothing. */
        VrrpListener addressActions(VrrpInstance instance);

        /** How a command (argv) runs on this host, e.g. prefixed to enter a network namespace. */
        List<String> command(List<String> argv);

        /**
         * A crash, for failover tests: from now on nothing is sent and the addresses stay as they
         * are (no priority 0, no removal).
         */
        void abort();

        /** Releases what {@link #open} and the transports took; idempotent. */
        void close();
    }
}
