package io.lvs4j.netlink.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * Ancillary data laid out by hand as Linux x86-64 writes it (cmsg(3): an 8-byte cmsg_len counting
 * the 16-byte header, level, type, data, padding to 8): {@code PACKET_AUXDATA} (packet(7),
 * struct tpacket_auxdata, 20 bytes), {@code IPV6_PKTINFO} (RFC 3542 6.1, struct in6_pktinfo, 20
 * bytes) and {@code IPV6_HOPLIMIT} (an int).
 */
class CmsgTest {
    private static ByteBuffer control(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
    }

    private static int put(ByteBuffer b, int at, long len, int level, int type) {
        b.putLong(at, len);
        b.putInt(at + 8, level);
        b.putInt(at + 12, type);
        return at + 16;
    }

    /** A slot of PacketSocket metadata: mmsghdr, sockaddr_ll, control. */
    private static ByteBuffer slot() {
        return ByteBuffer.allocate(PacketSocket.META_HEADER + PacketSocket.META_NAME + PacketSocket.META_CONTROL)
                .order(ByteOrder.nativeOrder());
    }

    private static final int NAME = PacketSocket.META_HEADER;
    private static final int CONTROL = PacketSocket.META_HEADER + PacketSocket.META_NAME;

    @Test
    void checksumNotReady_auxdataWithCsumNotReady_isTrue() {
        ByteBuffer m = slot();
        int d = put(m, CONTROL, 16 + 20, 263, 8); // SOL_PACKET, PACKET_AUXDATA
        m.putInt(d, 1 | 1 << 3); // tp_status: TP_STATUS_USER | TP_STATUS_CSUMNOTREADY
        m.putLong(40, 40); // msg_controllen: CMSG_SPACE(20)
        assertThat(PacketSocket.checksumNotReady(m, 0, CONTROL)).isTrue();
        m.putInt(d, 1);
        assertThat(PacketSocket.checksumNotReady(m, 0, CONTROL)).isFalse();
    }

    @Test
    void checksumNotReady_auxdataAfterAnotherMessage_isFound() {
        ByteBuffer m = slot();
        put(m, CONTROL, 16 + 4, 1, 29); // SOL_SOCKET, SO_TIMESTAMP-ish, padded to 24
        int d = put(m, CONTROL + 24, 16 + 20, 263, 8);
        m.putInt(d, 1 << 3);
        m.putLong(40, 24 + 40);
        assertThat(PacketSocket.checksumNotReady(m, 0, CONTROL)).isTrue();
    }

    @Test
    void checksumNotReady_lengthsPastTheControlArea_readNothingOutside() {
        ByteBuffer m = slot();
        int d = put(m, CONTROL, Long.MAX_VALUE - 3, 263, 8);
        m.putInt(d, 1 << 3);
        m.putLong(40, Long.MAX_VALUE);
        assertThat(PacketSocket.checksumNotReady(m, 0, CONTROL)).isFalse();
        m.putLong(CONTROL, 16 + 20);
        m.putLong(40, 8); // msg_controllen shorter than the message
        assertThat(PacketSocket.checksumNotReady(m, 0, CONTROL)).isFalse();
    }

    @Test
    void slotMetadata_lengthTypeTruncation_areRead() {
        ByteBuffer m = slot();
        m.putInt(56, 1514); // msg_len
        m.putInt(48, 0x20); // msg_flags: MSG_TRUNC
        m.put(NAME + 10, (byte) 1); // sll_pkttype: PACKET_BROADCAST
        assertThat(PacketSocket.length(m, 0)).isEqualTo(1514);
        assertThat(PacketSocket.truncated(m, 0)).isTrue();
        assertThat(PacketSocket.packetType(m, NAME)).isEqualTo(PacketSocket.PACKET_BROADCAST);
        m.putInt(56, -1);
        assertThat(PacketSocket.length(m, 0)).isZero();
        m.putInt(56, 65535);
        assertThat(PacketSocket.length(m, 0)).isEqualTo(PacketSocket.MAX_FRAME);
    }

    @Test
    void ancillary6_pktinfoAndHopLimit_areRead() {
        ByteBuffer c = control(256);
        int d = put(c, 0, 16 + 20, 41, 50); // IPPROTO_IPV6, IPV6_PKTINFO
        byte[] ff02_12 = {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12};
        c.put(d, ff02_12);
        c.putInt(d + 16, 3); // ipi6_ifindex
        d = put(c, 40, 16 + 4, 41, 52); // IPV6_HOPLIMIT at CMSG_SPACE(20)
        c.putInt(d, 255);
        byte[] destination = new byte[16];
        assertThat(RawSocket.ancillary6(c, 40 + 24, destination)).isEqualTo(255);
        assertThat(destination).isEqualTo(ff02_12);
    }

    @Test
    void ancillary6_noneOrCutShort_isMinusOneAndZeros() {
        ByteBuffer c = control(256);
        put(c, 0, 16 + 4, 41, 52);
        c.putInt(16, 64);
        byte[] destination = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
        assertThat(RawSocket.ancillary6(c, 16, destination)).isEqualTo(-1); // the data is not within msg_controllen
        assertThat(destination).containsOnly(0);
        c.putLong(0, 12); // shorter than its header
        assertThat(RawSocket.ancillary6(c, 256, destination)).isEqualTo(-1);
    }
}
