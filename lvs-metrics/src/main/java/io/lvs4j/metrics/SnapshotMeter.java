package io.lvs4j.metrics;

import io.lvs4j.director.DirectorState;
import io.lvs4j.table.IpvsStats;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The meters read from {@link DirectorState}, one table for both ways they are shown: as
 * Micrometer gauges and function counters ({@link LvsMetrics#bindTo}) and written straight in the
 * Prometheus text format ({@link SnapshotWriter}). Names as Micrometer has them.
 */
enum SnapshotMeter {
    SERVICE_CONNECTIONS_ACTIVE(Scope.SERVICE, "lvs.service.connections.active", false, null,
            "Active connections of the service's real servers"),
    SERVICE_CONNECTIONS_INACTIVE(Scope.SERVICE, "lvs.service.connections.inactive", false, null,
            "Inactive connections of the service's real servers"),
    SERVICE_QUORUM_UP(Scope.SERVICE, "lvs.service.quorum.up", false, null, "1 while the live weight meets the quorum"),
    SERVICE_IN_KERNEL(Scope.SERVICE, "lvs.service.in.kernel", false, null, "1 while the IPVS table has the service"),
    SERVICE_CONNECTIONS(Scope.SERVICE, "lvs.service.connections", true, null, Help.CONNECTIONS),
    SERVICE_PACKETS_IN(Scope.SERVICE, "lvs.service.incoming.packets", true, null, Help.PACKETS_IN),
    SERVICE_PACKETS_OUT(Scope.SERVICE, "lvs.service.outgoing.packets", true, null, Help.PACKETS_OUT),
    SERVICE_BYTES_IN(Scope.SERVICE, "lvs.service.incoming", true, "bytes", Help.BYTES_IN),
    SERVICE_BYTES_OUT(Scope.SERVICE, "lvs.service.outgoing", true, "bytes", Help.BYTES_OUT),

    BACKEND_CONNECTIONS_ACTIVE(Scope.SERVER, "lvs.backend.connections.active", false, null,
            "Active connections (node_ipvs_backend_connections_active)"),
    BACKEND_CONNECTIONS_INACTIVE(Scope.SERVER, "lvs.backend.connections.inactive", false, null,
            "Inactive connections (node_ipvs_backend_connections_inactive)"),
    BACKEND_WEIGHT(Scope.SERVER, "lvs.backend.weight", false, null,
            "The weight the IPVS table has (node_ipvs_backend_weight); -1 when not in the table"),
    BACKEND_WEIGHT_CONFIGURED(Scope.SERVER, "lvs.backend.weight.configured", false, null, "The configured weight"),
    BACKEND_WEIGHT_DESIRED(Scope.SERVER, "lvs.backend.weight.desired", false, null,
            "The weight health wants (configured or dynamic, 0 when inhibited); -1 when it should be out"),
    BACKEND_UP(Scope.SERVER, "lvs.backend.up", false, null, "1 while its checks pass (or it has none), 0 when down"),
    BACKEND_CHECKED(Scope.SERVER, "lvs.backend.checked", false, null, "1 when health checks decide about it"),
    BACKEND_IN_KERNEL(Scope.SERVER, "lvs.backend.in.kernel", false, null, "1 while the IPVS table has it"),
    BACKEND_CONNECTIONS(Scope.SERVER, "lvs.backend.connections", true, null, Help.CONNECTIONS),
    BACKEND_PACKETS_IN(Scope.SERVER, "lvs.backend.incoming.packets", true, null, Help.PACKETS_IN),
    BACKEND_PACKETS_OUT(Scope.SERVER, "lvs.backend.outgoing.packets", true, null, Help.PACKETS_OUT),
    BACKEND_BYTES_IN(Scope.SERVER, "lvs.backend.incoming", true, "bytes", Help.BYTES_IN),
    BACKEND_BYTES_OUT(Scope.SERVER, "lvs.backend.outgoing", true, "bytes", Help.BYTES_OUT),

    VRRP_STATE(Scope.INSTANCE, "lvs.vrrp.state", false, null,
            "0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT (keepalived_vrrp_state)"),
    VRRP_PRIORITY(Scope.INSTANCE, "lvs.vrrp.priority", false, null, "The configured priority"),
    VRRP_PRIORITY_EFFECTIVE(Scope.INSTANCE, "lvs.vrrp.priority.effective", false, null,
            "The priority after tracked scripts and interfaces"),
    VRRP_ADDRESSES_HELD(Scope.INSTANCE, "lvs.vrrp.addresses.held", false, null,
            "1 while this director holds the instance's VIPs");

    /** What a meter is about. */
    enum Scope { SERVICE, SERVER, INSTANCE }

    private static final class Help {
        static final String CONNECTIONS = "Connections scheduled (IPVS conns)";
        static final String PACKETS_IN = "Packets in (IPVS inpkts)";
        static final String PACKETS_OUT = "Packets out (IPVS outpkts)";
        static final String BYTES_IN = "Bytes in (IPVS inbytes)";
        static final String BYTES_OUT = "Bytes out (IPVS outbytes)";
    }

    /** In the order Micrometer's Prometheus registry writes them: by name without {@code _total}. */
    static final List<SnapshotMeter> BY_PROMETHEUS_NAME = Arrays.stream(values())
            .sorted(Comparator.comparing(SnapshotMeter::prometheusBase)).toList();

    final Scope scope;
    final String name;
    final boolean counter;
    final String baseUnit;
    final String help;

    SnapshotMeter(Scope scope, String name, boolean counter, String baseUnit, String help) {
        this.scope = scope;
        this.name = name;
        this.counter = counter;
        this.baseUnit = baseUnit;
        this.help = help;
    }

    /** The Prometheus name without {@code _total}: OpenMetrics' family name. */
    String prometheusBase() {
        return name.replace('.', '_') + (baseUnit == null ? "" : "_" + baseUnit);
    }

    /** The name of its samples (and of its family in the text format 0.0.4). */
    String prometheusName() {
        return prometheusBase() + (counter ? "_total" : "");
    }

    long value(DirectorState.Service s) {
        return switch (this) {
            case SERVICE_CONNECTIONS_ACTIVE -> s.activeConnections();
            case SERVICE_CONNECTIONS_INACTIVE -> s.inactiveConnections();
            case SERVICE_QUORUM_UP -> s.quorumUp() ? 1 : 0;
            case SERVICE_IN_KERNEL -> s.installed() ? 1 : 0;
            default -> stat(s.stats());
        };
    }

    long value(DirectorState.Server r) {
        return switch (this) {
            case BACKEND_CONNECTIONS_ACTIVE -> r.activeConnections();
            case BACKEND_CONNECTIONS_INACTIVE -> r.inactiveConnections();
            case BACKEND_WEIGHT -> r.appliedWeight();
            case BACKEND_WEIGHT_CONFIGURED -> r.configured().weight();
            case BACKEND_WEIGHT_DESIRED -> r.desiredWeight();
            case BACKEND_UP -> r.health() == DirectorState.Health.DOWN ? 0 : 1;
            case BACKEND_CHECKED -> r.health() == DirectorState.Health.UNCHECKED ? 0 : 1;
            case BACKEND_IN_KERNEL -> r.installed() ? 1 : 0;
            default -> stat(r.stats());
        };
    }

    long value(DirectorState.Instance i) {
        return switch (this) {
            case VRRP_STATE -> LvsMetrics.VRRP_STATE_VALUES.get(i.state().name());
            case VRRP_PRIORITY -> i.priority();
            case VRRP_PRIORITY_EFFECTIVE -> i.effectivePriority();
            case VRRP_ADDRESSES_HELD -> i.addressesHeld() ? 1 : 0;
            default -> throw new IllegalStateException(this + " is not a VRRP instance's");
        };
    }

    private long stat(IpvsStats s) {
        return switch (this) {
            case SERVICE_CONNECTIONS, BACKEND_CONNECTIONS -> s.connections();
            case SERVICE_PACKETS_IN, BACKEND_PACKETS_IN -> s.packetsIn();
            case SERVICE_PACKETS_OUT, BACKEND_PACKETS_OUT -> s.packetsOut();
            case SERVICE_BYTES_IN, BACKEND_BYTES_IN -> s.bytesIn();
            case SERVICE_BYTES_OUT, BACKEND_BYTES_OUT -> s.bytesOut();
            default -> throw new IllegalStateException(this + " is not a counter of the table");
        };
    }
}
