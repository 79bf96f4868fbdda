package io.lvs4j.netlink.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Feeds arbitrary bytes as the metadata recvmmsg leaves for a packet-socket frame (mmsghdr,
 * sockaddr_ll, PACKET_AUXDATA control messages) and as a raw IPv6 socket's ancillary data
 * (IPV6_PKTINFO, IPV6_HOPLIMIT): the decoders never throw and never read outside the buffer
 * (which ends where the metadata does); a stored length is within 0..MAX_FRAME; a frame is
 * "checksum not ready" only when an 8-aligned PACKET_AUXDATA message within msg_controllen has
 * the flag; a hop limit is -1 or one of an IPV6_HOPLIMIT message. Seeds: CmsgTest's layouts;
 * {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class AncillaryDataFuzzTest {
    private static final int NAME = PacketSocket.META_HEADER;
    private static final int CONTROL = PacketSocket.META_HEADER + PacketSocket.META_NAME;
    private static final int SIZE = CONTROL + PacketSocket.META_CONTROL;

    @FuzzTest(maxDuration = "30s")
    void packetSocketMetadata_anyBytes_decodedWithinTheSlot(byte[] data) {
        byte[] slot = java.util.Arrays.copyOf(data, SIZE);
        ByteBuffer m = ByteBuffer.wrap(slot).order(ByteOrder.nativeOrder());
        if (data.length < 48) {
            m.putLong(40, data.length == 0 ? 0 : data[0] & 0xFF); // let short inputs choose msg_controllen
        }
        assertThat(PacketSocket.length(m, 0)).isBetween(0, PacketSocket.MAX_FRAME);
        PacketSocket.truncated(m, 0);
        assertThat(PacketSocket.packetType(m, NAME)).isBetween(0, 255);
        if (PacketSocket.checksumNotReady(m, 0, CONTROL)) {
            long clen = m.getLong(40);
            boolean found = false;
            for (int o = 0; o + 20 <= Math.min(clen, PacketSocket.META_CONTROL); o += 8) {
                long len = m.getLong(CONTROL + o);
                found |= m.getInt(CONTROL + o + 8) == 263 && m.getInt(CONTROL + o + 12) == 8 && len >= 20
                        && o + len <= clen && (m.getInt(CONTROL + o + 16) & 8) != 0;
            }
            assertThat(found).as("an auxdata message with TP_STATUS_CSUMNOTREADY").isTrue();
        }
    }

    @FuzzTest(maxDuration = "30s")
    void rawSocketAncillary6_anyBytes_hopLimitOnlyFromAMessage(byte[] data) {
        if (data.length < 8) {
            return;
        }
        ByteBuffer head = ByteBuffer.wrap(data, 0, 8).order(ByteOrder.nativeOrder());
        long clen = head.getLong(0);
        ByteBuffer c = ByteBuffer.allocate(data.length - 8).order(ByteOrder.nativeOrder());
        c.put(0, data, 8, data.length - 8);
        byte[] destination = new byte[16];
        int hop = RawSocket.ancillary6(c, clen, destination);
        if (hop != -1) {
            boolean found = false;
            for (int o = 0; o + 20 <= Math.min(clen, c.capacity()); o += 8) {
                found |= c.getInt(o + 8) == 41 && c.getInt(o + 12) == 52 && c.getInt(o + 16) == hop
                        && c.getLong(o) >= 20 && o + c.getLong(o) <= clen;
            }
            assertThat(found).as("an IPV6_HOPLIMIT message with " + hop).isTrue();
        }
    }
}
