package io.lvs4j.netlink;

import io.lvs4j.table.IpvsStats;
import io.lvs4j.table.RealServerState;
import io.lvs4j.table.ServiceState;

import io.lvs4j.AddressFamily;
import io.lvs4j.Forwarding;
import io.lvs4j.Protocol;
import io.lvs4j.RealServer;
import io.lvs4j.Scheduler;
import io.lvs4j.SchedulerFlag;
import io.lvs4j.ServiceKey;
import io.lvs4j.SyncDaemon;
import io.lvs4j.TunnelChecksum;
import io.lvs4j.TunnelType;
import io.lvs4j.VirtualService;
import io.lvs4j.netlink.internal.DaemonAttrs;
import io.lvs4j.netlink.internal.DestAttrs;
import io.lvs4j.netlink.internal.IpvsProto;
import io.lvs4j.netlink.internal.Stats;
import io.lvs4j.netlink.internal.SvcAttrs;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** lvs-api model to and from the IPVS family's attributes. */
final class ModelMapping {
    private ModelMapping() {}

    private static final int SCHED_BITS = 0x38;

    static SvcAttrs key(ServiceKey k) {
        if (k.isFwmark()) {
            return SvcAttrs.fwmarkKey(k.family().number(), (int) k.fwmark());
        }
        return SvcAttrs.key(k.family().number(), k.protocol().number(), k.address(), k.port());
    }

    static SvcAttrs service(VirtualService s) {
        ServiceKey k = s.key();
        int flags = s.schedulerFlagBits();
        if (s.isPersistent()) {
            flags |= IpvsProto.SVC_F_PERSISTENT;
        }
        if (s.onePacket()) {
            flags |= IpvsProto.SVC_F_ONEPACKET;
        }
        return new SvcAttrs(k.family().number(), k.isFwmark() ? 0 : k.protocol().number(), k.address(), k.port(),
                (int) k.fwmark(), s.scheduler().kernelName(), flags, -1, s.persistenceSeconds(),
                s.persistenceNetmask(), s.persistenceEngine().orElse(null), null, null);
    }

    static DestAttrs dest(RealServer r, int servicePort) {
        int port = r.port() != 0 ? r.port() : servicePort;
        boolean tun = r.forwarding() == Forwarding.TUNNEL;
        return new DestAttrs(r.family().number(), r.address(), port, r.forwarding().kernelValue(), r.weight(),
                r.upperThreshold(), r.lowerThreshold(), 0, 0, 0, null, null,
                tun ? r.tunnelType().kernelValue() : -1, tun ? r.tunnelPort() : 0,
                tun ? r.tunnelChecksum().kernelFlags() : 0);
    }

    static DestAttrs destKey(InetAddress address, int port) {
        return DestAttrs.key(AddressFamily.of(address).number(), address, port);
    }

    static ServiceKey serviceKey(SvcAttrs a) {
        AddressFamily af = AddressFamily.ofNumber(a.af());
        if (a.isFwmark()) {
            return ServiceKey.fwmark(Integer.toUnsignedLong(a.fwmark()), af);
        }
        return ServiceKey.of(Protocol.ofNumber(a.protocol()), a.addr(), a.port());
    }

    static VirtualService service(SvcAttrs a, List<DestAttrs> dests) {
        VirtualService.Builder b = VirtualService.builder(serviceKey(a));
        Scheduler sched = Scheduler.of(a.scheduler());
        b.scheduler(sched);
        b.flags(flags(sched, a.flags() & SCHED_BITS));
        if ((a.flags() & IpvsProto.SVC_F_PERSISTENT) != 0) {
            b.persistenceSeconds(a.timeout());
            if (a.af() == AddressFamily.INET6.number()) {
                b.persistencePrefixLength(a.netmask());
            } else {
                b.persistenceNetmask(dotted(a.netmask()));
            }
        }
        if ((a.flags() & IpvsProto.SVC_F_ONEPACKET) != 0) {
            b.onePacket(true);
        }
        if (a.pe() != null && !a.pe().isEmpty()) {
            b.persistenceEngine(a.pe());
        }
        for (DestAttrs d : dests) {
            b.realServer(realServer(d));
        }
        return b.build();
    }

    static Set<SchedulerFlag> flags(Scheduler sched, int bits) {
        Set<SchedulerFlag> out = EnumSet.noneOf(SchedulerFlag.class);
        for (SchedulerFlag f : SchedulerFlag.values()) {
            if ((bits & f.bit()) == 0) {
                continue;
            }
            boolean named = sched == Scheduler.SH || sched == Scheduler.MH;
            if (named ? f.onlyFor() == sched : f.onlyFor() == null) {
                out.add(f);
            }
        }
        return out;
    }

    static RealServer realServer(DestAttrs d) {
        RealServer.Builder b = RealServer.of(d.addr(), d.port()).weight(d.weight())
                .upperThreshold(d.upperThreshold()).lowerThreshold(d.lowerThreshold());
        Forwarding f = Forwarding.ofKernelValue(d.fwdMethod());
        if (f == Forwarding.TUNNEL && d.tunType() >= 0) {
            b.tunnel(TunnelType.ofKernelValue(d.tunType()));
            if (d.tunPort() != 0) {
                b.tunnelPort(d.tunPort());
            }
            b.tunnelChecksum(TunnelChecksum.ofKernelFlags(d.tunFlags()));
        } else {
            b.forwarding(f);
        }
        return b.build();
    }

    /** The state of a service the kernel listed; {@code vs} is {@code service(a, dests)}. */
    static ServiceState state(VirtualService vs, SvcAttrs a, List<DestAttrs> dests) {
        List<RealServer> servers = vs.realServers();
        List<RealServerState> states = new ArrayList<>(dests.size());
        for (int i = 0; i < dests.size(); i++) {
            DestAttrs d = dests.get(i);
            states.add(new RealServerState(servers.get(i), d.activeConns(), d.inactiveConns(), d.persistentConns(),
                    stats(d.stats64(), d.stats())));
        }
        return new ServiceState(vs, stats(a.stats64(), a.stats()), states);
    }

    /** The 64-bit counters, else the 32-bit ones, else zeros. */
    static IpvsStats stats(Stats wide, Stats narrow) {
        Stats s = wide != null ? wide : narrow;
        if (s == null) {
            return IpvsStats.ZERO;
        }
        return new IpvsStats(s.conns(), s.inPackets(), s.outPackets(), s.inBytes(), s.outBytes(), s.cps(),
                s.inPps(), s.outPps(), s.inBps(), s.outBps());
    }

    static DaemonAttrs daemon(SyncDaemon d) {
        return new DaemonAttrs(d.role().kernelState(), d.interfaceName(), d.syncId(), d.maxLength(),
                d.group().orElse(null), d.port(), d.ttl());
    }

    static SyncDaemon daemon(DaemonAttrs a) {
        SyncDaemon.Builder b = SyncDaemon.builder(SyncDaemon.Role.ofKernelState(a.state()), a.ifname())
                .syncId(a.syncId());
        if (a.syncMaxlen() != 0) {
            b.maxLength(a.syncMaxlen());
        }
        if (a.mcastGroup() != null && !a.mcastGroup().getHostAddress().equals("224.0.0.81")) {
            b.group(a.mcastGroup().getHostAddress());
        }
        if (a.mcastPort() != 0 && a.mcastPort() != 8848) {
            b.port(a.mcastPort());
        }
        if (a.mcastTtl() != 0 && a.mcastTtl() != 1) {
            b.ttl(a.mcastTtl());
        }
        return b.build();
    }

    static String dotted(int mask) {
        return ((mask >>> 24) & 0xff) + "." + ((mask >>> 16) & 0xff) + "." + ((mask >>> 8) & 0xff) + "." + (mask & 0xff);
    }
}
