package io.lvs4j.forwarder;

import io.lvs4j.netlink.internal.L4Checksum;
import io.lvs4j.netlink.internal.Ndp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/**
 * The forwarder's pure-Java frame work against golden bytes made with Python (struct and an
 * independent one's-complement sum): completing offloaded checksums, and the ARP frames it sends.
 */
class ForwarderFramesTest {
    private static final String TCP_PARTIAL = "02000000000102000000000208004500002d0007400040063cb7cb007102c000020a"
            + "9c4000500000000100000002501801f6fe2c000068656c6c6f";
    private static final String TCP_FULL = "02000000000102000000000208004500002d0007400040063cb7cb007102c000020a"
            + "9c4000500000000100000002501801f6cf5e000068656c6c6f";
    private static final String UDP_PARTIAL = "0200000000010200000000020800450000200007400040113cb9cb007102c000020a"
            + "14e90035000cfe2a61626364";
    private static final String UDP_FULL = "0200000000010200000000020800450000200007400040113cb9cb007102c000020a"
            + "14e90035000c27e461626364";
    private static final String ARP_REQUEST = "ffffffffffff020000000001080600010800060400010200000000"
            + "01c6336401000000000000c633640b000000000000000000000000000000000000";

    private static ByteBuf at(String hex, int offset) {
        byte[] b = ByteBufUtil.decodeHexDump(hex);
        ByteBuf buf = Unpooled.buffer(offset + b.length + 16);
        buf.setBytes(offset, b);
        return buf;
    }

    @Test
    void complete_tcpWithPseudoHeaderSumOnly_oddPayload_givesTheFullChecksum() {
        ByteBuf b = at(TCP_PARTIAL, 64);
        int len = TCP_PARTIAL.length() / 2;
        assertThat(L4Checksum.complete(b, 64, len)).isTrue();
        assertThat(ByteBufUtil.hexDump(b, 64, len)).isEqualTo(TCP_FULL);
    }

    @Test
    void complete_udp_givesTheFullChecksum() {
        ByteBuf b = at(UDP_PARTIAL, 0);
        int len = UDP_PARTIAL.length() / 2;
        assertThat(L4Checksum.complete(b, 0, len)).isTrue();
        assertThat(ByteBufUtil.hexDump(b, 0, len)).isEqualTo(UDP_FULL);
    }

    @Test
    void complete_truncatedOrNotIp_leavesTheFrameAlone() {
        ByteBuf b = at(TCP_PARTIAL, 0);
        int len = TCP_PARTIAL.length() / 2;
        assertThat(L4Checksum.complete(b, 0, len - 1)).isFalse();
        assertThat(L4Checksum.complete(b, 0, 30)).isFalse();
        ByteBuf arp = at(ARP_REQUEST, 0);
        assertThat(L4Checksum.complete(arp, 0, 60)).isFalse();
        assertThat(ByteBufUtil.hexDump(b, 0, len)).isEqualTo(TCP_PARTIAL);
        assertThat(ByteBufUtil.hexDump(arp, 0, 60)).isEqualTo(ARP_REQUEST);
    }

    @Test
    void neighbourSolicitation_forARealServer_matchesPythonsBytes() {
        ByteBuf b = Unpooled.buffer(128);
        Ndp.solicit(b, 10, 0x0200_0000_0001L, 0x2001_0db8_0002_0000L, 1, 0x2001_0db8_0002_0000L, 0x11);
        assertThat(ByteBufUtil.hexDump(b, 10, Ndp.LENGTH)).isEqualTo("3333ff00001102000000000186dd6000000000203aff"
                + "20010db8000200000000000000000001ff0200000000000000000001ff00001187001c0500000000"
                + "20010db80002000000000000000000110101020000000001");
    }

    @Test
    void neighbourAdvertisement_ofAVirtualAddress_matchesPythonsBytes() {
        ByteBuf b = Unpooled.buffer(128);
        Ndp.advertise(b, 0, 0x0200_0000_0001L, 0x2001_0db8_0002_0000L, 0x10, 0x0200_0000_0009L,
                0x2001_0db8_0002_0000L, 2);
        assertThat(ByteBufUtil.hexDump(b, 0, Ndp.LENGTH)).isEqualTo("02000000000902000000000186dd6000000000203aff"
                + "20010db800020000000000000000001020010db800020000000000000000000288008a4f60000000"
                + "20010db80002000000000000000000100201020000000001");
    }

    @Test
    void unsolicitedAdvertisement_toAllNodes_matchesPythonsBytes() {
        ByteBuf b = Unpooled.buffer(128);
        Ndp.announce(b, 0, 0x0200_0000_0001L, 0x2001_0db8_0002_0000L, 0x10);
        assertThat(ByteBufUtil.hexDump(b, 0, Ndp.LENGTH)).isEqualTo("33330000000102000000000186dd6000000000203aff"
                + "20010db8000200000000000000000010ff0200000000000000000000000000018800f90820000000"
                + "20010db80002000000000000000000100201020000000001");
    }

    @Test
    void arpFrame_request_isTheRfc826LayoutPaddedTo60Bytes() {
        ByteBuf b = Unpooled.buffer(128);
        b.setBytes(0, new byte[128]);
        b.setByte(42, 0x55); // padding must be cleared
        Dataplane.arpFrame(b, 0, 1, 0x0200_0000_0001L, 0xC6336401, 0xFFFF_FFFF_FFFFL, 0, 0xC633640B);
        assertThat(ByteBufUtil.hexDump(b, 0, 60)).isEqualTo(ARP_REQUEST);
    }
}
