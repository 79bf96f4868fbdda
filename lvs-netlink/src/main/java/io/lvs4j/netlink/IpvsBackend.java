package io.lvs4j.netlink;

import io.lvs4j.Change;
import io.lvs4j.SyncDaemon;
import io.lvs4j.Timeouts;
import io.lvs4j.internal.Preconditions;
import java.util.List;

/**
 * An IPVS table a {@link Reconciler} (and a director) reads and changes: the kernel's through an
 * {@link Ipvs} handle ({@link #kernel(Ipvs)}), the userspace {@link Forwarder}'s
 * ({@link #forwarder(Forwarder)}) where the kernel has no IPVS, or a table in memory
 * ({@link InMemoryIpvs}) for embedding and deterministic tests. The same contract tests run
 * against them. Sealed: these three are the only implementations, so every table answers with
 * the kernel's errors.
 */
public sealed interface IpvsBackend permits KernelBackend, InMemoryIpvs, ForwarderBackend {
    /** The kernel's table through {@code ipvs}; the handle stays the caller's to close. */
    static IpvsBackend kernel(Ipvs ipvs) {
        return new KernelBackend(Preconditions.checkNotNull(ipvs, "ipvs handle"));
    }

    /**
     * The userspace forwarder's tables: changes are applied on its thread between two batches of
     * frames; {@link #serviceStates()} reports its connection table's active and inactive
     * connections and packet and byte counters per real server (the count of connections ever
     * scheduled stays 0). Firewall-mark services, local
     * delivery, sync daemons and timeouts other than the forwarder's are refused with
     * EOPNOTSUPP. The forwarder stays the caller's to close (after the director using it).
     */
    static IpvsBackend forwarder(Forwarder forwarder) {
        return new ForwarderBackend(Preconditions.checkNotNull(forwarder, "forwarder"));
    }

    /** Every service with its real servers, connection counts and counters, as {@link Ipvs#serviceStates()}. */
    List<ServiceState> serviceStates() throws IpvsException;

    /** The current timeouts, as {@link Ipvs#timeouts()}. */
    Timeouts timeouts() throws IpvsException;

    /**
     * Applies the changes in order as one batch, one request per change.
     *
     * @throws IpvsBatchException if any change failed; its failure indexes are indexes into
     *     {@code changes}, and the requests before the last one sent are those acknowledged or failed
     * @throws IpvsException if nothing was sent
     */
    void apply(List<Change> changes) throws IpvsException;

    /** The running sync daemons, as {@link Ipvs#daemons()}. */
    List<SyncDaemon> daemons() throws IpvsException;

    /** Starts a sync daemon, as {@link Ipvs#startDaemon}. */
    void startDaemon(SyncDaemon daemon) throws IpvsException;

    /** Stops the sync daemon of that role, as {@link Ipvs#stopDaemon}. */
    void stopDaemon(SyncDaemon.Role role) throws IpvsException;

    /** Removes every service, as {@link Ipvs#flush()}. */
    void flush() throws IpvsException;
}
