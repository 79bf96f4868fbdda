package io.lvs4j.forwarder;

import io.lvs4j.netlink.internal.PacketSocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.RealServer;
import io.lvs4j.Scheduler;
import io.lvs4j.TunnelChecksum;
import io.lvs4j.TunnelType;
import io.lvs4j.VirtualService;
import io.lvs4j.conn.ConnectionTable;
import io.lvs4j.packet.Verdict;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tunnelling real servers through a socket-less {@link Dataplane}: the encapsulation the real
 * server asks for, from the director's address on the real server's subnet, and a changed tunnel
 * type applied to the next packet of a running connection (as the kernel's edited destination).
 */
class DataplaneTunnelTest {
    private static final long OUR_MAC = ClientSegments.OUR_MAC;
    private static final long CLIENT_MAC = ClientSegments.CLIENT_MAC;
    private static final long RS_MAC = 0x02_00_00_00_00_11L;
    private static final int OUR_ADDRESS = 0xC6336401; // 198.51.100.1/24
    private static final int HEADROOM = 64;

    private Dataplane plane;
    private int svc;

    @BeforeEach
    void plane() {
        plane = new Dataplane(new PacketSocket[0], new long[] {OUR_MAC}, new int[][] {{OUR_ADDRESS}}, new int[][] {{24}},
                new long[][] {{}}, new long[][] {{}}, new int[][] {{}}, true, ConnectionTable.builder().build());
        svc = plane.addService(VirtualService.tcp("192.0.2.10", 80).scheduler(Scheduler.RR).build());
    }

    private static ByteBuf segment(int port, int flags) {
        return ClientSegments.segment(HEADROOM, port, flags);
    }

    /** Sends a segment through the path; returns the frame out (reader index at its Ethernet header). */
    private ByteBuf through(int port, int flags) {
        ByteBuf b = segment(port, flags);
        assertThat(plane.path().processFrame(b)).as("%s", plane.path().lastDrop()).isEqualTo(Verdict.TO_REAL_SERVER);
        return b;
    }

    private void realServer(RealServer rs) {
        plane.addRealServer(svc, rs);
        plane.neighbour(0, rs.address(), RS_MAC);
    }

    @Test
    void greRealServer_getsGreWithChecksum_fromOurAddressOnItsSubnet() {
        realServer(RealServer.of("198.51.100.11", 80).tunnel(TunnelType.GRE).tunnelChecksum(TunnelChecksum.CSUM)
                .build());
        ByteBuf f = through(40001, 0x02);
        int ip = f.readerIndex() + 14;
        assertThat((int) f.getUnsignedByte(ip + 9)).as("outer protocol").isEqualTo(47);
        assertThat(f.getInt(ip + 12)).as("outer source").isEqualTo(OUR_ADDRESS);
        assertThat(f.getInt(ip + 16)).as("outer destination").isEqualTo(0xC633640B);
        assertThat(f.getUnsignedShort(ip + 20)).as("GRE flags: checksum present").isEqualTo(0x8000);
        assertThat(f.readableBytes()).isEqualTo(54 + 20 + 8);
    }

    @Test
    void editedTunnelType_appliesToTheNextPacketOfARunningConnection() {
        RealServer ipip = RealServer.of("198.51.100.11", 80).tunnel().build();
        realServer(ipip);
        ByteBuf syn = through(40002, 0x02);
        assertThat((int) syn.getUnsignedByte(syn.readerIndex() + 14 + 9)).isEqualTo(4);
        assertThat(syn.getInt(syn.readerIndex() + 14 + 12)).as("outer source").isEqualTo(OUR_ADDRESS);
        RealServer gue = RealServer.of("198.51.100.11", 80).tunnel(TunnelType.GUE).tunnelPort(6080).build();
        assertThat(plane.editRealServer(svc, gue)).isTrue();
        ByteBuf ack = through(40002, 0x10);
        int ip = ack.readerIndex() + 14;
        assertThat((int) ack.getUnsignedByte(ip + 9)).as("outer protocol after the edit").isEqualTo(17);
        assertThat(ack.getUnsignedShort(ip + 22)).as("GUE port").isEqualTo(6080);
        assertThat(ack.getInt(ip + 12)).isEqualTo(OUR_ADDRESS);
    }
}
