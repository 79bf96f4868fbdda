package io.lvs4j;

import io.lvs4j.internal.Preconditions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The smallest set of IPVS steps that turns the current state into the desired one. An unchanged
 * service or real server gives no step; a changed one is edited in place, never deleted and
 * re-added, so its connections live on.
 *
 * <p>Steps come in a safe order: services added and edited, then real servers added and edited,
 * then real servers removed, then services removed, then timeouts. The kernel's {@code Local}
 * forwarding (masquerading to one of the director's own addresses) counts as equal to
 * {@link Forwarding#MASQ}.
 */
public final class ConfigDiff {
    private final List<Change> changes;

    private ConfigDiff(List<Change> changes) {
        this.changes = Collections.unmodifiableList(changes);
    }

    /**
     * The steps from {@code current} to {@code desired}.
     *
     * @param current the services as they are (e.g. read from the kernel), with their real servers
     * @param currentTimeouts the timeouts as they are, or {@link Timeouts#UNCHANGED} if unknown
     * @param desired the configuration wanted
     */
    public static ConfigDiff between(Collection<VirtualService> current, Timeouts currentTimeouts, DirectorConfig desired) {
        Preconditions.checkNotNull(current, "current services");
        Preconditions.checkNotNull(currentTimeouts, "current timeouts");
        Preconditions.checkNotNull(desired, "desired configuration");
        Map<ServiceKey, VirtualService> now = new LinkedHashMap<>();
        for (VirtualService s : current) {
            now.put(s.key(), s);
        }
        List<Change> services = new ArrayList<>();
        List<Change> serverAdds = new ArrayList<>();
        List<Change> serverRemovals = new ArrayList<>();
        for (VirtualService want : desired.services()) {
            VirtualService have = now.remove(want.key());
            if (have == null) {
                services.add(Change.addService(want));
                for (RealServer r : want.realServers()) {
                    serverAdds.add(Change.addServer(want, r));
                }
                continue;
            }
            if (!have.sameSettings(want)) {
                services.add(Change.editService(want));
            }
            for (RealServer r : want.realServers()) {
                RealServer old = have.realServer(r.address(), r.port()).orElse(null);
                if (old == null) {
                    serverAdds.add(Change.addServer(want, r));
                } else if (!sameServer(old, r)) {
                    serverAdds.add(Change.editServer(want, r, old));
                }
            }
            for (RealServer old : have.realServers()) {
                if (want.realServer(old.address(), old.port()).isEmpty()) {
                    serverRemovals.add(Change.removeServer(want, old));
                }
            }
        }
        List<Change> all = new ArrayList<>(services);
        all.addAll(serverAdds);
        all.addAll(serverRemovals);
        for (VirtualService gone : now.values()) {
            all.add(Change.removeService(gone));
        }
        Timeouts t = desired.timeouts();
        if (!t.equals(Timeouts.UNCHANGED) && !covers(currentTimeouts, t)) {
            all.add(Change.setTimeouts(t));
        }
        return new ConfigDiff(all);
    }

    /** The steps from nothing to {@code desired}. */
    public static ConfigDiff from(DirectorConfig desired) {
        return between(List.of(), Timeouts.UNCHANGED, desired);
    }

    private static boolean covers(Timeouts have, Timeouts want) {
        return (want.tcpSeconds() == 0 || want.tcpSeconds() == have.tcpSeconds())
                && (want.tcpFinSeconds() == 0 || want.tcpFinSeconds() == have.tcpFinSeconds())
                && (want.udpSeconds() == 0 || want.udpSeconds() == have.udpSeconds());
    }

    /** Equal for the kernel's purposes: Local forwarding counts as masquerading. */
    static boolean sameServer(RealServer a, RealServer b) {
        if (a.equals(b)) {
            return true;
        }
        return normalize(a.forwarding()) == normalize(b.forwarding())
                && a.toBuilder().forwarding(Forwarding.MASQ).build().equals(b.toBuilder().forwarding(Forwarding.MASQ).build());
    }

    private static Forwarding normalize(Forwarding f) {
        return f == Forwarding.LOCAL ? Forwarding.MASQ : f;
    }

    /** The steps in the order to apply them. */
    public List<Change> changes() {
        return changes;
    }

    public boolean isEmpty() {
        return changes.isEmpty();
    }

    @Override
    public String toString() {
        return "ConfigDiff" + changes;
    }
}
