package io.lvs4j.director.config.internal;

import io.lvs4j.Forwarding;
import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.SyncDaemon;
import io.lvs4j.VirtualService;
import io.lvs4j.director.DirectorConfig;
import io.lvs4j.director.RouteHealthInjection;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * From a keepalived.conf to what a director runs, a {@link DirectorConfig}: one
 * {@link ServiceHealth} per installed service (the real servers as keepalived installs them when
 * healthy, their checkers, inhibit, quorum, sorry server) with its commands, the VRRP blocks as
 * lvs-vrrp's typed values, the global timeouts, flushing, script policy and sync daemon, route
 * health injection and strict mode's firewall.
 */
public final class KeepalivedMapping {
    private KeepalivedMapping() {}

    /**
     * {@code lvs_sync_daemon INTERFACE [[inst] INSTANCE] [id N] [maxlen N] [port N] [ttl N] [group ADDR]}
     * into {@code b} (nothing without it); the sync id defaults to the instance's VRID, as
     * keepalived's does. Without an instance: master and backup both (keepalived's checker process
     * does that; sync id 0 by default). Its values and instance are checked by the reader with
     * their locations.
     *
     * @throws IllegalArgumentException if the instance is not among {@code instances} (a
     *     configuration not made by the reader)
     */
    private static void sync(GlobalDefs g, List<io.lvs4j.vrrp.VrrpInstance> instances, DirectorConfig.Builder out) {
        LvsSyncDaemonConfig s = g.lvsSyncDaemon();
        if (s == null) {
            return;
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
        if (s.instance() != null) {
            out.syncDaemon(b.build(), s.instance());
        } else {
            out.syncDaemon(b.build());
        }
    }

    /**
     * The services with their health settings, in configuration order.
     *
     * @throws IllegalArgumentException if a checker cannot be built (BFD_CHECK)
     */
    public static List<ServiceHealth> services(KeepalivedConfig c) {
        List<ServiceHealth> out = new ArrayList<>();
        for (VirtualServerConfig vs : c.virtualServers()) {
            out.addAll(block(c, vs).services());
        }
        return out;
    }

    /**
     * What one virtual_server block maps to: its services (one per group member) and their
     * commands ({@code quorum_up}/{@code quorum_down}, the real servers'
     * {@code notify_up}/{@code notify_down}) as settings of a {@link DirectorConfig.Builder}. A pure
     * function of the block, the groups and the SSL settings, so an equal block
     * under the same groups and SSL settings maps to the same.
     */
    private record Block(List<ServiceHealth> services, List<Consumer<DirectorConfig.Builder>> commands) {}

    /**
     * A configuration as mapped, remembering each block's mapping so that the next mapping
     * ({@link #map}) reuses the blocks that did not change: a reload of one changed weight maps
     * one block, and its unchanged services are the same {@link ServiceHealth} objects, which the
     * director compares by identity.
     */
    public static final class Mapped {
        /** No previous mapping. */
        public static final Mapped NONE = new Mapped(null, List.of(), null, List.of(), List.of(), 0);

        private final DirectorConfig config;
        private final List<io.lvs4j.director.config.VirtualServerGroupConfig> groups;
        private final SslConfig ssl;
        private final List<VirtualServerConfig> configs; // the blocks in configuration order
        private final List<Block> blocks; // what each of them mapped to
        private final int mappedBlocks;

        private Mapped(DirectorConfig config, List<io.lvs4j.director.config.VirtualServerGroupConfig> groups,
                SslConfig ssl, List<VirtualServerConfig> configs, List<Block> blocks, int mappedBlocks) {
            this.config = config;
            this.groups = groups;
            this.ssl = ssl;
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

        /** What the director runs. */
        public DirectorConfig config() {
            return config;
        }

        /** The services with their health settings, in configuration order. */
        public List<ServiceHealth> services() {
            return config.services();
        }

        /** How many blocks were mapped afresh rather than taken from the previous mapping. */
        public int mappedBlocks() {
            return mappedBlocks;
        }
    }

    /**
     * Maps {@code c}, taking each virtual_server block equal to one of {@code previous} (same groups
     * and SSL settings) from it instead of mapping it again.
     *
     * @throws IllegalArgumentException if something in it cannot run (BFD_CHECK, a bad
     *     lvs_sync_daemon, a script user not on this host)
     */
    public static Mapped map(KeepalivedConfig c, Mapped previous) {
        boolean reuse = previous != Mapped.NONE
                && java.util.Objects.equals(previous.ssl, c.ssl()) && previous.groups.equals(c.virtualServerGroups());
        List<VirtualServerConfig> configs = c.virtualServers();
        List<Block> blocks = new ArrayList<>(configs.size());
        @SuppressWarnings("unchecked")
        Map<VirtualServerConfig, Block>[] byValue = new Map[1];
        DirectorConfig.Builder out = DirectorConfig.builder();
        int mapped = 0;
        for (int i = 0; i < configs.size(); i++) {
            VirtualServerConfig vs = configs.get(i);
            Block block = reuse ? previous.find(configs, i, byValue) : null;
            if (block == null) {
                block = block(c, vs);
                mapped++;
            }
            blocks.add(block);
            block.services().forEach(out::service);
            block.commands().forEach(command -> command.accept(out));
        }
        GlobalDefs g = c.globalDefs();
        out.scriptPolicy(ScriptCheck.policy(g)).timeouts(g.lvsTimeouts()).flushOnStart(g.lvsFlush())
                // lvs_flush_on_stop alone flushes the whole table; "lvs_flush_on_stop VS" removes only
                // the virtual servers of the file, which the director's close() does anyway
                .flushOnClose(g.lvsFlushOnStop() == GlobalDefs.FlushOnStop.ALL);
        RouteHealthInjection rhi = BgpMapping.map(c); // route health injection: lvs4j's bgp_speaker block
        if (rhi != null) {
            out.routeHealthInjection(rhi);
        }
        VrrpMapper.Vrrp vrrp = VrrpMapper.map(c); // the VRRP blocks as lvs-vrrp's typed values
        vrrp.instances().forEach(out::vrrpInstance);
        vrrp.scripts().forEach(out::vrrpScript);
        vrrp.syncGroups().forEach(out::vrrpSyncGroup);
        sync(g, vrrp.instances(), out);
        StrictMode.strictInstances(c).forEach(out::strictFirewall);
        return new Mapped(out.build(), c.virtualServerGroups(), c.ssl(), configs, blocks, mapped);
    }

    private static Block block(KeepalivedConfig c, VirtualServerConfig vs) {
        VirtualServerConfig healthy = withoutQuorum(vs);
        List<VirtualService> installed = KeepalivedConfig.ofLvs(c.virtualServerGroups(), List.of(healthy))
                .virtualServices();
        List<Consumer<DirectorConfig.Builder>> commands = new ArrayList<>();
        List<ServiceHealth> out = new ArrayList<>(installed.size());
        for (VirtualService s : installed) {
            out.add(health(vs, s, c.ssl(), commands));
        }
        return new Block(List.copyOf(out), List.copyOf(commands));
    }

    private static ServiceHealth health(VirtualServerConfig vs, VirtualService s, SslConfig ssl,
            List<Consumer<DirectorConfig.Builder>> commands) {
        ServiceHealth.Builder b = ServiceHealth.builder(s);
        ServiceKey key = s.key();
        if (vs.quorumUp() != null) {
            DirectorConfig.Command up = DirectorConfig.Command.of(vs.quorumUp());
            commands.add(out -> out.quorumUp(key, up));
        }
        if (vs.quorumDown() != null) {
            DirectorConfig.Command down = DirectorConfig.Command.of(vs.quorumDown());
            commands.add(out -> out.quorumDown(key, down));
        }
        LvsMethod vsMethod = vs.method() != null ? vs.method() : LvsMethod.NAT;
        Set<String> taken = new HashSet<>();
        for (RealServerConfig rc : vs.realServers()) {
            // the real server the service installed for this block: its port resolved as the service resolves it
            LvsMethod m = rc.method() != null ? rc.method() : vsMethod;
            RealServer r = s.realServer(rc.address(), LvsMapper.realPort(rc.port(), m.forwarding(), key))
                    .orElse(null);
            if (r == null || !taken.add(r.endpoint())) {
                continue; // skipped (family), or a duplicate whose first block holds the server
            }
            if (rc.notifyUp() != null) {
                DirectorConfig.Command up = DirectorConfig.Command.of(rc.notifyUp());
                commands.add(out -> out.notifyUp(key, r.address(), r.port(), up));
            }
            if (rc.notifyDown() != null) {
                DirectorConfig.Command down = DirectorConfig.Command.of(rc.notifyDown());
                commands.add(out -> out.notifyDown(key, r.address(), r.port(), down));
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
        RealServer installed = sorry == null ? null : sorryServer(sorry, vs, s.key());
        if (installed != null && s.realServer(installed.address(), installed.port()).isEmpty()) {
            b.sorryServer(installed);
            if (sorry.inhibit()) {
                b.sorryServerInhibit(); // in at weight 0 while quorum is met (keepalived's init_service_vs)
            }
        }
        return b.build();
    }

    /** The sorry server as keepalived adds it: weight 1, its method or the virtual server's, ports as real servers. */
    static RealServer sorryServer(SorryServer sorry, VirtualServerConfig vs, ServiceKey key) {
        LvsMethod m = sorry.method() != null ? sorry.method() : vs.method() != null ? vs.method() : LvsMethod.NAT;
        int port = LvsMapper.realPort(sorry.port(), m.forwarding(), key);
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
