package io.lvs4j.director.config;

import io.lvs4j.VirtualService;
import io.lvs4j.director.config.internal.KeepalivedMapping;
import io.lvs4j.health.HealthMonitor;
import io.lvs4j.health.ServiceHealth;
import io.lvs4j.health.ServiceView;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.time.VirtualClock;
import io.lvs4j.ServiceKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The IPVS services a keepalived.conf installs at start, before any check has answered: what
 * {@code lvs4j config render} prints and what {@link io.lvs4j.director.Director.Builder#start()} installs first, as keepalived
 * 2.2.7 does. A real server whose checks start down ({@code alpha}) is left out, or in at weight 0
 * with {@code inhibit_on_failure}; a service whose quorum is not met at start has its sorry server in.
 * Without {@code alpha} every real server is in at its configured weight.
 *
 * <p>A service with an alpha check is computed by the director's own health monitor, on a clock
 * that never moves (no check, notify command or quorum hook runs), and the director's
 * desired table (the real servers the view wants in); the others are the configured services, every real server up.
 */
public final class StartTable {
    private StartTable() {}

    /**
     * The services at start, in configuration order.
     *
     * @throws IllegalArgumentException if a checker cannot be built (as the director would refuse it)
     */
    public static List<VirtualService> of(KeepalivedConfig config) {
        Preconditions.checkNotNull(config, "config");
        List<ServiceHealth> alpha = new ArrayList<>();
        for (ServiceHealth sh : KeepalivedMapping.services(config)) {
            if (sh.checks().stream().anyMatch(c -> c.policy().alpha())) {
                alpha.add(sh);
            }
        }
        if (alpha.isEmpty()) {
            return config.virtualServices(); // every real server up: the configured table (quorum as keepalived)
        }
        Map<ServiceKey, VirtualService> atStart = new HashMap<>();
        HealthMonitor.Builder b = HealthMonitor.builder().scheduler(new VirtualClock());
        alpha.forEach(b::service);
        try (HealthMonitor m = b.build()) {
            m.start(); // on the clock's thread (this one): the first view before any check runs
            for (ServiceHealth sh : alpha) {
                ServiceView view = m.view().service(sh.service().key()).orElse(null);
                // what the director's desired table holds: the real servers the view wants in
                List<io.lvs4j.RealServer> in = view == null ? List.of() : view.inService();
                atStart.put(sh.service().key(), sh.service().toBuilder().clearRealServers().realServers(in).build());
            }
        }
        List<VirtualService> out = new ArrayList<>();
        for (VirtualService s : config.virtualServices()) {
            out.add(atStart.getOrDefault(s.key(), s));
        }
        return List.copyOf(out);
    }
}
