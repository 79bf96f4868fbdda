package io.lvs4j.table;

import io.lvs4j.RealServer;
import io.lvs4j.internal.Preconditions;

/**
 * A real server as the kernel has it now: its settings, its connection counts and its traffic.
 * What {@code ipvsadm -Ln} prints on a real server's line ({@code ActiveConn}, {@code InActConn};
 * {@code --persistent-conn} adds {@code PersistConn}; {@code --stats} and {@code --rate} the
 * {@link #stats()}).
 *
 * @param server the real server's settings
 * @param activeConnections connections in the established state (TCP ESTABLISHED; for UDP 0)
 * @param inactiveConnections every other connection entry it has (closing, UDP, SYN_RECV, ...)
 * @param persistentConnections persistence templates pointing at it
 * @param stats its counters and rates
 */
public record RealServerState(RealServer server, int activeConnections, int inactiveConnections,
        int persistentConnections, IpvsStats stats) {
    public RealServerState {
        Preconditions.checkNotNull(server, "real server");
        Preconditions.checkInRange(activeConnections, 0, Integer.MAX_VALUE, "active connections");
        Preconditions.checkInRange(inactiveConnections, 0, Integer.MAX_VALUE, "inactive connections");
        Preconditions.checkInRange(persistentConnections, 0, Integer.MAX_VALUE, "persistent connections");
        Preconditions.checkNotNull(stats, "stats");
    }

    /** Whether no connection entry (active or inactive) uses it: a drained server may go. */
    public boolean isIdle() {
        return activeConnections == 0 && inactiveConnections == 0;
    }
}
