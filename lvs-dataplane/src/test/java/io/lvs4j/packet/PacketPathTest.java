package io.lvs4j.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.AddressFamily;
import io.lvs4j.Forwarding;
import io.lvs4j.RealServer;
import io.lvs4j.Scheduler;
import io.lvs4j.TunnelChecksum;
import io.lvs4j.TunnelType;
import io.lvs4j.VirtualService;
import io.lvs4j.conn.ConnectionTable;
import io.lvs4j.conn.TcpState;
import io.lvs4j.internal.Addresses;
import io.lvs4j.sched.DestinationTable;
import io.lvs4j.sched.ServiceScheduler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PacketPathTest {
    static final long RS_MAC = 0x5254_0000_0002L;
    static final long OUR_MAC = 0x5254_0000_0001L;

    final long[] clock = {0};
    final ConnectionTable table = ConnectionTable.builder().ticker(() -> clock[0]).hashSeed(1).build();
    final PacketPath path = new PacketPath(table).localMac(OUR_MAC).tunnelSourceIpv4(Ref.v4("10.0.0.254"));

    /** Services: TCP 192.0.2.10:80 NAT to 10.0.0.2:8080, :81 DR to 10.0.0.3, :82 TUN to 10.0.0.4. */
    PacketPathTest() {
        add(80, "10.0.0.2", 8080, Forwarding.MASQ);
        add(81, "10.0.0.3", 81, Forwarding.ROUTE);
        add(82, "10.0.0.4", 82, Forwarding.TUNNEL);
        DestinationTable d6 = DestinationTable.create(AddressFamily.INET6);
        d6.add(Addresses.parse("2001:db8::2", "t"), 8080, 1);
        table.addService(VirtualService.tcp("2001:db8::10", 80).build(), ServiceScheduler.of(Scheduler.RR, d6));
    }

    private void add(int port, String rs, int rsPort, Forwarding fwd) {
        DestinationTable d = DestinationTable.create(AddressFamily.INET);
        int h = d.add(Addresses.parse(rs, "t"), rsPort, 1);
        int svc = table.addService(VirtualService.tcp("192.0.2.10", port)
                .realServer(RealServer.of(rs, rsPort).forwarding(fwd)).build(), ServiceScheduler.of(Scheduler.RR, d));
        path.destinationMac(svc, h, RS_MAC);
    }

    static ByteBuf frame(byte[] ip, int headroom) {
        byte[] f = Ref.ethernet(OUR_MAC, 0x0200_0000_0009L, (ip[0] >>> 4) == 6 ? 0x86DD : 0x0800, ip);
        ByteBuf b = Unpooled.buffer(headroom + f.length);
        b.writerIndex(headroom).readerIndex(headroom);
        return b.writeBytes(f);
    }

    static byte[] bytes(ByteBuf b) {
        return ByteBufUtil.getBytes(b, b.readerIndex(), b.readableBytes());
    }

    @Test
    void prefetchFrames_realAndMalformedFrames_changeNothing() {
        ByteBuf syn = frame(Ref.ipv4(6, "198.51.100.7", "192.0.2.10", Ref.tcp(40000, 80, 0x02, new byte[0])), 0);
        ByteBuf syn6 = frame(Ref.ipv6(6, 0x20010db800000000L, 7, 0x20010db800000000L, 0x10, Ref.tcp(40001, 80, 0x02, new byte[0])), 0);
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        ByteBuf[] batch = new ByteBuf[300];
        batch[0] = syn.copy();
        batch[1] = syn6.copy();
        for (int i = 2; i < batch.length; i++) {
            byte[] b = new byte[r.nextInt(80)];
            r.nextBytes(b);
            if (b.length > 14 && r.nextBoolean()) {
                b[12] = (byte) (r.nextBoolean() ? 0x08 : 0x86); // IPv4 or IPv6 ethertype, garbage after
                b[13] = (byte) (b[12] == 0x08 ? 0x00 : 0xDD);
                b[14] = (byte) (b[12] == 0x08 ? 0x45 : 0x60);
            }
            batch[i] = Unpooled.wrappedBuffer(b);
        }
        path.prefetchFrames(batch, 0, batch.length);
        path.prefetchFrames(batch, 7, 0);
        assertThat(path.drops().total()).isZero();
        assertThat(table.size()).isZero();
        assertThat(bytes(batch[0])).isEqualTo(bytes(syn));
        assertThat(path.processFrame(syn)).isEqualTo(Verdict.TO_REAL_SERVER);
        assertThat(path.processFrame(syn6)).isEqualTo(Verdict.TO_REAL_SERVER);
        assertThat(table.size()).isEqualTo(2);
    }

    @Test
    void natFlow_synReplyAck_rewritesBothWays_andEstablishes() {
        ByteBuf syn = frame(Ref.ipv4(6, "198.51.100.7", "192.0.2.10", Ref.tcp(40000, 80, 0x02, new byte[0])), 0);
        assertThat(path.processFrame(syn)).isEqualTo(Verdict.TO_REAL_SERVER);
        byte[] out = bytes(syn);
        byte[] ip = Ref.slice(out, 14, out.length - 14);
        assertThat(Ref.ipv4Verifies(ip)).isTrue();
        assertThat(Ref.slice(ip, 16, 4)).isEqualTo(Ref.a4("10.0.0.2"));
        assertThat(Ref.u16(ip, 22)).isEqualTo(8080);
        assertThat(Ref.slice(out, 0, 12)).isEqualTo(Ref.slice(Ref.ethernet(RS_MAC, OUR_MAC, 0, new byte[0]), 0, 12));
        int c = path.lastConnection();
        assertThat(path.lastScheduled()).as("the SYN opened the connection").isTrue();

        ByteBuf synAck = frame(Ref.ipv4(6, "10.0.0.2", "198.51.100.7", Ref.tcp(8080, 40000, 0x12, new byte[0])), 0);
        assertThat(path.processFrame(synAck)).isEqualTo(Verdict.TO_CLIENT);
        byte[] reply = Ref.slice(bytes(synAck), 14, 40);
        assertThat(Ref.ipv4Verifies(reply)).isTrue();
        assertThat(Ref.slice(reply, 12, 4)).isEqualTo(Ref.a4("192.0.2.10"));
        assertThat(Ref.u16(reply, 20)).isEqualTo(80);

        ByteBuf ack = frame(Ref.ipv4(6, "198.51.100.7", "192.0.2.10", Ref.tcp(40000, 80, 0x10, new byte[0])), 0);
        assertThat(path.processFrame(ack)).isEqualTo(Verdict.TO_REAL_SERVER);
        assertThat(path.lastConnection()).isEqualTo(c);
        assertThat(path.lastScheduled()).as("the ACK went on an existing connection").isFalse();
        assertThat(table.tcpState(c)).isEqualTo(TcpState.ESTABLISHED);
        assertThat(path.drops().total()).isZero();
    }

    /** A path over a fresh table: 192.0.2.20:80 NAT, rr over 10.0.0.5:8080 and 10.0.0.6:8080. */
    private ConnectionTable twoServerTable;

    private PacketPath twoServerPath(int connReuseMode) {
        ConnectionTable t = ConnectionTable.builder().ticker(() -> clock[0]).hashSeed(1)
                .connReuseMode(connReuseMode).build();
        PacketPath p = new PacketPath(t).localMac(OUR_MAC);
        DestinationTable d = DestinationTable.create(AddressFamily.INET);
        int h5 = d.add(Addresses.parse("10.0.0.5", "t"), 8080, 1);
        int h6 = d.add(Addresses.parse("10.0.0.6", "t"), 8080, 1);
        int svc = t.addService(VirtualService.tcp("192.0.2.20", 80).realServer(RealServer.of("10.0.0.5", 8080))
                .realServer(RealServer.of("10.0.0.6", 8080)).build(), ServiceScheduler.of(Scheduler.RR, d));
        p.destinationMac(svc, h5, RS_MAC).destinationMac(svc, h6, RS_MAC);
        twoServerTable = t;
        return p;
    }

    /** Sends a client packet 198.51.100.7:40000 -> 192.0.2.20:80; returns the real server it went to. */
    private static String clientPacket(PacketPath p, int flags) {
        ByteBuf b = frame(Ref.ipv4(6, "198.51.100.7", "192.0.2.20", Ref.tcp(40000, 80, flags, new byte[0])), 0);
        assertThat(p.processFrame(b)).isEqualTo(Verdict.TO_REAL_SERVER);
        byte[] ip = Ref.slice(bytes(b), 14, 20);
        return (ip[16] & 0xFF) + "." + (ip[17] & 0xFF) + "." + (ip[18] & 0xFF) + "." + (ip[19] & 0xFF);
    }

    private static void serverPacket(PacketPath p, String rs, int flags) {
        ByteBuf b = frame(Ref.ipv4(6, rs, "198.51.100.7", Ref.tcp(8080, 40000, flags, new byte[0])), 0);
        assertThat(p.processFrame(b)).isEqualTo(Verdict.TO_CLIENT);
    }

    @Test
    void synFromPortInTimeWait_isScheduledAfresh_unlessConnReuseModeIsZero() {
        for (int mode : new int[] {1, 0}) {
            PacketPath p = twoServerPath(mode);
            String rs = clientPacket(p, 0x02);
            serverPacket(p, rs, 0x12);
            assertThat(clientPacket(p, 0x10)).isEqualTo(rs);
            serverPacket(p, rs, 0x11); // server closes first
            assertThat(clientPacket(p, 0x11)).isEqualTo(rs);
            int old = p.lastConnection();
            assertThat(twoServerTable.tcpState(old)).isEqualTo(TcpState.TIME_WAIT);

            assertThat(p.lastScheduled()).isFalse();

            String next = clientPacket(p, 0x02); // the client reuses its port
            String other = rs.equals("10.0.0.5") ? "10.0.0.6" : "10.0.0.5";
            assertThat(next).isEqualTo(mode == 1 ? other : rs);
            assertThat(p.lastScheduled()).as("conn_reuse_mode %d: scheduled afresh", mode).isEqualTo(mode == 1);
            assertThat(twoServerTable.size()).isEqualTo(1);
            assertThat(twoServerTable.tcpState(p.lastConnection())).isEqualTo(TcpState.SYN_RECV);
        }
    }

    @Test
    void unknownFlowWithoutSyn_isDroppedAsNotInitial() {
        ByteBuf ack = frame(Ref.ipv4(6, "198.51.100.7", "192.0.2.10", Ref.tcp(40000, 80, 0x10, new byte[0])), 0);
        assertThat(path.processFrame(ack)).isEqualTo(Verdict.DROP);
        assertThat(path.lastDrop()).isEqualTo(DropReason.NOT_INITIAL);
        ByteBuf synAck = frame(Ref.ipv4(6, "198.51.100.7", "192.0.2.10", Ref.tcp(40000, 80, 0x12, new byte[0])), 0);
        assertThat(path.processFrame(synAck)).isEqualTo(Verdict.DROP);
        assertThat(path.lastDrop()).isEqualTo(DropReason.NOT_INITIAL);
        ByteBuf other = frame(Ref.ipv4(6, "198.51.100.7", "192.0.2.99", Ref.tcp(40000, 80, 0x02, new byte[0])), 0);
        assertThat(path.processFrame(other)).isEqualTo(Verdict.DROP);
        assertThat(path.lastDrop()).isEqualTo(DropReason.NO_SERVICE);
        assertThat(path.drops().count(DropReason.NOT_INITIAL)).isEqualTo(2);
        assertThat(path.drops().count(DropReason.NO_SERVICE)).isEqualTo(1);
        assertThat(table.size()).isZero();
    }

    @Test
    void sloppyTcp_ackOfAnUnknownNatFlow_isScheduledAndRewrittenToTheRealServer() {
        path.sloppyTcp(true);
        byte[] payload = "GET / HTTP/1.0\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ByteBuf ack = frame(Ref.ipv4(6, "198.51.100.7", "192.0.2.10", Ref.tcp(40000, 80, 0x18, payload)), 0);
        assertThat(path.processFrame(ack)).isEqualTo(Verdict.TO_REAL_SERVER);
        // golden: the same segment to 10.0.0.2:8080, checksums recomputed, MACs swapped to the real server
        assertThat(bytes(ack)).isEqualTo(Ref.ethernet(RS_MAC, OUR_MAC, 0x0800,
                Ref.ipv4(6, "198.51.100.7", "10.0.0.2", Ref.tcp(40000, 8080, 0x18, payload))));
        int c = path.lastConnection();
        assertThat(table.tcpState(c)).isEqualTo(TcpState.CLOSE); // the kernel's sNO + ack (input)
        assertThat(table.sloppy(c)).isTrue();
        assertThat(table.active(c)).isFalse();

        ByteBuf next = frame(Ref.ipv4(6, "198.51.100.7", "192.0.2.10", Ref.tcp(40000, 80, 0x10, new byte[0])), 0);
        assertThat(path.processFrame(next)).isEqualTo(Verdict.TO_REAL_SERVER);
        assertThat(path.lastConnection()).isEqualTo(c);
        ByteBuf reply = frame(Ref.ipv4(6, "10.0.0.2", "198.51.100.7", Ref.tcp(8080, 40000, 0x10, new byte[0])), 0);
        assertThat(path.processFrame(reply)).isEqualTo(Verdict.TO_CLIENT);
        assertThat(Ref.slice(bytes(reply), 14, 40))
                .isEqualTo(Ref.ipv4(6, "192.0.2.10", "198.51.100.7", Ref.tcp(80, 40000, 0x10, new byte[0])));
        assertThat(table.sloppy(c)).isFalse(); // the real server answered
        assertThat(table.size()).isEqualTo(1);
        assertThat(path.drops().total()).isZero();
    }

    @Test
    void sloppyTcp_ackOfAnUnknownDirectRoutingFlow_changesOnlyMacs() {
        path.sloppyTcp(true);
        byte[] ip = Ref.ipv4(6, "198.51.100.7", "192.0.2.10", Ref.tcp(40000, 81, 0x11, new byte[0]));
        ByteBuf fin = frame(ip, 0);
        assertThat(path.processFrame(fin)).isEqualTo(Verdict.TO_REAL_SERVER);
        assertThat(bytes(fin)).isEqualTo(Ref.ethernet(RS_MAC, OUR_MAC, 0x0800, ip));
        assertThat(table.destinationIpv4(path.lastConnection())).isEqualTo(Ref.v4("10.0.0.3"));
    }

    @Test
    void sloppyTcp_rstOfAnUnknownFlow_isStillDroppedAsNotInitial() {
        path.sloppyTcp(true);
        for (int flags : new int[] {0x04, 0x14}) {
            ByteBuf rst = frame(Ref.ipv4(6, "198.51.100.7", "192.0.2.10", Ref.tcp(40000, 80, flags, new byte[0])), 0);
            assertThat(path.processFrame(rst)).isEqualTo(Verdict.DROP);
            assertThat(path.lastDrop()).isEqualTo(DropReason.NOT_INITIAL);
        }
        assertThat(table.size()).isZero();
    }

    @Test
    void sloppyTcp_off_sloppySctpOn_tcpAckStillDropped() {
        path.sloppySctp(true);
        ByteBuf ack = frame(Ref.ipv4(6, "198.51.100.7", "192.0.2.10", Ref.tcp(40000, 80, 0x10, new byte[0])), 0);
        assertThat(path.processFrame(ack)).isEqualTo(Verdict.DROP);
        assertThat(path.lastDrop()).isEqualTo(DropReason.NOT_INITIAL);
    }

    @Test
    void sloppySctp_dataOfAnUnknownFlow_isScheduled_abortIsNot() {
        DestinationTable d = DestinationTable.create(AddressFamily.INET);
        d.add(Addresses.parse("10.0.0.7", "t"), 5000, 1);
        table.addService(VirtualService.sctp("192.0.2.10", 5000)
                .realServer(RealServer.of("10.0.0.7", 5000).masquerade().build()).build(), ServiceScheduler.of(Scheduler.RR, d));
        ByteBuf data = frame(Ref.ipv4(132, "198.51.100.7", "192.0.2.10", Ref.sctp(40000, 5000, 0)), 0);
        assertThat(path.processFrame(data.copy())).isEqualTo(Verdict.DROP);
        assertThat(path.lastDrop()).isEqualTo(DropReason.NOT_INITIAL);
        path.sloppySctp(true);
        ByteBuf abort = frame(Ref.ipv4(132, "198.51.100.7", "192.0.2.10", Ref.sctp(40000, 5000, 6)), 0);
        assertThat(path.processFrame(abort)).isEqualTo(Verdict.DROP);
        assertThat(path.lastDrop()).isEqualTo(DropReason.NOT_INITIAL);
        assertThat(path.processFrame(data)).isEqualTo(Verdict.TO_REAL_SERVER);
        byte[] ip = Ref.slice(bytes(data), 14, bytes(data).length - 14);
        assertThat(Ref.slice(ip, 16, 4)).isEqualTo(Ref.a4("10.0.0.7"));
        assertThat(Ref.sctpVerifies(Ref.slice(ip, 20, ip.length - 20))).isTrue();
        assertThat(table.sloppy(path.lastConnection())).isTrue();
    }

    @Test
    void directRouting_changesOnlyMacs() {
        byte[] ip = Ref.ipv4(6, "198.51.100.7", "192.0.2.10", Ref.tcp(40000, 81, 0x02, new byte[0]));
        ByteBuf syn = frame(ip, 0);
        assertThat(path.processFrame(syn)).isEqualTo(Verdict.TO_REAL_SERVER);
        assertThat(bytes(syn)).isEqualTo(Ref.ethernet(RS_MAC, OUR_MAC, 0x0800, ip));
        ByteBuf bare = Unpooled.wrappedBuffer(Ref.ipv4(6, "198.51.100.8", "192.0.2.10", Ref.tcp(1, 81, 0x02, new byte[0])));
        assertThat(path.processIp(bare)).isEqualTo(Verdict.DROP);
        assertThat(path.lastDrop()).isEqualTo(DropReason.NO_LINK_ADDRESS);
    }

    @Test
    void tunnel_encapsulatesInIpip() {
        byte[] ip = Ref.ipv4(6, "198.51.100.7", "192.0.2.10", Ref.tcp(40000, 82, 0x02, new byte[0]));
        ByteBuf syn = frame(ip, 20);
        assertThat(path.processFrame(syn)).isEqualTo(Verdict.TO_REAL_SERVER);
        byte[] out = bytes(syn);
        byte[] outer = Ref.slice(out, 14, 20);
        assertThat(Ref.checksum(outer)).isZero();
        assertThat(Ref.slice(outer, 16, 4)).isEqualTo(Ref.a4("10.0.0.4"));
        assertThat(Ref.slice(outer, 12, 4)).isEqualTo(Ref.a4("10.0.0.254"));
        assertThat(Ref.slice(out, 34, ip.length)).isEqualTo(ip);
        ByteBuf tight = frame(Ref.ipv4(6, "198.51.100.8", "192.0.2.10", Ref.tcp(1, 82, 0x02, new byte[0])), 0);
        assertThat(path.processFrame(tight)).isEqualTo(Verdict.DROP);
        assertThat(path.lastDrop()).isEqualTo(DropReason.NO_HEADROOM);
    }

    /** A fresh path: TCP 192.0.2.30:80 tunnelled to 10.0.0.7 as described, default source 10.0.0.254. */
    private PacketPath tunnelPath(TunnelType type, int port, TunnelChecksum checksum, String source) {
        ConnectionTable t = ConnectionTable.builder().ticker(() -> clock[0]).hashSeed(1).build();
        PacketPath p = new PacketPath(t).localMac(OUR_MAC).tunnelSourceIpv4(Ref.v4("10.0.0.254"));
        DestinationTable d = DestinationTable.create(AddressFamily.INET);
        int h7 = d.add(Addresses.parse("10.0.0.7", "t"), 80, 1);
        int svc = t.addService(VirtualService.tcp("192.0.2.30", 80).realServer(RealServer.of("10.0.0.7", 80).tunnel())
                .build(), ServiceScheduler.of(Scheduler.RR, d));
        p.destinationMac(svc, h7, RS_MAC)
                .destinationTunnel(svc, h7, type, port, checksum, source == null ? null : Addresses.parse(source, "t"));
        return p;
    }

    /** Runs a SYN through; returns the frame sent (Ethernet header first). */
    private static byte[] tunnelled(PacketPath p, byte[] ip) {
        ByteBuf b = frame(ip, 64);
        assertThat(p.processFrame(b)).as("%s", p.lastDrop()).isEqualTo(Verdict.TO_REAL_SERVER);
        return bytes(b);
    }

    @ParameterizedTest
    @EnumSource(value = TunnelChecksum.class, names = {"NONE", "CSUM"})
    void greDestination_isEncapsulatedInGre_fromItsOwnSource(TunnelChecksum checksum) {
        PacketPath p = tunnelPath(TunnelType.GRE, 0, checksum, "10.0.0.1");
        byte[] ip = Ref.ipv4(6, "198.51.100.7", "192.0.2.30", Ref.tcp(40000, 80, 0x02, new byte[] {1, 2, 3}));
        byte[] out = tunnelled(p, ip);
        boolean csum = checksum == TunnelChecksum.CSUM;
        int gre = csum ? 8 : 4;
        assertThat(out).hasSize(14 + 20 + gre + ip.length);
        assertThat(Ref.u16(out, 12)).isEqualTo(0x0800);
        byte[] outer = Ref.slice(out, 14, out.length - 14);
        assertThat(Ref.checksum(Ref.slice(outer, 0, 20))).isZero();
        assertThat(outer[9]).as("protocol").isEqualTo((byte) 47);
        assertThat(Ref.u16(outer, 2)).isEqualTo(outer.length);
        assertThat(Ref.slice(outer, 12, 4)).isEqualTo(Ref.a4("10.0.0.1"));
        assertThat(Ref.slice(outer, 16, 4)).isEqualTo(Ref.a4("10.0.0.7"));
        assertThat(Ref.u16(outer, 20)).as("GRE flags").isEqualTo(csum ? 0x8000 : 0);
        assertThat(Ref.u16(outer, 22)).as("GRE protocol").isEqualTo(0x0800);
        if (csum) {
            assertThat(Ref.checksum(Ref.slice(outer, 20, outer.length - 20))).isZero();
        }
        assertThat(Ref.slice(outer, 20 + gre, ip.length)).isEqualTo(ip);
    }

    @ParameterizedTest
    @EnumSource(TunnelChecksum.class)
    void gueDestination_isEncapsulatedInGueToItsPort_checksumAsConfigured(TunnelChecksum checksum) {
        PacketPath p = tunnelPath(TunnelType.GUE, 6080, checksum, null);
        byte[] ip = Ref.ipv4(6, "198.51.100.7", "192.0.2.30", Ref.tcp(40000, 80, 0x02, new byte[] {1, 2, 3}));
        byte[] out = tunnelled(p, ip);
        byte[] outer = Ref.slice(out, 14, out.length - 14);
        assertThat(outer).hasSize(20 + 8 + 4 + ip.length);
        assertThat(Ref.checksum(Ref.slice(outer, 0, 20))).isZero();
        assertThat(outer[9]).as("protocol").isEqualTo((byte) 17);
        assertThat(Ref.slice(outer, 12, 4)).as("the path's default source").isEqualTo(Ref.a4("10.0.0.254"));
        assertThat(Ref.slice(outer, 16, 4)).isEqualTo(Ref.a4("10.0.0.7"));
        int sport = Ref.u16(outer, 20);
        assertThat(sport).as("source port in the ephemeral range").isBetween(32768, 60999);
        assertThat(Ref.u16(outer, 22)).isEqualTo(6080);
        assertThat(Ref.u16(outer, 24)).isEqualTo(8 + 4 + ip.length);
        assertThat(Ref.slice(outer, 28, 4)).as("GUE header: proto 4").isEqualTo(new byte[] {0, 4, 0, 0});
        assertThat(Ref.slice(outer, 32, ip.length)).isEqualTo(ip);
        byte[] udp = Ref.slice(outer, 20, outer.length - 20);
        if (checksum == TunnelChecksum.CSUM) {
            byte[] pseudo = new byte[12];
            System.arraycopy(outer, 12, pseudo, 0, 8);
            pseudo[9] = 17;
            Ref.put16(pseudo, 10, udp.length);
            assertThat(Ref.u16(outer, 26)).isNotZero();
            assertThat(Ref.checksum(pseudo, udp)).as("UDP checksum verifies").isZero();
        } else {
            assertThat(Ref.u16(outer, 26)).as("no UDP checksum").isZero();
        }
        // the same flow gets the same source port; its next packet too
        byte[] ack = Ref.ipv4(6, "198.51.100.7", "192.0.2.30", Ref.tcp(40000, 80, 0x10, new byte[0]));
        assertThat(Ref.u16(tunnelled(p, ack), 14 + 20)).isEqualTo(sport);
    }

    @Test
    void ipipDestination_withItsOwnSource_usesIt_andGueSourcePortsSpreadOverFlows() {
        PacketPath p = tunnelPath(TunnelType.IPIP, 0, TunnelChecksum.NONE, "10.0.0.1");
        byte[] ip = Ref.ipv4(6, "198.51.100.7", "192.0.2.30", Ref.tcp(40000, 80, 0x02, new byte[0]));
        byte[] outer = Ref.slice(tunnelled(p, ip), 14, 20);
        assertThat(outer[9]).isEqualTo((byte) 4);
        assertThat(Ref.slice(outer, 12, 4)).isEqualTo(Ref.a4("10.0.0.1"));
        PacketPath g = tunnelPath(TunnelType.GUE, 6080, TunnelChecksum.NONE, null);
        java.util.Set<Integer> ports = new java.util.HashSet<>();
        for (int i = 0; i < 32; i++) {
            byte[] syn = Ref.ipv4(6, "198.51.100.7", "192.0.2.30", Ref.tcp(40000 + i, 80, 0x02, new byte[0]));
            ports.add(Ref.u16(tunnelled(g, syn), 14 + 20));
        }
        assertThat(ports).as("32 flows' source ports").hasSizeGreaterThan(16);
    }

    @Test
    void destinationTunnel_badSettings_areRejectedClearly() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> path.destinationTunnel(0, 0, TunnelType.GUE, 0, TunnelChecksum.NONE, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("tunnel port: 0 (expected: 1..65535)");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> path.destinationTunnel(0, 0, TunnelType.GRE, 6080, TunnelChecksum.NONE, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("tunnel port: 6080 (expected: 0 for gre)");
    }

    @Test
    void greToAnIpv6Destination_isDroppedAsUnsupported() {
        ConnectionTable t = ConnectionTable.builder().ticker(() -> clock[0]).hashSeed(1).build();
        PacketPath p = new PacketPath(t).localMac(OUR_MAC);
        DestinationTable d6 = DestinationTable.create(AddressFamily.INET6);
        int h = d6.add(Addresses.parse("2001:db8::2", "t"), 80, 1);
        int svc = t.addService(VirtualService.tcp("2001:db8::10", 80).realServer(RealServer.of("2001:db8::2", 80).tunnel())
                .build(), ServiceScheduler.of(Scheduler.RR, d6));
        p.destinationMac(svc, h, RS_MAC).destinationTunnel(svc, h, TunnelType.GRE, 0, TunnelChecksum.NONE, null);
        ByteBuf b = frame(Ref.ipv6(6, 0x20010db800000000L, 0x77, 0x20010db800000000L, 0x10,
                Ref.tcp(40000, 80, 0x02, new byte[0])), 64);
        assertThat(p.processFrame(b)).isEqualTo(Verdict.DROP);
        assertThat(p.lastDrop()).isEqualTo(DropReason.UNSUPPORTED_PROTOCOL);
    }

    @Test
    void ipv6Nat_flowsBothWays() {
        long net = 0x20010db800000000L;
        ByteBuf syn = frame(Ref.ipv6(6, net | 1, 7, net, 0x10, Ref.tcp(40000, 80, 0x02, new byte[0])), 0);
        assertThat(path.processFrame(syn)).isEqualTo(Verdict.TO_REAL_SERVER);
        byte[] ip = Ref.slice(bytes(syn), 14, 60);
        assertThat(Ref.ipv6Verifies(ip)).isTrue();
        assertThat(Ref.slice(ip, 24, 16)).isEqualTo(Ref.a6(net, 2));
        ByteBuf reply = frame(Ref.ipv6(6, net, 2, net | 1, 7, Ref.tcp(8080, 40000, 0x12, new byte[0])), 0);
        assertThat(path.processFrame(reply)).isEqualTo(Verdict.TO_CLIENT);
        byte[] r = Ref.slice(bytes(reply), 14, 60);
        assertThat(Ref.ipv6Verifies(r)).isTrue();
        assertThat(Ref.slice(r, 8, 16)).isEqualTo(Ref.a6(net, 0x10));
    }

    @Test
    void icmpErrorAboutOurConnection_followsIt_andOthersAreDropped() {
        path.processFrame(frame(Ref.ipv4(6, "198.51.100.7", "192.0.2.10", Ref.tcp(40000, 80, 0x02, new byte[0])), 0));
        byte[] quoted = Ref.slice(Ref.ipv4(6, "192.0.2.10", "198.51.100.7", Ref.tcp(80, 40000, 0x12, new byte[0])), 0, 28);
        byte[] icmp = ByteBuffer.allocate(8 + 28).put((byte) 3).put((byte) 4).putInt(0).putShort((short) 1400)
                .put(quoted).array();
        ByteBuf err = frame(Ref.ipv4(1, "203.0.113.1", "192.0.2.10", icmp), 0);
        assertThat(path.processFrame(err)).isEqualTo(Verdict.TO_REAL_SERVER);
        byte[] ip = Ref.slice(bytes(err), 14, 56);
        assertThat(Ref.ipv4Verifies(ip)).isTrue();
        assertThat(Ref.slice(ip, 16, 4)).isEqualTo(Ref.a4("10.0.0.2"));
        byte[] stranger = Ref.slice(Ref.ipv4(6, "192.0.2.10", "198.51.100.8", Ref.tcp(80, 1, 0x12, new byte[0])), 0, 28);
        byte[] icmp2 = ByteBuffer.allocate(36).put((byte) 3).put((byte) 4).putInt(0).putShort((short) 1400)
                .put(stranger).array();
        assertThat(path.processFrame(frame(Ref.ipv4(1, "203.0.113.1", "192.0.2.10", icmp2), 0))).isEqualTo(Verdict.DROP);
        assertThat(path.lastDrop()).isEqualTo(DropReason.ICMP_NOT_OURS);
        byte[] echo = {8, 0, 0, 0, 0, 1, 0, 1};
        assertThat(path.processFrame(frame(Ref.ipv4(1, "203.0.113.1", "192.0.2.10", echo), 0))).isEqualTo(Verdict.DROP);
        assertThat(path.drops().count(DropReason.ICMP_NOT_OURS)).isEqualTo(2);
    }

    private DropReason dropOf(byte[] ip) {
        assertThat(path.processIp(Unpooled.wrappedBuffer(ip))).isEqualTo(Verdict.DROP);
        return path.lastDrop();
    }

    private static byte[] fixIpv4Checksum(byte[] p) {
        Ref.put16(p, 10, 0);
        Ref.put16(p, 10, Ref.checksum(Ref.slice(p, 0, (p[0] & 0xF) * 4)));
        return p;
    }

    @Test
    void malformedPackets_areDroppedWithTheirReason() {
        byte[] good = Ref.ipv4(6, "198.51.100.7", "192.0.2.10", Ref.tcp(40000, 80, 0x02, new byte[0]));
        assertThat(dropOf(Ref.slice(good, 0, 19))).isEqualTo(DropReason.TRUNCATED);
        assertThat(dropOf(new byte[0])).isEqualTo(DropReason.TRUNCATED);
        byte[] v5 = good.clone();
        v5[0] = 0x55;
        assertThat(dropOf(v5)).isEqualTo(DropReason.BAD_VERSION);
        byte[] ihl4 = good.clone();
        ihl4[0] = 0x44;
        assertThat(dropOf(ihl4)).isEqualTo(DropReason.BAD_IHL);
        byte[] ihl15 = good.clone();
        ihl15[0] = 0x4F;
        assertThat(dropOf(ihl15)).isEqualTo(DropReason.BAD_IHL);
        byte[] opts = new byte[good.length + 4];
        System.arraycopy(good, 0, opts, 0, 20);
        System.arraycopy(good, 20, opts, 24, good.length - 20);
        opts[0] = 0x46;
        Ref.put16(opts, 2, opts.length);
        assertThat(dropOf(fixIpv4Checksum(opts))).isEqualTo(DropReason.OPTIONS);
        byte[] longer = good.clone();
        Ref.put16(longer, 2, good.length + 1);
        assertThat(dropOf(fixIpv4Checksum(longer))).isEqualTo(DropReason.BAD_LENGTH);
        byte[] mf = good.clone();
        Ref.put16(mf, 6, 0x2000);
        assertThat(dropOf(fixIpv4Checksum(mf))).isEqualTo(DropReason.FRAGMENT);
        byte[] offset = good.clone();
        Ref.put16(offset, 6, 0x0010);
        assertThat(dropOf(fixIpv4Checksum(offset))).isEqualTo(DropReason.FRAGMENT);
        byte[] badSum = good.clone();
        badSum[10] ^= 1;
        assertThat(dropOf(badSum)).isEqualTo(DropReason.BAD_CHECKSUM);
        byte[] doff = good.clone();
        doff[32] = (byte) 0x60; // data offset 24 > 20-byte segment
        assertThat(dropOf(doff)).isEqualTo(DropReason.BAD_LENGTH);
        byte[] gre = Ref.ipv4(47, "198.51.100.7", "192.0.2.10", new byte[8]);
        assertThat(dropOf(gre)).isEqualTo(DropReason.UNSUPPORTED_PROTOCOL);
        byte[] udpLen = Ref.ipv4(17, "198.51.100.7", "192.0.2.10", Ref.udp(1, 2, new byte[4]));
        Ref.put16(udpLen, 24, 13);
        assertThat(dropOf(udpLen)).isEqualTo(DropReason.BAD_LENGTH);
        long net = 0x20010db800000000L;
        byte[] frag6 = Ref.ipv6(44, net, 1, net, 2, new byte[8]);
        assertThat(dropOf(frag6)).isEqualTo(DropReason.FRAGMENT);
        byte[] hop6 = Ref.ipv6(0, net, 1, net, 2, new byte[8]);
        assertThat(dropOf(hop6)).isEqualTo(DropReason.OPTIONS);
        byte[] short6 = Ref.ipv6(6, net, 1, net, 2, Ref.tcp(1, 2, 2, new byte[0]));
        Ref.put16(short6, 4, 200);
        assertThat(dropOf(short6)).isEqualTo(DropReason.BAD_LENGTH);
        ByteBuf arp = Unpooled.wrappedBuffer(Ref.ethernet(1, 2, 0x0806, new byte[28]));
        assertThat(path.processFrame(arp)).isEqualTo(Verdict.DROP);
        assertThat(path.lastDrop()).isEqualTo(DropReason.BAD_VERSION);
        assertThat(path.drops().total()).isEqualTo(17);
        assertThat(path.drops().count(DropReason.FRAGMENT)).isEqualTo(3);
    }
}
