package io.lvs4j.netlink.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/**
 * {@link Ndp#check} on neighbour discovery frames written by hand from RFC 4861 4.3 and 4.4 (the
 * same frames as lvs-dataplane's {@code NeighbourFrames}, which lays them out field by field; the
 * checksums worked out by hand and confirmed by {@code tcpdump -vv}), and on the frames
 * {@link Ndp} writes itself.
 */
class NdpCheckTest {
    /** 2001:db8::1 solicits 2001:db8::11. */
    private static final String NS = "3333ff00001102000000000186dd6000000000203aff20010db8000000000000"
            + "000000000001ff0200000000000000000001ff00001187001c09000000002001"
            + "0db80000000000000000000000110101020000000001";
    /** 2001:db8::11 advertises itself at 02:00:00:00:00:02, solicited and override. */
    private static final String NA = "02000000000102000000000286dd6000000000203aff20010db8000000000000"
            + "00000000001120010db800000000000000000000000188008a53600000002001"
            + "0db80000000000000000000000110201020000000002";
    /** Duplicate address detection of fe80::ff:fe00:1 (from ::, nonce option). */
    private static final String DAD = "3333ff00000102000000000186dd6000000000203aff00000000000000000000"
            + "000000000000ff0200000000000000000001ff0000018700170500000000fe80"
            + "000000000000000000fffe0000010e01a7fca2e40d36";

    private static ByteBuf frame(String hex) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex));
    }

    @Test
    void check_linuxSolicitationAdvertisementAndDad_areValid() {
        assertThat(Ndp.check(frame(NS), 14, 72)).isEqualTo(Ndp.VALID);
        assertThat(Ndp.check(frame(NA), 14, 72)).isEqualTo(Ndp.VALID);
        assertThat(Ndp.check(frame(DAD), 14, 72)).isEqualTo(Ndp.VALID);
    }

    @Test
    void linkAddressOption_linuxAdvertisement_isTheServersMac() {
        assertThat(Ndp.linkAddressOption(frame(NA), 14, Ndp.OPTION_TARGET_LINK_ADDRESS)).isEqualTo(0x02_00_00_00_00_02L);
        assertThat(Ndp.linkAddressOption(frame(NA), 14, Ndp.OPTION_SOURCE_LINK_ADDRESS)).isEqualTo(-1L);
    }

    @Test
    void check_truncatedBelowItsPayloadLength_isMalformed() {
        assertThat(Ndp.check(frame(NA), 14, 71)).isEqualTo(Ndp.MALFORMED);
    }

    @Test
    void check_dadWithASourceLinkAddressOption_isMalformed() {
        ByteBuf b = frame(DAD);
        b.setByte(78, Ndp.OPTION_SOURCE_LINK_ADDRESS); // the nonce option becomes an SLLA: checksum changes by 0x0d00
        int c = b.getUnsignedShort(56) + 0x0d00;
        b.setShort(56, (c & 0xFFFF) + (c >>> 16));
        assertThat(Ndp.check(b, 14, 72)).isEqualTo(Ndp.MALFORMED);
    }

    @Test
    void framesNdpWrites_areValid() {
        ByteBuf b = Unpooled.buffer(Ndp.LENGTH);
        Ndp.solicit(b, 0, 0x02_00_00_00_00_01L, 0x2001_0db8_0000_0000L, 1, 0x2001_0db8_0000_0000L, 0x11);
        assertThat(Ndp.check(b, 14, Ndp.LENGTH - 14)).isEqualTo(Ndp.VALID);
        Ndp.advertise(b, 0, 0x02_00_00_00_00_01L, 0x2001_0db8_0000_0000L, 1, 0x02_00_00_00_00_02L,
                0x2001_0db8_0000_0000L, 0x11);
        assertThat(Ndp.check(b, 14, Ndp.LENGTH - 14)).isEqualTo(Ndp.VALID);
        Ndp.announce(b, 0, 0x02_00_00_00_00_01L, 0x2001_0db8_0000_0000L, 1);
        assertThat(Ndp.check(b, 14, Ndp.LENGTH - 14)).isEqualTo(Ndp.VALID);
        assertThat(Ndp.linkAddressOption(b, 14, Ndp.OPTION_TARGET_LINK_ADDRESS)).isEqualTo(0x02_00_00_00_00_01L);
    }
}
