package io.lvs4j;

import io.lvs4j.internal.Preconditions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The IPVS part of a whole director: its virtual services and the global timeouts. Immutable.
 * Two services with the same key are rejected, naming both.
 */
public final class DirectorConfig {
    private final List<VirtualService> services;
    private final Map<ServiceKey, VirtualService> byKey;
    private final Timeouts timeouts;

    private DirectorConfig(List<VirtualService> services, Map<ServiceKey, VirtualService> byKey, Timeouts timeouts) {
        this.services = services;
        this.byKey = byKey;
        this.timeouts = timeouts;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** An empty configuration: no services, timeouts unchanged. */
    public static DirectorConfig empty() {
        return builder().build();
    }

    /** The services in the order given. */
    public List<VirtualService> services() {
        return services;
    }

    public Optional<VirtualService> service(ServiceKey key) {
        return Optional.ofNullable(byKey.get(key));
    }

    public Timeouts timeouts() {
        return timeouts;
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.services(services);
        b.timeouts(timeouts);
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof DirectorConfig && services.equals(((DirectorConfig) o).services)
                && timeouts.equals(((DirectorConfig) o).timeouts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(services, timeouts);
    }

    @Override
    public String toString() {
        return "DirectorConfig{services=" + services + ", timeouts=" + timeouts + "}";
    }

    /** Builds a {@link DirectorConfig}; a duplicate service is rejected when it is added. */
    public static final class Builder {
        private final List<VirtualService> services = new ArrayList<>();
        private final Map<ServiceKey, Integer> positions = new HashMap<>();
        private Timeouts timeouts = Timeouts.UNCHANGED;

        Builder() {}

        public Builder service(VirtualService.Builder service) {
            return service(Preconditions.checkNotNull(service, "service").build());
        }

        /**
         * Adds a service.
         *
         * @throws IllegalArgumentException if a service with the same key was added before
         */
        public Builder service(VirtualService service) {
            Preconditions.checkNotNull(service, "service");
            Integer earlier = positions.get(service.key());
            if (earlier != null) {
                throw Preconditions.invalid("service #" + (services.size() + 1), service.key().toString(),
                        "a key not used yet; service #" + (earlier + 1) + " is " + services.get(earlier).key());
            }
            positions.put(service.key(), services.size());
            services.add(service);
            return this;
        }

        public Builder services(Collection<VirtualService> services) {
            for (VirtualService s : Preconditions.checkNotNull(services, "services")) {
                service(s);
            }
            return this;
        }

        /** Replaces the service with the same key, or adds it. */
        public Builder putService(VirtualService service) {
            Preconditions.checkNotNull(service, "service");
            Integer at = positions.get(service.key());
            if (at == null) {
                return service(service);
            }
            services.set(at, service);
            return this;
        }

        /** Removes the service with that key, if present. */
        public Builder removeService(ServiceKey key) {
            Integer at = positions.remove(key);
            if (at != null) {
                services.remove((int) at);
                positions.clear();
                for (int i = 0; i < services.size(); i++) {
                    positions.put(services.get(i).key(), i);
                }
            }
            return this;
        }

        public Builder timeouts(Timeouts timeouts) {
            this.timeouts = Preconditions.checkNotNull(timeouts, "timeouts");
            return this;
        }

        public DirectorConfig build() {
            List<VirtualService> copy = Collections.unmodifiableList(new ArrayList<>(services));
            Map<ServiceKey, VirtualService> map = new HashMap<>();
            for (VirtualService s : copy) {
                map.put(s.key(), s);
            }
            return new DirectorConfig(copy, Collections.unmodifiableMap(map), timeouts);
        }
    }
}
