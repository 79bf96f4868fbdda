package io.lvs4j.director;

import io.lvs4j.Forwarding;
import io.lvs4j.RealServer;
import io.lvs4j.ScriptPolicy;
import io.lvs4j.ServiceKey;
import io.lvs4j.SyncDaemon;
import io.lvs4j.VirtualService;
import io.lvs4j.director.config.CheckerConfig;
import io.lvs4j.director.config.CheckerMapping;
import io.lvs4j.director.config.SslConfig;
import io.lvs4j.director.config.GlobalDefs;
import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.director.config.LvsMethod;
import io.lvs4j.director.config.RealServerConfig;
import io.lvs4j.director.config.SorryServer;
import io.lvs4j.director.config.VirtualServerConfig;
import io.lvs4j.health.ServiceHealth;
import io.lvs4j.internal.Preconditions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * From a keepalived.conf to what a director runs: one {@link ServiceHealth} per installed service
 * (the real servers as keepalived installs them when healthy, their checkers, inhibit, quorum,
 * sorry server), the global timeouts and the sync daemon.
 */
final class KeepalivedMapping {
    private KeepalivedMapping() {}

    /** A real server's {@code notify_up}/{@code notify_down} commands (null: none). */
    record Notify(String up, String down) {}

    /** {@code lvs_sync_daemon INTERFACE INSTANCE [id N] [maxlen N] [port N] [ttl N] [group ADDR]}. */
    record Sync(SyncDaemon template, String instance) {}

    /**
     * {@code script_user USER [GROUP]} and {@code enable_script_security} as a {@link ScriptPolicy}.
     *
     * @throws IllegalArgumentException if the user or group is not on this host
     */
    static ScriptPolicy scriptPolicy(GlobalDefs g) {
        return io.lvs4j.director.config.internal.ScriptCheck.policy(g);
    }

    static Sync sync(GlobalDefs g) {
        List<String> a = g.otherSettings().get("lvs_sync_daemon");
        if (a == null) {
            return null;
        }
        Preconditions.checkArgument(a.size() >= 2, "lvs_sync_daemon", String.join(" ", a),
                "INTERFACE VRRP_INSTANCE [id N] [maxlen N] [port N] [ttl N] [group ADDRESS]");
        SyncDaemon.Builder b = SyncDaemon.builder(SyncDaemon.Role.MASTER, a.get(0));
        for (int i = 2; i < a.size(); i += 2) {
            Preconditions.checkArgument(i + 1 < a.size(), "lvs_sync_daemon " + a.get(i), null, "a value");
            String v = a.get(i + 1);
            switch (a.get(i)) {
                case "id" -> b.syncId(parse(v, "id"));
                case "maxlen" -> b.maxLength(parse(v, "maxlen"));
                case "port" -> b.port(parse(v, "port"));
                case "ttl" -> b.ttl(parse(v, "ttl"));
                case "group" -> b.group(v);
                default -> throw Preconditions.invalid("lvs_sync_daemon option", a.get(i),
                        "one of id, maxlen, port, ttl, group");
            }
        }
        return new Sync(b.build(), a.get(1));
    }

    private static int parse(String v, String name) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw Preconditions.invalid("lvs_sync_daemon " + name, v, "a number");
        }
    }

    /**
     * The services with their health settings, in configuration order.
     *
     * @throws IllegalArgumentException if a checker cannot be built (BFD_CHECK)
     */
    static List<ServiceHealth> services(KeepalivedConfig c) {
        return services(c, null, new java.util.HashMap<>(), null);
    }

    /**
     * The services; {@code quorum_up}/{@code quorum_down} become hooks running the command
     * ({@code commands}), each real server's {@code notify_up}/{@code notify_down} goes into
     * {@code notifies} (service key, endpoint), and PING_CHECK's socket is in the network namespace
     * {@code netns} (null: this process's).
     */
    static List<ServiceHealth> services(KeepalivedConfig c, java.util.function.BiConsumer<ServiceKey, String> commands,
            Map<ServiceKey, Map<String, Notify>> notifies, String netns) {
        List<ServiceHealth> out = new ArrayList<>();
        for (VirtualServerConfig vs : c.virtualServers()) {
            VirtualServerConfig healthy = withoutQuorum(vs);
            List<VirtualService> installed = KeepalivedConfig.ofLvs(c.virtualServerGroups(), List.of(healthy))
                    .virtualServices();
            for (VirtualService s : installed) {
                out.add(health(vs, s, c.ssl(), commands, notifies, netns));
            }
        }
        return out;
    }

    private static ServiceHealth health(VirtualServerConfig vs, VirtualService s, SslConfig ssl,
            java.util.function.BiConsumer<ServiceKey, String> commands, Map<ServiceKey, Map<String, Notify>> notifies,
            String netns) {
        ServiceHealth.Builder b = ServiceHealth.builder(s);
        if (commands != null && vs.quorumUp() != null) {
            String cmd = vs.quorumUp();
            b.onQuorumUp(() -> commands.accept(s.key(), cmd));
        }
        if (commands != null && vs.quorumDown() != null) {
            String cmd = vs.quorumDown();
            b.onQuorumDown(() -> commands.accept(s.key(), cmd));
        }
        List<RealServerConfig> unused = new ArrayList<>(vs.realServers());
        for (RealServer r : s.realServers()) {
            RealServerConfig rc = null;
            for (RealServerConfig x : unused) {
                if (x.address().equals(r.address())
                        && (x.port() == r.port() || x.port() == 0 || r.forwarding() != Forwarding.MASQ)) {
                    rc = x;
                    break;
                }
            }
            if (rc == null) {
                continue;
            }
            unused.remove(rc);
            if (rc.notifyUp() != null || rc.notifyDown() != null) {
                notifies.computeIfAbsent(s.key(), k -> new java.util.HashMap<>()).put(r.endpoint(),
                        new Notify(rc.notifyUp(), rc.notifyDown()));
            }
            if (rc.inhibitOnFailure() != null ? rc.inhibitOnFailure() : vs.inhibitOnFailure()) {
                b.inhibitOnFailure(r); // the real server's own setting, else the virtual server's
            }
            for (CheckerConfig cc : rc.checkers()) {
                b.check(r, CheckerMapping.check(cc, ssl, netns),
                        CheckerMapping.policy(cc.options(), rc, vs));
            }
        }
        long weights = 0;
        for (RealServer r : s.realServers()) {
            weights += r.weight();
        }
        long quorum = vs.quorum() != null ? vs.quorum() : 1;
        quorum = Math.max(1, Math.min(quorum, Math.max(1, weights)));
        long hysteresis = vs.hysteresis() != null ? Math.min(vs.hysteresis(), quorum - 1) : 0;
        b.quorum((int) Math.min(Integer.MAX_VALUE, quorum), (int) hysteresis);
        SorryServer sorry = vs.sorryServer();
        if (sorry != null && s.realServer(sorry.address(), sorry.port() != 0 ? sorry.port() : s.key().port()).isEmpty()) {
            b.sorryServer(sorryServer(sorry, vs, s.key()));
            if (sorry.inhibit()) {
                b.sorryServerInhibit(); // in at weight 0 while quorum is met (keepalived's init_service_vs)
            }
        }
        return b.build();
    }

    /** The sorry server as keepalived adds it: weight 1, its method or the virtual server's, ports as real servers. */
    static RealServer sorryServer(SorryServer sorry, VirtualServerConfig vs, ServiceKey key) {
        LvsMethod m = sorry.method() != null ? sorry.method() : vs.method() != null ? vs.method() : LvsMethod.NAT;
        int port = sorry.port();
        if (key.isFwmark()) {
            port = m.forwarding() == Forwarding.MASQ ? port : 0;
        } else if (m.forwarding() != Forwarding.MASQ || port == 0) {
            port = key.port();
        }
        RealServer.Builder b = RealServer.of(sorry.address(), port).weight(1).forwarding(m.forwarding());
        if (m.forwarding() == Forwarding.TUNNEL) {
            b.tunnel(m.tunnelType());
            if (m.tunnelPort() != 0) {
                b.tunnelPort(m.tunnelPort());
            }
            b.tunnelChecksum(m.checksum());
        }
        return b.build();
    }

    /** The block without quorum, hysteresis and sorry server: what keepalived installs when all are healthy. */
    private static VirtualServerConfig withoutQuorum(VirtualServerConfig v) {
        return new VirtualServerConfig(v.address(), v.port(), v.fwmark(), v.group(), v.protocol(), v.scheduler(),
                v.schedulerFlags(), v.ops(), v.hashed(), v.method(), v.persistenceTimeout(), v.persistenceGranularity(),
                v.persistenceEngine(), v.ipFamily(), null, null, v.quorumUp(), v.quorumDown(), null, v.haSuspend(),
                v.alpha(), v.omega(), v.inhibitOnFailure(), v.weight(), v.delayLoop(), v.connectTimeout(), v.retry(),
                v.delayBeforeRetry(), v.warmup(), v.virtualhost(), v.smtpAlert(), v.realServers(), v.announce());
    }
}
