package io.lvs4j.cli;

import io.lvs4j.RealServer;
import io.lvs4j.SyncDaemon;
import io.lvs4j.director.DirectorState;
import io.lvs4j.metrics.DirectorJson;

/** A {@link DirectorState} for a person ({@link #text}) and for a program ({@link #json}). */
final class StateFormat {
    private StateFormat() {}

    static String text(DirectorState s) {
        StringBuilder sb = new StringBuilder();
        if (!s.instances().isEmpty()) {
            sb.append("VRRP instances:\n");
            for (DirectorState.Instance i : s.instances()) {
                sb.append("  ").append(i.name()).append("  ").append(i.state()).append("  priority ").append(i.priority());
                if (i.effectivePriority() != i.priority()) {
                    sb.append(" (effective ").append(i.effectivePriority()).append(')');
                }
                sb.append("  VIPs ").append(String.join(" ", i.virtualAddresses()))
                        .append(i.addressesHeld() ? " (held)" : " (not held)").append('\n');
            }
        }
        sb.append("Virtual services:").append(s.services().isEmpty() ? " none\n" : "\n");
        for (DirectorState.Service v : s.services()) {
            sb.append("  ").append(v.key()).append("  ").append(v.scheduler())
                    .append(v.installed() ? "" : "  NOT IN KERNEL")
                    .append(!v.installed() || v.settingsApplied() ? ""
                            : "  NOT APPLIED (configured " + v.configured().scheduler() + ")").append(v.quorumUp() ? "" : "  QUORUM LOST")
                    .append("  conns ").append(v.activeConnections()).append(" active ").append(v.inactiveConnections())
                    .append(" inactive\n");
            for (DirectorState.Server r : v.realServers()) {
                RealServer c = r.configured();
                sb.append("    -> ").append(c.endpoint()).append("  ").append(c.forwarding().keepalivedName())
                        .append("  ").append(r.health());
                if (r.role() != DirectorState.Role.REAL_SERVER) {
                    sb.append(' ').append(r.role());
                }
                sb.append("  weight ").append(c.weight()).append(" kernel ")
                        .append(r.installed() ? String.valueOf(r.appliedWeight()) : "-").append("  conns ")
                        .append(r.activeConnections()).append(" active ").append(r.inactiveConnections())
                        .append(" inactive\n");
            }
        }
        for (SyncDaemon d : s.syncDaemons()) {
            sb.append("Sync daemon: ").append(d.role().ipvsadmName()).append(" on ").append(d.interfaceName())
                    .append(" syncid ").append(d.syncId()).append('\n');
        }
        return sb.toString();
    }

    /**
     * Route health injection's part of {@code lvs4j status}: what the director announces, and each
     * BGP session's state and what went to that neighbour. Empty without a {@code bgp_speaker}.
     */
    static String bgp(java.util.List<java.net.InetAddress> announced, java.util.List<io.lvs4j.bgp.BgpSession> sessions) {
        if (sessions.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("BGP (route health injection): announcing ")
                .append(announced.isEmpty() ? "nothing" : addresses(announced)).append('\n');
        for (io.lvs4j.bgp.BgpSession s : sessions) {
            sb.append("  neighbor ").append(io.lvs4j.internal.Addresses.format(s.neighbor().address())).append(" AS")
                    .append(s.neighbor().remoteAs()).append("  ").append(s.state());
            if (s.state() == io.lvs4j.bgp.SessionState.ESTABLISHED) {
                sb.append("  up ").append(s.uptime().toSeconds()).append(" s");
            }
            sb.append("  announced ").append(s.announced().isEmpty() ? "nothing" : addresses(s.announced()));
            if (s.gracefulShutdown()) {
                sb.append(" (graceful shutdown)");
            }
            s.lastNotificationReceived().ifPresent(n -> sb.append("  last received ").append(n));
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String addresses(java.util.List<java.net.InetAddress> as) {
        StringBuilder sb = new StringBuilder();
        for (java.net.InetAddress a : as) {
            sb.append(sb.length() == 0 ? "" : " ").append(io.lvs4j.internal.Addresses.format(a));
        }
        return sb.toString();
    }

    /**
     * What {@code lvs4j status --json} prints and {@code /status} serves: {@link DirectorJson#state}
     * of {@code s} with the director's BGP sessions and announced addresses now.
     */
    static String json(io.lvs4j.director.Director d, DirectorState s) {
        return DirectorJson.state(s, d.bgpSessions(), d.announcedAddresses());
    }
}
