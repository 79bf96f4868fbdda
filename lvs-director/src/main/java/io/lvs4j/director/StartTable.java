package io.lvs4j.director;

import io.lvs4j.VirtualService;
import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.health.HealthMonitor;
import io.lvs4j.health.ServiceHealth;
import io.lvs4j.health.ServiceView;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.time.VirtualClock;
import java.util.ArrayList;
import java.util.List;

/**
 * The IPVS services a keepalived.conf installs at start, before any check has answered: what
 * {@code lvs4j config render} prints and what {@link Director#start()} installs first, as keepalived
 * 2.2.7 does. A real server whose checks start down ({@code alpha}) is left out, or in at weight 0
 * with {@code inhibit_on_failure}; a service whose quorum is not met at start has its sorry server in.
 * Without {@code alpha} every real server is in at its configured weight.
 *
 * <p>Computed by the director's own health monitor, on a clock that never moves (no check runs,
 * no notify command, no quorum hook is run) and by the same mapping as the director's desired table.
 */
public final class StartTable {
    private StartTable() {}

    /**
     * The services at start, in configuration order.
     *
     * @throws IllegalArgumentException if a checker cannot be built (as {@link Director} would refuse it)
     */
    public static List<VirtualService> of(KeepalivedConfig config) {
        Preconditions.checkNotNull(config, "config");
        List<ServiceHealth> services = KeepalivedMapping.services(config);
        HealthMonitor.Builder b = HealthMonitor.builder().scheduler(new VirtualClock());
        services.forEach(b::service);
        List<VirtualService> out = new ArrayList<>(services.size());
        try (HealthMonitor m = b.build()) {
            m.start(); // on the clock's thread (this one): the first view before any check runs
            for (ServiceHealth sh : services) {
                ServiceView view = m.view().service(sh.service().key()).orElse(null);
                out.add(TableSync.healthy(sh, view));
            }
        }
        return List.copyOf(out);
    }
}
