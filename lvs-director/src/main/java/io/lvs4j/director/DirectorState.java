package io.lvs4j.director;

import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.SyncDaemon;
import io.lvs4j.VirtualService;
import io.lvs4j.table.IpvsStats;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.vrrp.RouterState;
import io.lvs4j.vrrp.TrackedObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of a {@link Director}: its VRRP instances, its services and real servers as
 * configured, as health checks have them and as the IPVS table holds them, with the table's
 * counters. Immutable. {@link Director#state()} returns the last snapshot the director published
 * (after every change, and at every refresh interval for the counters): polling it costs no
 * netlink round trip.
 *
 * @param instances the VRRP instances, in configuration order
 * @param services the configured services, in configuration order
 * @param syncDaemons the sync daemons the table runs
 * @param refreshedNanos the director's clock when the table was last read
 */
public record DirectorState(List<Instance> instances, List<Service> services, List<SyncDaemon> syncDaemons,
        long refreshedNanos) {
    public DirectorState {
        instances = List.copyOf(instances);
        services = List.copyOf(services);
        syncDaemons = List.copyOf(syncDaemons);
    }

    /** The instance of that name. */
    public Optional<Instance> instance(String name) {
        return instances.stream().filter(i -> i.name().equals(name)).findFirst();
    }

    /** The service with that key. */
    public Optional<Service> service(ServiceKey key) {
        return services.stream().filter(s -> s.key().equals(key)).findFirst();
    }

    /**
     * A VRRP instance: its name, state, configured and effective priority, virtual addresses,
     * whether it holds them, and the scripts and interfaces it tracks. Immutable; made with
     * {@link #builder(String)}.
     */
    public static final class Instance {
        private final String name;
        private final RouterState state;
        private final int priority;
        private final int effectivePriority;
        private final List<String> virtualAddresses;
        private final boolean addressesHeld;
        private final List<TrackedObject> tracked;

        private Instance(Builder b) {
            this.name = b.name;
            this.state = b.state;
            this.priority = b.priority;
            this.effectivePriority = b.effectivePriority;
            this.virtualAddresses = List.copyOf(b.virtualAddresses);
            this.addressesHeld = b.addressesHeld;
            this.tracked = List.copyOf(b.tracked);
        }

        /** An instance of that {@code vrrp_instance} name: INIT, priority 100, no address, nothing tracked. */
        public static Builder builder(String name) {
            return new Builder(Preconditions.checkNotNull(name, "name"));
        }

        /** The {@code vrrp_instance} name. */
        public String name() {
            return name;
        }

        /** INIT, BACKUP, MASTER or FAULT. */
        public RouterState state() {
            return state;
        }

        /** The configured priority. */
        public int priority() {
            return priority;
        }

        /** The priority after tracked scripts and interfaces. */
        public int effectivePriority() {
            return effectivePriority;
        }

        /** The VIPs, as written ({@code 192.0.2.10/24}). */
        public List<String> virtualAddresses() {
            return virtualAddresses;
        }

        /** Whether this director holds the VIPs (they are added on the master only). */
        public boolean addressesHeld() {
            return addressesHeld;
        }

        /**
         * The {@code vrrp_script}s it tracks (its own and its sync group's), each with its last
         * result and the weight it is tracked with.
         */
        public List<TrackedObject> trackedScripts() {
            return tracked.stream().filter(t -> t.kind() == TrackedObject.Kind.SCRIPT).toList();
        }

        /** The interfaces it tracks (its own unless {@code dont_track_primary}), each up or down, with its weight. */
        public List<TrackedObject> trackedInterfaces() {
            return tracked.stream().filter(t -> t.kind() == TrackedObject.Kind.INTERFACE).toList();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Instance i && name.equals(i.name) && state == i.state && priority == i.priority
                    && effectivePriority == i.effectivePriority && virtualAddresses.equals(i.virtualAddresses)
                    && addressesHeld == i.addressesHeld && tracked.equals(i.tracked);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, state, priority, effectivePriority, virtualAddresses, addressesHeld, tracked);
        }

        @Override
        public String toString() {
            return "Instance[" + name + " " + state + " priority " + priority + " effective " + effectivePriority
                    + " " + virtualAddresses + (addressesHeld ? " held" : "") + (tracked.isEmpty() ? "" : " " + tracked)
                    + "]";
        }

        /** Settings of an {@link Instance}. */
        public static final class Builder {
            private final String name;
            private RouterState state = RouterState.INIT;
            private int priority = 100;
            private int effectivePriority = 100;
            private List<String> virtualAddresses = List.of();
            private boolean addressesHeld;
            private final List<TrackedObject> tracked = new ArrayList<>();

            private Builder(String name) {
                this.name = name;
            }

            public Builder state(RouterState state) {
                this.state = Preconditions.checkNotNull(state, "state");
                return this;
            }

            public Builder priority(int priority) {
                this.priority = Preconditions.checkInRange(priority, 0, 255, "priority");
                return this;
            }

            public Builder effectivePriority(int effectivePriority) {
                this.effectivePriority = Preconditions.checkInRange(effectivePriority, 0, 255, "effectivePriority");
                return this;
            }

            /** The VIPs as written; no null element. */
            public Builder virtualAddresses(List<String> addresses) {
                Preconditions.checkNotNull(addresses, "virtualAddresses");
                for (String a : addresses) {
                    Preconditions.checkNotNull(a, "virtualAddresses element");
                }
                this.virtualAddresses = List.copyOf(addresses);
                return this;
            }

            public Builder addressesHeld(boolean held) {
                this.addressesHeld = held;
                return this;
            }

            /** A tracked script or interface; repeatable, in the order tracked. */
            public Builder tracked(TrackedObject t) {
                tracked.add(Preconditions.checkNotNull(t, "tracked"));
                return this;
            }

            public Instance build() {
                return new Instance(this);
            }
        }
    }

    /**
     * A virtual service.
     *
     * @param configured the service as configured, with every configured real server
     * @param applied the service as the table holds it (its scheduler, flags and persistence, and
     *     the real servers the table has), or null when the table does not have it. The table is
     *     the kernel's IPVS table, an {@code InMemoryIpvs} or the userspace forwarder's, whichever
     *     the director programs. After a change the table refused (a scheduler whose module the
     *     kernel lacks), this is what runs, and it differs from {@code configured}: see
     *     {@link #settingsApplied()}
     * @param quorumUp whether the live weight meets the quorum
     * @param realServers the configured real servers, then the sorry server when it is in use,
     *     then real servers being drained
     * @param activeConnections the sum of its real servers' active connections in the table
     * @param inactiveConnections the sum of its real servers' inactive connections
     * @param stats its counters in the table (zero when not in the table)
     */
    public record Service(VirtualService configured, VirtualService applied, boolean quorumUp,
            List<Server> realServers, long activeConnections, long inactiveConnections, IpvsStats stats) {
        public Service {
            realServers = List.copyOf(realServers);
        }

        public ServiceKey key() {
            return configured.key();
        }

        /** Whether the table has it. */
        public boolean installed() {
            return applied != null;
        }

        /**
         * Whether the table holds the configured settings (scheduler, flags, persistence). False
         * when it is not in the table, or when the table still has other settings because the
         * table refused the change; {@link #applied()} then says what runs.
         */
        public boolean settingsApplied() {
            return applied != null && applied.sameSettings(configured);
        }

        /** The scheduler the table runs it with, or the configured one when it is not in the table. */
        public io.lvs4j.Scheduler scheduler() {
            return applied != null ? applied.scheduler() : configured.scheduler();
        }

        /** The real server at that endpoint ({@code 10.0.0.2:80}, {@code [2001:db8::2]:80}). */
        public Optional<Server> realServer(String endpoint) {
            return realServers.stream().filter(r -> r.configured().endpoint().equals(endpoint)).findFirst();
        }
    }

    /** How health checks see a real server. */
    public enum Health {
        /** Every checker passes. */
        UP,
        /** A checker failed as its policy says. */
        DOWN,
        /** It has no checker: always in. */
        UNCHECKED
    }

    /** A real server's role in its service. */
    public enum Role {
        /** Configured. */
        REAL_SERVER,
        /** The sorry server, in while the quorum is lost. */
        SORRY_SERVER,
        /** Removed from the configuration, at weight 0 until its connections end or the drain timeout. */
        DRAINING
    }

    /**
     * A real server.
     *
     * @param configured as configured (its configured weight)
     * @param role configured, sorry server or draining
     * @param health what its checks say
     * @param desiredWeight the weight health wants in the table (the configured or dynamic weight,
     *     0 when inhibited), or -1 when it should not be there
     * @param appliedWeight the weight the table has (the kernel's, an {@code InMemoryIpvs}'s or the
     *     forwarder's), or -1 when the table does not have it
     * @param activeConnections its active connections in the table
     * @param inactiveConnections its inactive connections in the table
     * @param stats its counters in the table
     */
    public record Server(RealServer configured, Role role, Health health, int desiredWeight, int appliedWeight,
            int activeConnections, int inactiveConnections, IpvsStats stats) {
        /** Whether the table has it. */
        public boolean installed() {
            return appliedWeight >= 0;
        }
    }
}
