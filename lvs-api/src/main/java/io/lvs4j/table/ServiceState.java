package io.lvs4j.table;

import io.lvs4j.RealServer;
import io.lvs4j.VirtualService;
import io.lvs4j.internal.Preconditions;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * A virtual service as the kernel has it now: its settings, its traffic, and the state of each of
 * its real servers, in the kernel's list order (as {@code ipvsadm -Ln} prints them).
 *
 * @param service the service and its real servers, as the table gives it
 * @param stats the service's counters and rates
 * @param realServers one entry per real server of {@code service}, in the same order
 */
public record ServiceState(VirtualService service, IpvsStats stats, List<RealServerState> realServers) {
    /**
     * @throws IllegalArgumentException if {@code realServers} are not {@code service}'s real
     *     servers in the same order
     */
    public ServiceState {
        Preconditions.checkNotNull(service, "service");
        Preconditions.checkNotNull(stats, "stats");
        realServers = List.copyOf(Preconditions.checkNotNull(realServers, "real server states"));
        List<RealServer> own = service.realServers();
        // the messages are built only on failure: a table dump makes one ServiceState per service
        if (own.size() != realServers.size()) {
            throw Preconditions.invalid("number of real server states", realServers.size(),
                    own.size() + ", one per real server of " + service.key());
        }
        for (int i = 0; i < own.size(); i++) {
            RealServer r = realServers.get(i).server();
            if (!own.get(i).equals(r)) {
                throw Preconditions.invalid("real server state #" + (i + 1), r.endpoint(),
                        own.get(i).endpoint() + " as in " + service.key());
            }
        }
    }

    /** The state of the real server at that address and port, as {@link VirtualService#realServer} finds it. */
    public Optional<RealServerState> realServer(InetAddress address, int port) {
        for (RealServerState r : realServers) {
            if (r.server().port() == port && r.server().address().equals(address)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
