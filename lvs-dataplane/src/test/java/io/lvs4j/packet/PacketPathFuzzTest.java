package io.lvs4j.packet;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lvs4j.AddressFamily;
import io.lvs4j.Forwarding;
import io.lvs4j.RealServer;
import io.lvs4j.Scheduler;
import io.lvs4j.TunnelChecksum;
import io.lvs4j.TunnelType;
import io.lvs4j.VirtualService;
import io.lvs4j.conn.ConnectionTable;
import io.lvs4j.internal.Addresses;
import io.lvs4j.sched.DestinationTable;
import io.lvs4j.sched.ServiceScheduler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.SplittableRandom;

/**
 * The whole packet path on arbitrary bytes: every input gives a verdict, a drop is counted, and no
 * exception escapes. The table has NAT, DR and TUN services for TCP, UDP and SCTP on 192.0.2.10
 * and 2001:db8::10, and GRE and GUE ones (with and without checksum) for TCP and UDP on
 * 192.0.2.11 and 2001:db8::11, so that fuzzed packets reach scheduling, state changes and every
 * rewrite;
 * connections persist across inputs, so sequences exercise lookups of earlier ones; the table is
 * limited to 256 entries with its flood defence from 128, so long runs reach the limit, the early
 * drop and the sweep of half-open connections, and it never holds more than its limit. Under
 * {@code mvn test} it replays its seeds; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class PacketPathFuzzTest {
    private static final long[] CLOCK = {0};
    private static final ConnectionTable TABLE = ConnectionTable.builder().ticker(() -> CLOCK[0]).hashSeed(7)
            .expireNodestConn(true).maxConnections(256).defenseThreshold(128).random(new SplittableRandom(7)).build();
    private static final PacketPath PATH = new PacketPath(TABLE).localMac(1).tunnelSourceIpv4(0x0A0000FE)
            .tunnelSourceIpv6(0x20010db800000000L, 0xFE);

    static {
        int port = 1;
        for (String vip : new String[] {"192.0.2.10", "2001:db8::10"}) {
            boolean v6 = vip.contains(":");
            for (Forwarding fwd : new Forwarding[] {Forwarding.MASQ, Forwarding.ROUTE, Forwarding.TUNNEL}) {
                for (String proto : new String[] {"tcp", "udp", "sctp"}) {
                    DestinationTable d = DestinationTable.create(v6 ? AddressFamily.INET6 : AddressFamily.INET);
                    String rs = v6 ? "2001:db8::" + (port + 100) : "10.0.0." + port;
                    VirtualService.Builder b = proto.equals("tcp") ? VirtualService.tcp(vip, port)
                            : proto.equals("udp") ? VirtualService.udp(vip, port) : VirtualService.sctp(vip, port);
                    if (port % 2 == 0) {
                        b.persistenceSeconds(30);
                    }
                    VirtualService vs = b.realServer(RealServer.of(rs, port).forwarding(fwd)).build();
                    int h = d.add(vs.realServers().get(0).address(), vs.realServers().get(0).port(), 1);
                    int svc = TABLE.addService(vs, ServiceScheduler.of(Scheduler.WLC, d));
                    PATH.destinationMac(svc, h, 2);
                    port++;
                }
            }
        }
        // GRE and GUE, with and without checksum, over TCP and UDP (to IPv6 destinations: dropped)
        for (String vip : new String[] {"192.0.2.11", "2001:db8::11"}) {
            boolean v6 = vip.contains(":");
            int p = 1;
            for (TunnelType type : new TunnelType[] {TunnelType.GRE, TunnelType.GUE}) {
                for (TunnelChecksum checksum : new TunnelChecksum[] {TunnelChecksum.NONE, TunnelChecksum.CSUM}) {
                    for (boolean tcp : new boolean[] {true, false}) {
                        DestinationTable d = DestinationTable.create(v6 ? AddressFamily.INET6 : AddressFamily.INET);
                        String rs = v6 ? "2001:db8::" + (p + 200) : "10.0.1." + p;
                        int gue = type == TunnelType.GUE ? 6080 : 0;
                        RealServer.Builder r = RealServer.of(rs, p).tunnel(type).tunnelChecksum(checksum);
                        if (gue != 0) {
                            r.tunnelPort(gue);
                        }
                        VirtualService vs = (tcp ? VirtualService.tcp(vip, p) : VirtualService.udp(vip, p))
                                .realServer(r).build();
                        int h = d.add(vs.realServers().get(0).address(), vs.realServers().get(0).port(), 1);
                        int svc = TABLE.addService(vs, ServiceScheduler.of(Scheduler.RR, d));
                        PATH.destinationMac(svc, h, 2).destinationTunnel(svc, h, type, gue, checksum,
                                v6 ? null : Addresses.parse("10.0.1.254", "source"));
                        p++;
                    }
                }
            }
        }
    }

    @FuzzTest(maxDuration = "10s")
    void anyBytes_giveAVerdict_neverAnException(FuzzedDataProvider data) {
        boolean frame = data.consumeBoolean();
        int headroom = data.consumeInt(0, 48);
        CLOCK[0] += data.consumeLong(0, 5_000_000_000L);
        boolean repair = data.consumeBoolean();
        byte[] bytes = data.consumeRemainingAsBytes();
        if (repair) {
            repairIpv4Checksum(bytes, frame ? 14 : 0);
        }
        ByteBuf b = Unpooled.buffer(headroom + bytes.length);
        b.writerIndex(headroom).readerIndex(headroom);
        b.writeBytes(bytes);
        long dropsBefore = PATH.drops().total();
        if (frame) {
            int sizeBefore = TABLE.size();
            PATH.prefetchFrame(b); // the read-ahead of a received batch changes nothing
            PATH.prefetchBatch();
            assertThat(TABLE.size()).isEqualTo(sizeBefore);
            assertThat(PATH.drops().total()).isEqualTo(dropsBefore);
        }
        Verdict v = frame ? PATH.processFrame(b) : PATH.processIp(b);
        TABLE.advance();
        assertThat(v).isNotNull();
        assertThat(PATH.drops().total()).isEqualTo(v == Verdict.DROP ? dropsBefore + 1 : dropsBefore);
        assertThat(b.readerIndex()).isBetween(0, b.writerIndex());
        assertThat(TABLE.size()).isLessThanOrEqualTo(TABLE.maxConnections());
    }

    /** Lets the fuzzer get past the header checksum: recomputes it where an IPv4 header would be. */
    private static void repairIpv4Checksum(byte[] p, int at) {
        if (p.length < at + 20 || (p[at] & 0xF0) != 0x40) {
            return;
        }
        int ihl = (p[at] & 0xF) * 4;
        if (ihl < 20 || p.length < at + ihl) {
            return;
        }
        p[at + 10] = 0;
        p[at + 11] = 0;
        int sum = Ref.checksum(Ref.slice(p, at, ihl));
        p[at + 10] = (byte) (sum >>> 8);
        p[at + 11] = (byte) sum;
    }
}
