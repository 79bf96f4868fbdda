package io.lvs4j.forwarder;

import static io.lvs4j.forwarder.NeighbourFrames.DIRECTOR_MAC;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lvs4j.RealServer;
import io.lvs4j.Scheduler;
import io.lvs4j.VirtualService;
import io.lvs4j.conn.ConnectionTable;
import io.lvs4j.internal.Addresses;
import io.lvs4j.netlink.internal.PacketSocket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;

/**
 * Feeds arbitrary frames to the forwarder's ARP and neighbour discovery intake
 * ({@link Dataplane#neighbourFrame}): it never throws, never reads outside the frame (the buffer
 * ends where the frame does), and a real server's MAC changes only as RFC 826 and RFC 4861 allow,
 * checked here with our own reading of the frame: an ARP reply or request from 198.51.100.11 to
 * the director's address or gratuitous, to the director's MAC or broadcast, the sender's unicast
 * MAC; or a neighbour advertisement for 2001:db8::11 with hop limit 255, code 0 and a right
 * checksum (recomputed by {@link NeighbourFrames#withChecksum}), the MAC of its target link-layer
 * address option. Seeds: the golden frames of {@link NeighbourFrames}; {@code JAZZER_FUZZ=1}
 * fuzzes for real.
 */
class NeighbourFramesFuzzTest {
    private static final int DIRECTOR = 0xC6336401;
    private static final int SERVER = 0xC633640B;

    @FuzzTest(maxDuration = "30s")
    void anyFrame_learnsOnlyFromFramesThatConcernUs(byte[] frame) {
        Dataplane plane = new Dataplane(new PacketSocket[0], new long[] {DIRECTOR_MAC}, new int[][] {{DIRECTOR}},
                new int[][] {{24}}, new long[][] {{0x2001_0db8_0000_0000L}}, new long[][] {{1L}}, new int[][] {{64}},
                false, ConnectionTable.builder().build());
        int svc4 = plane.addService(VirtualService.tcp("192.0.2.10", 80).scheduler(Scheduler.RR).build());
        plane.addRealServer(svc4, RealServer.of("198.51.100.11", 80).masquerade().build());
        int svc6 = plane.addService(VirtualService.tcp("2001:db8:1::10", 80).scheduler(Scheduler.RR).build());
        plane.addRealServer(svc6, RealServer.of("2001:db8::11", 80).masquerade().build());
        int pad = 16;
        ByteBuf b = Unpooled.buffer(pad + frame.length, pad + frame.length); // reading past the frame throws
        b.setBytes(pad, frame);

        plane.neighbourFrame(0, null, b, pad, frame.length);

        long mac4 = plane.realServerMac(svc4, Addresses.parse("198.51.100.11", "rs"), 80);
        long mac6 = plane.realServerMac(svc6, Addresses.parse("2001:db8::11", "rs"), 80);
        if (mac4 != 0) {
            assertThat(frame.length).isGreaterThanOrEqualTo(42);
            assertThat(u16(frame, 12)).isEqualTo(0x0806);
            assertThat(u16(frame, 14) == 1 && u16(frame, 16) == 0x0800 && frame[18] == 6 && frame[19] == 4).isTrue();
            assertThat(u16(frame, 20)).isIn(1, 2);
            assertThat(mac(frame, 0)).isIn(DIRECTOR_MAC, 0xFFFF_FFFF_FFFFL);
            assertThat(u32(frame, 28)).isEqualTo(SERVER);
            assertThat(u32(frame, 38)).isIn(DIRECTOR, SERVER);
            assertThat(mac4).isEqualTo(mac(frame, 22));
            assertUnicast(mac4);
        }
        if (mac6 != 0) {
            assertThat(frame.length).isGreaterThanOrEqualTo(86);
            assertThat(u16(frame, 12)).isEqualTo(0x86DD);
            assertThat(frame[20]).as("next header").isEqualTo((byte) 58);
            assertThat(frame[21] & 0xFF).as("hop limit").isEqualTo(255);
            assertThat(frame[54] & 0xFF).as("type").isEqualTo(136);
            assertThat(frame[55]).as("code").isZero();
            int payload = u16(frame, 18);
            assertThat(payload).isBetween(32, frame.length - 54);
            byte[] own = NeighbourFrames.withChecksum(Arrays.copyOf(frame, 54 + payload));
            assertThat(u16(own, 56)).as("checksum").isEqualTo(u16(frame, 56));
            assertThat(Arrays.copyOfRange(frame, 62, 78)).isEqualTo(NeighbourFrames.hex("20010db8000000000000000000000011"));
            assertUnicast(mac6);
            boolean found = false;
            for (int at = 78; at + 8 <= 54 + payload && frame[at + 1] != 0; at += (frame[at + 1] & 0xFF) * 8) {
                found |= frame[at] == 2 && frame[at + 1] == 1 && mac(frame, at + 2) == mac6;
            }
            assertThat(found).as("a target link-layer address option with that MAC").isTrue();
        }
    }

    private static void assertUnicast(long mac) {
        assertThat(mac & 0x0100_0000_0000L).as("multicast bit").isZero();
    }

    private static int u16(byte[] f, int at) {
        return (f[at] & 0xFF) << 8 | f[at + 1] & 0xFF;
    }

    private static int u32(byte[] f, int at) {
        return u16(f, at) << 16 | u16(f, at + 2);
    }

    private static long mac(byte[] f, int at) {
        return (long) u16(f, at) << 32 | u32(f, at + 2) & 0xFFFF_FFFFL;
    }
}
