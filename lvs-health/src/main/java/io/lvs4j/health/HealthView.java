package io.lvs4j.health;

import io.lvs4j.ServiceKey;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the {@link HealthMonitor} wants, at one moment: for every service it watches, each real
 * server up or down with the weight it should have in the service's table (or none), and the
 * quorum's state with the sorry server. Immutable; a new view is published after each change, on
 * the monitor's thread ({@link HealthListener}), and {@link HealthMonitor#view()} returns the last
 * one. What a director puts in its table is a function of its configured services and this view:
 * each service's {@link ServiceView#inService()}.
 */
public final class HealthView {
    /** The view before the monitor starts: no services. */
    public static final HealthView EMPTY = new HealthView(0, 0, new ServiceView[0]);

    private final long version;
    private final long nanos;
    private final ServiceView[] services;
    private volatile Map<ServiceKey, ServiceView> byKey; // built on the first lookup

    HealthView(long version, long nanos, ServiceView[] services) {
        this.version = version;
        this.nanos = nanos;
        this.services = services;
    }

    /** 1, 2, ... per published view of a monitor (0: {@link #EMPTY}). */
    public long version() {
        return version;
    }

    /** The monitor's ticker when the view was made. */
    public long nanos() {
        return nanos;
    }

    /** Every service the monitor watches, in the order they were added. */
    public List<ServiceView> services() {
        return List.of(services);
    }

    /** The service of that key, if the monitor watches it. */
    public Optional<ServiceView> service(ServiceKey key) {
        Map<ServiceKey, ServiceView> m = byKey;
        if (m == null) {
            m = new HashMap<>(services.length * 2);
            for (ServiceView s : services) {
                m.put(s.key(), s);
            }
            byKey = m;
        }
        return Optional.ofNullable(m.get(key));
    }

    /** Views of the same version of the same monitor are equal; across monitors, compare {@link #services()}. */
    @Override
    public boolean equals(Object o) {
        return o instanceof HealthView v && version == v.version && nanos == v.nanos && Arrays.equals(services, v.services);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(version) * 31 + Arrays.hashCode(services);
    }

    @Override
    public String toString() {
        return "HealthView#" + version + " " + Arrays.toString(services);
    }
}
