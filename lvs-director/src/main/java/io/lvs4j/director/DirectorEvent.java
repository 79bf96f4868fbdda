package io.lvs4j.director;

import io.lvs4j.Change;
import io.lvs4j.health.HealthEvent;
import io.lvs4j.ServiceKey;
import io.lvs4j.internal.Addresses;
import io.lvs4j.table.Drain;
import io.lvs4j.vrrp.RouterState;
import io.lvs4j.vrrp.TransitionReason;
import io.lvs4j.vrrp.VirtualAddress;
import java.net.InetAddress;
import java.util.List;
import java.util.StringJoiner;

/**
 * What a {@link Director} did or saw, in one ordered stream: {@link #sequence()} grows by one per
 * event, and listeners see them in that order. {@link #nanos()} is the director's clock.
 */
public sealed interface DirectorEvent {
    /** 1, 2, ... per director. */
    long sequence();

    /** The director's monotonic clock (a virtual clock's in tests) when it happened. */
    long nanos();

    /** A VRRP instance changed state, e.g. BACKUP to MASTER. */
    record VrrpTransition(long sequence, long nanos, String instance, RouterState from, RouterState to,
            TransitionReason reason) implements DirectorEvent {
        @Override
        public String toString() {
            return "#" + sequence + " (" + instance + ") " + from + " -> " + to + " (" + reason + ")";
        }
    }

    /**
     * A VRRP instance added ({@code held}) or removed its virtual addresses, as configured (address,
     * prefix length and, when given, device, scope, label).
     */
    record VirtualAddresses(long sequence, long nanos, String instance, boolean held, List<VirtualAddress> addresses)
            implements DirectorEvent {
        public VirtualAddresses {
            addresses = List.copyOf(addresses);
        }

        @Override
        public String toString() {
            StringJoiner j = new StringJoiner(", ");
            for (VirtualAddress a : addresses) {
                j.add(a.toString());
            }
            return "#" + sequence + " (" + instance + ") " + (held ? "added " : "removed ") + j;
        }
    }

    /**
     * The health monitor's decision about a real server or a service (check failed, back up,
     * quorum, sorry server); the kernel follows in a {@link KernelChange}.
     */
    record Health(long sequence, long nanos, HealthEvent event) implements DirectorEvent {
        @Override
        public String toString() {
            return "#" + sequence + " health " + event.type() + " " + event.service()
                    + (event.realServer() == null ? "" : " " + event.realServer().endpoint()) + ": " + event.detail();
        }
    }

    /**
     * The IPVS table was changed: the changes applied, in order (a drain shows as an edit to weight
     * 0, then a removal), and the drains under way afterwards.
     */
    record KernelChange(long sequence, long nanos, List<Change> applied, List<Drain> draining) implements DirectorEvent {
        public KernelChange {
            applied = List.copyOf(applied);
            draining = List.copyOf(draining);
        }

        @Override
        public String toString() {
            return "#" + sequence + " kernel " + applied + (draining.isEmpty() ? "" : " draining " + draining);
        }
    }

    /**
     * A new configuration was applied ({@link Director#apply}): what changed in the VRRP part and
     * in the services.
     */
    record ConfigApplied(long sequence, long nanos, List<String> vrrpRestarted, List<String> vrrpKept,
            List<ServiceChange> servicesChanged) implements DirectorEvent {
        public ConfigApplied {
            vrrpRestarted = List.copyOf(vrrpRestarted);
            vrrpKept = List.copyOf(vrrpKept);
            servicesChanged = List.copyOf(servicesChanged);
        }

        @Override
        public String toString() {
            return "#" + sequence + " configuration applied: VRRP restarted " + vrrpRestarted + ", kept " + vrrpKept
                    + "; services changed " + servicesChanged;
        }
    }

    /**
     * The periodic repair ({@link Director.Builder#repairInterval}) found the IPVS table differing
     * from what the director wants in the services it owns (flushed, e.g. {@code ipvsadm -C},
     * changed behind its back, or a change the kernel had refused) and applied {@code applied}
     * to put it back; a {@link KernelChange} with the same changes follows.
     */
    record Repaired(long sequence, long nanos, List<Change> applied) implements DirectorEvent {
        public Repaired {
            applied = List.copyOf(applied);
        }

        @Override
        public String toString() {
            return "#" + sequence + " repaired the IPVS table: " + applied;
        }
    }

    /**
     * At start, the director cleaned up after a predecessor in its network namespace that ended
     * without doing so (killed, crashed; PID {@code previousPid}): it removed the virtual addresses
     * that were still up ({@code addressesRemoved}: address, prefix length and device; its
     * {@code toString()} is {@code 192.0.2.10/32 dev eth0}), deletes the
     * recorded services its configuration no longer has ({@code servicesRemoved}; the
     * {@link KernelChange} follows) and adopted the others as they were, with their connections
     * ({@code servicesAdopted}). See {@link Director.Builder#exclusive}.
     */
    record Recovered(long sequence, long nanos, long previousPid, List<VirtualAddress> addressesRemoved,
            List<ServiceKey> servicesRemoved, List<ServiceKey> servicesAdopted)
            implements DirectorEvent {
        public Recovered {
            addressesRemoved = List.copyOf(addressesRemoved);
            servicesRemoved = List.copyOf(servicesRemoved);
            servicesAdopted = List.copyOf(servicesAdopted);
        }

        @Override
        public String toString() {
            return "#" + sequence + " recovered after PID " + previousPid + ": removed addresses " + addressesRemoved
                    + ", services " + servicesRemoved + "; adopted " + servicesAdopted;
        }
    }

    /**
     * Something failed: a change the kernel refused (then {@code error} is a
     * {@code ReconcileException} naming what was applied and what failed), a sync daemon, a
     * listener. The director goes on; its state shows the kernel as it is.
     */
    record Failure(long sequence, long nanos, String operation, Exception error) implements DirectorEvent {
        @Override
        public String toString() {
            return "#" + sequence + " " + operation + " failed: " + error.getMessage();
        }
    }

    /**
     * Route health injection ({@link RouteHealthInjection}) changed what the director announces
     * over BGP: the addresses (host routes: /32, /128) it started and stopped announcing.
     */
    record Routes(long sequence, long nanos, List<InetAddress> announced, List<InetAddress> withdrawn)
            implements DirectorEvent {
        public Routes {
            announced = List.copyOf(announced);
            withdrawn = List.copyOf(withdrawn);
        }

        @Override
        public String toString() {
            return "#" + sequence + " BGP announced " + texts(announced) + " withdrew " + texts(withdrawn);
        }

        private static String texts(List<InetAddress> addresses) {
            StringJoiner j = new StringJoiner(", ", "[", "]");
            for (InetAddress a : addresses) {
                j.add(Addresses.format(a));
            }
            return j.toString();
        }
    }
}
