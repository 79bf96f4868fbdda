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
import io.lvs4j.director.config.LvsSyncDaemonConfig;
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

    /**
     * {@code lvs_sync_daemon INTERFACE [[inst] INSTANCE] [id N] [maxlen N] [port N] [ttl N] [group ADDR]};
     * the sync id defaults to the instance's VRID, as keepalived's does. {@code instance} null: no
     * instance, master and backup both (keepalived's checker process does that; sync id 0 by default).
     */
    record Sync(SyncDaemon template, String instance) {}

    /**
     * {@code script_user USER [GROUP]} and {@code enable_script_security} as a {@link ScriptPolicy}.
     *
     * @throws IllegalArgumentException if the user or group is not on this host
     */
    static ScriptPolicy scriptPolicy(GlobalDefs g) {
        return io.lvs4j.director.config.internal.ScriptCheck.policy(g);
    }

    /**
     * The sync daemon of {@code lvs_sync_daemon} (null: none), its values and instance checked by the
     * reader with their locations.
     *
     * @throws IllegalArgumentException if the instance is not among {@code instances} (a
     *     configuration not made by the reader)
     */
    static Sync sync(GlobalDefs g, List<io.lvs4j.vrrp.VrrpInstance> instances) {
        LvsSyncDaemonConfig s = g.lvsSyncDaemon();
        if (s == null) {
            return null;
        }
        int vrid = 0; // keepalived's default without an instance
        if (s.instance() != null) {
            io.lvs4j.vrrp.VrrpInstance vi = instances.stream().filter(i -> i.name().equals(s.instance())).findFirst()
                    .orElseThrow(() -> Preconditions.invalid("lvs_sync_daemon instance", s.instance(),
                            "one of the vrrp_instances"));
            vrid = vi.virtualRouterId();
        }
        SyncDaemon.Builder b = SyncDaemon.builder(SyncDaemon.Role.MASTER, s.interfaceName());
        // keepalived's default id: the VRID, so that pairs of different instances on one link (and a
        // keepalived backup, which filters on its sync id) keep their connections apart
        b.syncId(s.syncId() != null ? s.syncId() : vrid);
        if (s.maxLength() != null) {
            b.maxLength(s.maxLength());
        }
        if (s.port() != null) {
            b.port(s.port());
        }
        if (s.ttl() != null) {
            b.ttl(s.ttl());
        }
        if (s.group() != null) {
            b.group(s.group());
        }
        return new Sync(b.build(), s.instance());
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
     * {@code notifies} (service key, endpoint). {@code netns} (null: this process's) no longer
     * changes the mapping (PING_CHECK's socket follows the monitor's namespace); it goes when this
     * mapping moves to the reader.
     */
    static List<ServiceHealth> services(KeepalivedConfig c, java.util.function.BiConsumer<ServiceKey, String> commands,
            Map<ServiceKey, Map<String, Notify>> notifies, String netns) {
        return map(c, commands, notifies, netns, Mapped.NONE).services();
    }

    /**
     * What one virtual_server block maps to: its services (one per group member) and their real
     * servers' notify commands. A pure function of the block, the groups, the SSL settings and the
     * namespace, so an equal block under the same groups and SSL settings maps to the same.
     */
    private record Block(List<ServiceHealth> services, Map<ServiceKey, Map<String, Notify>> notifies) {}

    /**
     * A configuration's services as mapped, remembering each block's mapping so that the next
     * mapping ({@link #map}) reuses the blocks that did not change: a reload of one changed weight
     * maps one block, and its unchanged services are the same {@link ServiceHealth} objects.
     */
    static final class Mapped {
        static final Mapped NONE = new Mapped(List.of(), List.of(), null, null, List.of(), List.of(), 0);

        private final List<ServiceHealth> services;
        private final List<io.lvs4j.director.config.VirtualServerGroupConfig> groups;
        private final SslConfig ssl;
        private final String netns;
        private final List<VirtualServerConfig> configs; // the blocks in configuration order
        private final List<Block> blocks; // what each of them mapped to
        private final int mappedBlocks;

        private Mapped(List<ServiceHealth> services, List<io.lvs4j.director.config.VirtualServerGroupConfig> groups,
                SslConfig ssl, String netns, List<VirtualServerConfig> configs, List<Block> blocks, int mappedBlocks) {
            this.services = services;
            this.groups = groups;
            this.ssl = ssl;
            this.netns = netns;
            this.configs = configs;
            this.blocks = blocks;
            this.mappedBlocks = mappedBlocks;
        }

        /** The block mapped for a config equal to {@code vs}, or null: by position first (no hashing), then by value. */
        private Block find(List<VirtualServerConfig> now, int i, Map<VirtualServerConfig, Block>[] byValue) {
            VirtualServerConfig vs = now.get(i);
            if (i < configs.size() && configs.get(i).equals(vs)) {
                return blocks.get(i);
            }
            if (now.size() == configs.size() && (i + 1 == now.size() || configs.get(i + 1).equals(now.get(i + 1)))) {
                return null; // changed in place (its neighbours did not move): map it
            }
            if (byValue[0] == null) { // blocks moved: find them by value
                byValue[0] = new java.util.HashMap<>();
                for (int j = 0; j < configs.size(); j++) {
                    byValue[0].putIfAbsent(configs.get(j), blocks.get(j));
                }
            }
            return byValue[0].get(vs);
        }

        /** The services with their health settings, in configuration order. */
        List<ServiceHealth> services() {
            return services;
        }

        /** How many blocks were mapped afresh rather than taken from the previous mapping. */
        int mappedBlocks() {
            return mappedBlocks;
        }
    }

    /**
     * Maps {@code c} like {@link #services(KeepalivedConfig, java.util.function.BiConsumer, Map, String)},
     * taking each virtual_server block equal to one of {@code previous} (same groups, SSL settings
     * and namespace) from it instead of mapping it again; {@code commands} must be the one
     * {@code previous} was mapped with (its hooks are reused).
     */
    static Mapped map(KeepalivedConfig c, java.util.function.BiConsumer<ServiceKey, String> commands,
            Map<ServiceKey, Map<String, Notify>> notifies, String netns, Mapped previous) {
        boolean reuse = previous != Mapped.NONE && java.util.Objects.equals(previous.netns, netns)
                && java.util.Objects.equals(previous.ssl, c.ssl()) && previous.groups.equals(c.virtualServerGroups());
        List<VirtualServerConfig> configs = c.virtualServers();
        List<Block> blocks = new ArrayList<>(configs.size());
        @SuppressWarnings("unchecked")
        Map<VirtualServerConfig, Block>[] byValue = new Map[1];
        List<ServiceHealth> out = new ArrayList<>();
        int mapped = 0;
        for (int i = 0; i < configs.size(); i++) {
            VirtualServerConfig vs = configs.get(i);
            Block block = reuse ? previous.find(configs, i, byValue) : null;
            if (block == null) {
                block = block(c, vs, commands, netns);
                mapped++;
            }
            blocks.add(block);
            out.addAll(block.services());
            block.notifies().forEach((k, m) -> notifies.computeIfAbsent(k, x -> new java.util.HashMap<>()).putAll(m));
        }
        return new Mapped(List.copyOf(out), c.virtualServerGroups(), c.ssl(), netns, configs, blocks, mapped);
    }

    private static Block block(KeepalivedConfig c, VirtualServerConfig vs,
            java.util.function.BiConsumer<ServiceKey, String> commands, String netns) {
        VirtualServerConfig healthy = withoutQuorum(vs);
        List<VirtualService> installed = KeepalivedConfig.ofLvs(c.virtualServerGroups(), List.of(healthy))
                .virtualServices();
        Map<ServiceKey, Map<String, Notify>> notifies = new java.util.HashMap<>();
        List<ServiceHealth> out = new ArrayList<>(installed.size());
        for (VirtualService s : installed) {
            out.add(health(vs, s, c.ssl(), commands, notifies, netns));
        }
        return new Block(List.copyOf(out), notifies);
    }

    /**
     * A {@code quorum_up}/{@code quorum_down} hook: equal when it runs the same command for the same
     * service, so a reload that changes only the command is a changed service (and one that changes
     * nothing keeps the running one).
     */
    static final class QuorumCommand implements Runnable {
        private final ServiceKey key;
        private final String command;
        private final java.util.function.BiConsumer<ServiceKey, String> commands;

        QuorumCommand(ServiceKey key, String command, java.util.function.BiConsumer<ServiceKey, String> commands) {
            this.key = key;
            this.command = command;
            this.commands = commands;
        }

        @Override
        public void run() {
            commands.accept(key, command);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof QuorumCommand q && key.equals(q.key) && command.equals(q.command);
        }

        @Override
        public int hashCode() {
            return key.hashCode() * 31 + command.hashCode();
        }

        @Override
        public String toString() {
            return command;
        }
    }

    private static ServiceHealth health(VirtualServerConfig vs, VirtualService s, SslConfig ssl,
            java.util.function.BiConsumer<ServiceKey, String> commands, Map<ServiceKey, Map<String, Notify>> notifies,
            String netns) {
        ServiceHealth.Builder b = ServiceHealth.builder(s);
        if (commands != null && vs.quorumUp() != null) {
            b.onQuorumUp(new QuorumCommand(s.key(), vs.quorumUp(), commands));
        }
        if (commands != null && vs.quorumDown() != null) {
            b.onQuorumDown(new QuorumCommand(s.key(), vs.quorumDown(), commands));
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
                b.check(r, CheckerMapping.check(cc, ssl),
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
