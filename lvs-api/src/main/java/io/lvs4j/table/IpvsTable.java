package io.lvs4j.table;

import io.lvs4j.Change;
import io.lvs4j.SyncDaemon;
import io.lvs4j.Timeouts;
import java.util.List;

/**
 * An IPVS table that a {@link Reconciler} (and a director) reads and changes. Implementations:
 * the kernel's ({@code io.lvs4j.netlink.Ipvs}, lvs-netlink), the userspace forwarder's
 * ({@code io.lvs4j.forwarder.Forwarder#table()}, lvs-dataplane) where the kernel has no IPVS,
 * and {@link InMemoryIpvs} for embedding and deterministic tests. Every implementation answers
 * with the kernel's errors (an {@link IpvsException} with the kernel's errno), and the same
 * contract tests run against them.
 */
public interface IpvsTable {
    /** Every service with its real servers, connection counts and counters. */
    List<ServiceState> serviceStates() throws IpvsException;

    /** The current timeouts. */
    Timeouts timeouts() throws IpvsException;

    /**
     * Applies the changes in order as one batch, one request per change.
     *
     * @throws IpvsBatchException if any change failed; its failure indexes are indexes into
     *     {@code changes}, and the requests before the last one sent are those acknowledged or failed
     * @throws IpvsException if nothing was sent
     */
    void apply(List<Change> changes) throws IpvsException;

    /** The running sync daemons. */
    List<SyncDaemon> daemons() throws IpvsException;

    /** Starts a sync daemon. */
    void startDaemon(SyncDaemon daemon) throws IpvsException;

    /** Stops the sync daemon of that role. */
    void stopDaemon(SyncDaemon.Role role) throws IpvsException;

    /** Removes every service. */
    void flush() throws IpvsException;

    /**
     * Whether the table, like the kernel's, puts a new real server at the head of its service's
     * list, the list the {@code mh} and {@code sh} schedulers walk to build their lookup table: a
     * {@link Reconciler} then adds those services' real servers in their configured order
     * (re-adding later ones), so that the table does not depend on the order they came in.
     * Default false (the userspace forwarder orders its tables itself).
     */
    default boolean listsNewestFirst() {
        return false;
    }
}
