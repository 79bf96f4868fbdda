package io.lvs4j.director.config.internal;

import io.lvs4j.AddressFamily;
import io.lvs4j.Forwarding;
import io.lvs4j.Protocol;
import io.lvs4j.RealServer;
import io.lvs4j.Scheduler;
import io.lvs4j.SchedulerFlag;
import io.lvs4j.ServiceKey;
import io.lvs4j.VirtualService;
import io.lvs4j.director.config.GroupEntry;
import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.director.config.LvsMethod;
import io.lvs4j.director.config.RealServerConfig;
import io.lvs4j.director.config.SorryServer;
import io.lvs4j.director.config.VirtualServerConfig;
import io.lvs4j.director.config.VirtualServerGroupConfig;
import io.lvs4j.internal.Preconditions;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What keepalived 2.2.7 installs in IPVS for a configuration when every real server is healthy
 * (keepalived's validate_check_config and its start-up quorum logic, read for facts):
 *
 * <ul>
 *   <li>a virtual server without real servers is dropped;
 *   <li>no {@code lvs_sched}: wlc; no {@code lvs_method}: NAT for the virtual server, and each real
 *       server without its own takes the virtual server's;
 *   <li>no {@code protocol} on an addressed service: UDP (the kernel's meaning of 0); a protocol on
 *       a fwmark service is ignored; {@code ops} only stays on UDP (or fwmark);
 *   <li>port 0 without persistence, or group addresses without a port: persistence 360 s;
 *       {@code persistence_granularity} alone also means 360 s;
 *   <li>real server weight defaults to the virtual server's {@code weight} (1); DR/TUN real servers
 *       take the service port, NAT ones without a port too; fwmark DR/TUN real servers lose theirs;
 *   <li>duplicate real servers: the later one is dropped; a real server of another family (not
 *       tunnelled) is dropped;
 *   <li>quorum (default 1) is cut to the total weight, hysteresis to quorum - 1 (unsigned, as
 *       keepalived computes it); if total weight &lt; quorum + hysteresis the service starts with
 *       quorum down: with a sorry server the real servers go (inhibit_on_failure ones stay at weight
 *       0) and the sorry server (weight 1) comes in, unless it is one of those inhibited real
 *       servers (keepalived's add fails with "Destination already exists": it stays at weight 0);
 *       with quorum met, a sorry server with {@code sorry_server_inhibit} is in at weight 0 (unless
 *       it is one of the real servers);
 *   <li>two virtual_server blocks (or a group entry and a block) for one service are an error here;
 *       keepalived 2.2.7 logs "Service already exists" and adds the later block's real servers to
 *       the first block's service;
 *   <li>a group expands to one service per address of each range (with the entry's port) and per
 *       fwmark.
 * </ul>
 *
 * Each rule keepalived reports becomes a warning at the virtual server; what lvs4j cannot represent
 * is an error.
 */
public final class LvsMapper {
    /** Most services one group entry may expand to. */
    static final int MAX_EXPANSION = 65536;

    private final Problems problems;
    private final Map<Object, Token> locations;

    /** Key of the location of the {@code weight} value of a real or virtual server. */
    public record WeightOf(Object owner) {
    }

    private LvsMapper(Problems problems, Map<Object, Token> locations) {
        this.problems = problems;
        this.locations = locations;
    }

    public static List<VirtualService> map(KeepalivedConfig config, Problems problems) {
        return map(config, problems, Map.of());
    }

    public static List<VirtualService> map(KeepalivedConfig config, Problems problems, Map<Object, Token> locations) {
        return new LvsMapper(problems, locations).map(config);
    }

    private Token at(Object o) {
        Token t = locations.get(o);
        return t != null ? t : new Token(Token.Kind.WORD, "", false, "<config>", 0, 0);
    }

    /** The key of {@code owner}'s weight value location (identity, like the binder's map), else owner. */
    private Object weightAt(Object owner) {
        for (Object k : locations.keySet()) {
            if (k instanceof WeightOf w && w.owner() == owner) {
                return k;
            }
        }
        return owner;
    }

    private void warn(Object o, String message) {
        problems.warning(at(o), message);
    }

    private void error(Object o, String message) {
        problems.error(at(o), message);
    }

    private List<VirtualService> map(KeepalivedConfig config) {
        Map<String, VirtualServerGroupConfig> groups = new HashMap<>();
        for (VirtualServerGroupConfig g : config.virtualServerGroups()) {
            groups.put(g.name(), g);
        }
        List<VirtualService> out = new ArrayList<>();
        Map<ServiceKey, VirtualServerConfig> seen = new HashMap<>();
        for (VirtualServerConfig vs : config.virtualServers()) {
            for (VirtualService s : map(vs, groups)) {
                VirtualServerConfig before = seen.putIfAbsent(s.key(), vs);
                if (before != null) {
                    error(vs, Preconditions.message("virtual_server " + vs.keyText(), s.key().toString(),
                            "a service no other virtual_server defines; " + at(before).file() + ":" + at(before).line()
                                    + " defines it too"));
                    continue;
                }
                out.add(s);
            }
        }
        return out;
    }

    private static String label(VirtualServerConfig vs) {
        return "virtual_server " + vs.keyText();
    }

    private List<VirtualService> map(VirtualServerConfig vs, Map<String, VirtualServerGroupConfig> groups) {
        VirtualServerGroupConfig group = null;
        if (vs.group() != null) {
            group = groups.get(vs.group());
            if (group == null) {
                return List.of(); // reported by the binder, at the group name
            }
        }
        if (vs.realServers().isEmpty()) {
            warn(vs, label(vs) + ": no real servers - not installed, as keepalived does");
            return List.of();
        }
        boolean hasAddresses = group == null ? vs.fwmark() == 0 : group.entries().stream().anyMatch(e -> !e.isFwmark());
        boolean fwmarkOnly = !hasAddresses;

        Protocol protocol = vs.protocol();
        boolean ops = vs.ops();
        Integer persistence = vs.persistenceTimeout();
        if (hasAddresses) {
            if (protocol == null) {
                warn(vs, label(vs) + ": no protocol - UDP, as keepalived defaults");
                protocol = Protocol.UDP;
            }
            if (ops && protocol != Protocol.UDP) {
                warn(vs, label(vs) + ": ops needs UDP - ignored, as keepalived does");
                ops = false;
            }
            if (persistence == null && group == null && vs.port() == 0) {
                warn(vs, label(vs) + ": port 0 needs persistence - persistence_timeout 360, as keepalived sets");
                persistence = 360;
            }
        }
        if (persistence == null && group != null && group.entries().stream().anyMatch(e -> !e.isFwmark() && e.port() == 0)) {
            warn(vs, label(vs) + ": group addresses without port need persistence - persistence_timeout 360, as keepalived sets");
            persistence = 360;
        }
        if (fwmarkOnly && vs.protocol() != null) {
            warn(vs, label(vs) + ": protocol with fwmark - ignored, as keepalived does");
        }
        Scheduler scheduler = vs.scheduler();
        if (scheduler == null) {
            warn(vs, label(vs) + ": no lvs_sched - wlc, as keepalived defaults");
            scheduler = Scheduler.WLC;
        }
        Set<SchedulerFlag> flags = EnumSet.noneOf(SchedulerFlag.class);
        for (SchedulerFlag f : vs.schedulerFlags()) {
            if (f.onlyFor() == null || f.onlyFor() == scheduler) {
                flags.add(f);
            }
        }
        LvsMethod vsMethod = vs.method();
        if (vsMethod == null) {
            warn(vs, label(vs) + ": no lvs_method - NAT, as keepalived defaults");
            vsMethod = LvsMethod.NAT;
        }

        // the service family: of the address, else ip_family, else the non-tunnelled servers'
        AddressFamily family = vs.address() != null ? AddressFamily.of(vs.address()) : vs.ipFamily();
        if (family == null && group != null) {
            for (GroupEntry e : group.entries()) {
                if (!e.isFwmark()) {
                    family = AddressFamily.of(e.first());
                    break;
                }
            }
        }
        if (family == null) {
            for (RealServerConfig rs : vs.realServers()) {
                LvsMethod m = rs.method() != null ? rs.method() : vsMethod;
                if (m.forwarding() != Forwarding.TUNNEL) {
                    family = AddressFamily.of(rs.address());
                    break;
                }
            }
        }
        if (family == null) {
            family = AddressFamily.INET;
            AddressFamily all = null;
            boolean mixed = false;
            for (RealServerConfig rs : vs.realServers()) {
                AddressFamily f = AddressFamily.of(rs.address());
                if (all != null && all != f) {
                    mixed = true;
                }
                all = f;
            }
            if (!mixed && all != null) {
                family = all;
            }
        }

        // real servers: duplicates and families, weights, methods
        int defaultWeight = vs.weight() != null ? vs.weight() : 1;
        List<RealServerConfig> kept = new ArrayList<>();
        List<LvsMethod> methods = new ArrayList<>();
        List<Integer> weights = new ArrayList<>();
        long weightSum = 0;
        for (RealServerConfig rs : vs.realServers()) {
            LvsMethod m = rs.method() != null ? rs.method() : vsMethod;
            if (m.forwarding() != Forwarding.TUNNEL && AddressFamily.of(rs.address()) != family) {
                warn(rs, "real_server " + Addresses.format(rs.address())
                        + ": family differs from the virtual server's - skipped, as keepalived does");
                continue;
            }
            boolean dup = false;
            for (RealServerConfig k : kept) {
                if (k.address().equals(rs.address()) && k.port() == rs.port()) {
                    dup = true;
                }
            }
            if (dup) {
                warn(rs, "real_server " + Addresses.format(rs.address()) + " " + rs.port()
                        + ": duplicate - the later one is dropped, as keepalived does");
                continue;
            }
            int w = rs.weight() != null ? rs.weight() : defaultWeight;
            if (w > RealServer.MAX_WEIGHT) {
                error(weightAt(rs.weight() != null ? rs : vs), Preconditions.message("weight", w,
                        "0.." + RealServer.MAX_WEIGHT
                        + " in lvs4j, though keepalived and the kernel take up to " + Integer.MAX_VALUE));
                continue;
            }
            kept.add(rs);
            methods.add(m);
            weights.add(w);
            weightSum += w;
        }

        // quorum at start-up with every real server healthy (unsigned 32-bit, as keepalived)
        long quorum = vs.quorum() != null ? vs.quorum() : 1;
        long hysteresis = vs.hysteresis() != null ? vs.hysteresis() : 0;
        if (quorum > weightSum) {
            if (vs.quorum() != null) {
                warn(vs, label(vs) + ": quorum " + quorum + " exceeds the total weight " + weightSum
                        + " - reduced to it, as keepalived does");
            }
            quorum = weightSum;
        }
        if (hysteresis >= quorum) {
            hysteresis = (quorum - 1) & 0xFFFF_FFFFL;
        }
        boolean quorumUp = weightSum >= ((quorum + hysteresis) & 0xFFFF_FFFFL);
        SorryServer sorry = vs.sorryServer();
        boolean useSorry = !quorumUp && sorry != null;

        List<VirtualService> out = new ArrayList<>();
        List<ServiceKey> keys = new ArrayList<>();
        List<Integer> entryPorts = new ArrayList<>();
        if (group == null) {
            if (vs.fwmark() != 0) {
                keys.add(ServiceKey.fwmark(vs.fwmark(), family));
            } else {
                keys.add(ServiceKey.of(protocol, vs.address(), vs.port()));
            }
            entryPorts.add(vs.port());
        } else {
            for (GroupEntry e : group.entries()) {
                if (e.isFwmark()) {
                    keys.add(ServiceKey.fwmark(e.fwmark(), e.fwmarkFamily() != null ? e.fwmarkFamily() : family));
                    entryPorts.add(0);
                    continue;
                }
                BigInteger from = new BigInteger(1, e.first().getAddress());
                BigInteger to = new BigInteger(1, e.last().getAddress());
                if (to.subtract(from).compareTo(BigInteger.valueOf(MAX_EXPANSION)) >= 0) {
                    error(vs, Preconditions.message("virtual_server_group " + group.name(),
                            Addresses.format(e.first()) + "-" + Addresses.format(e.last()),
                            "a range of at most " + MAX_EXPANSION + " addresses"));
                    continue;
                }
                int len = e.first().getAddress().length;
                for (BigInteger a = from; a.compareTo(to) <= 0; a = a.add(BigInteger.ONE)) {
                    keys.add(ServiceKey.of(protocol, toAddress(a, len), e.port()));
                    entryPorts.add(e.port());
                }
            }
        }
        if (group != null && persistence != null && vs.persistenceGranularity() != null) {
            // keepalived 2.2.7 sets the granularity in the service rule, then each group entry (address
            // range or fwmark) resets the netmask to the whole address before it talks to IPVS
            warn(vs, label(vs) + ": persistence_granularity in a virtual_server group - ignored, as keepalived "
                    + "2.2.7 installs group services with the full netmask");
        }
        for (int k = 0; k < keys.size(); k++) {
            ServiceKey key = keys.get(k);
            VirtualService.Builder b = VirtualService.builder(key).scheduler(scheduler).flags(flags)
                    .onePacket(ops && (key.isFwmark() || key.protocol() == Protocol.UDP));
            if (persistence != null) {
                b.persistenceSeconds(persistence);
                if (vs.persistenceGranularity() != null && group == null) {
                    try {
                        b.persistenceNetmask(vs.persistenceGranularity());
                    } catch (IllegalArgumentException e) {
                        error(vs, label(vs) + ": " + e.getMessage());
                    }
                }
            }
            if (vs.persistenceEngine() != null) {
                try {
                    b.persistenceEngine(vs.persistenceEngine());
                } catch (IllegalArgumentException e) {
                    error(vs, label(vs) + ": " + e.getMessage());
                }
            }
            if (useSorry) {
                boolean sorryTaken = false;
                for (int i = 0; i < kept.size(); i++) {
                    RealServerConfig rs = kept.get(i);
                    boolean inhibit = rs.inhibitOnFailure() != null ? rs.inhibitOnFailure() : vs.inhibitOnFailure();
                    if (inhibit) {
                        b.realServer(real(rs.address(), rs.port(), 0, methods.get(i), key, rs.upperThreshold(),
                                rs.lowerThreshold()));
                        sorryTaken |= sameEndpoint(rs, sorry);
                    }
                }
                if (!sorryTaken) {
                    b.realServer(real(sorry.address(), sorry.port(), 1,
                            sorry.method() != null ? sorry.method() : vsMethod, key, null, null));
                } else if (k == 0) {
                    warn(vs, label(vs) + ": sorry_server " + Addresses.format(sorry.address()) + " " + sorry.port()
                            + " is an inhibit_on_failure real server, which stays at weight 0 - the sorry server is"
                            + " not added (keepalived fails with Destination already exists)");
                }
            } else {
                for (int i = 0; i < kept.size(); i++) {
                    RealServerConfig rs = kept.get(i);
                    b.realServer(real(rs.address(), rs.port(), weights.get(i), methods.get(i), key, rs.upperThreshold(),
                            rs.lowerThreshold()));
                }
                // sorry_server_inhibit: keepalived adds the sorry server at weight 0 while quorum is met
                // (unless it is one of the real servers, which then stands for it)
                if (sorry != null && sorry.inhibit() && kept.stream().noneMatch(rs -> sameEndpoint(rs, sorry))) {
                    b.realServer(real(sorry.address(), sorry.port(), 0,
                            sorry.method() != null ? sorry.method() : vsMethod, key, null, null));
                }
            }
            try {
                out.add(b.build());
            } catch (IllegalArgumentException e) {
                error(vs, label(vs) + ": " + e.getMessage());
            }
        }
        if (group == null && vs.fwmark() != 0 || fwmarkOnly) {
            for (RealServerConfig rs : kept) {
                LvsMethod m = rs.method() != null ? rs.method() : vsMethod;
                if (m.forwarding() != Forwarding.MASQ && rs.port() != 0) {
                    warn(rs, "real_server " + Addresses.format(rs.address()) + " " + rs.port()
                            + ": port with a fwmark service - ignored, as keepalived does");
                }
            }
        } else if (group == null) {
            for (RealServerConfig rs : kept) {
                LvsMethod m = rs.method() != null ? rs.method() : vsMethod;
                if (m.forwarding() != Forwarding.MASQ && rs.port() != 0 && rs.port() != vs.port()) {
                    warn(rs, "real_server " + Addresses.format(rs.address()) + " " + rs.port()
                            + ": port differs from the virtual server's with " + m.forwarding().keepalivedName()
                            + " - the virtual server's port is used, as keepalived does");
                }
            }
        }
        return out;
    }

    private static boolean sameEndpoint(RealServerConfig rs, SorryServer s) {
        return rs.address().equals(s.address()) && rs.port() == s.port();
    }

    private static RealServer real(InetAddress address, int port, int weight, LvsMethod m, ServiceKey key,
            Integer upper, Integer lower) {
        RealServer.Builder b = RealServer.of(address, realPort(port, m.forwarding(), key)).weight(weight).forwarding(m.forwarding());
        if (m.forwarding() == Forwarding.TUNNEL) {
            b.tunnel(m.tunnelType());
            if (m.tunnelPort() != 0) {
                b.tunnelPort(m.tunnelPort());
            }
            b.tunnelChecksum(m.checksum());
        }
        if (upper != null) {
            b.upperThreshold(upper);
        }
        if (lower != null) {
            b.lowerThreshold(lower);
        }
        return b.build();
    }

    /**
     * The port a real server (or sorry server) given with {@code port} (0: none) gets in the
     * service {@code key}, as keepalived installs it: a fwmark service's keeps its port with NAT
     * and has none otherwise; an address service's is the service's port unless NAT gives one.
     */
    static int realPort(int port, Forwarding forwarding, ServiceKey key) {
        if (key.isFwmark()) {
            return forwarding == Forwarding.MASQ ? port : 0;
        }
        return forwarding != Forwarding.MASQ || port == 0 ? key.port() : port;
    }

    private static InetAddress toAddress(BigInteger value, int len) {
        byte[] raw = value.toByteArray();
        byte[] b = new byte[len];
        int copy = Math.min(raw.length, len);
        System.arraycopy(raw, raw.length - copy, b, len - copy, copy);
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Address formatting as lvs-api does it. */
    static final class Addresses {
        static String format(InetAddress a) {
            return io.lvs4j.internal.Addresses.format(a);
        }
    }
}
