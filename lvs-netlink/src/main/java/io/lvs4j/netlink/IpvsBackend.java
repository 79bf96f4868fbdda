package io.lvs4j.netlink;

import io.lvs4j.Change;
import io.lvs4j.Timeouts;
import java.util.List;

/**
 * What {@link Reconciler} needs from an IPVS table: read it, change it. The kernel
 * ({@link KernelBackend}) and the tests' in-memory table implement it, and the same contract
 * tests run against both.
 */
interface IpvsBackend {
    /** Every service with its real servers and their connection counts, as {@link Ipvs#serviceStates()}. */
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
}
