package io.lvs4j.netlink.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** Hand-built bytes from the struct layouts in linux/netlink.h; each breaks one length rule. */
class NlCodecMalformedTest {
    private static ByteBuf le(int... bytes) {
        ByteBuf b = Unpooled.buffer();
        for (int x : bytes) {
            b.writeByte(x);
        }
        return b;
    }

    @Test
    void next_fewerThan16Bytes_namesTheShortfall() {
        assertThatThrownBy(() -> NlMessage.next(le(0x10, 0, 0, 0, 3, 0)))
                .isInstanceOf(NetlinkFormatException.class)
                .hasMessage("netlink message at offset 0: 6 bytes left (expected: at least 16 for nlmsghdr)");
    }

    @Test
    void next_lengthBeyondDatagram_isRejected() {
        ByteBuf b = le(0x40, 0, 0, 0, 3, 0, 2, 0, 1, 0, 0, 0, 9, 0, 0, 0);
        assertThatThrownBy(() -> NlMessage.next(b)).isInstanceOf(NetlinkFormatException.class)
                .hasMessage("netlink message at offset 0: nlmsg_len 64 (expected: 16..16)");
    }

    @Test
    void next_lengthBelowHeader_isRejectedNotLooped() {
        ByteBuf b = le(0, 0, 0, 0, 3, 0, 2, 0, 1, 0, 0, 0, 9, 0, 0, 0);
        assertThatThrownBy(() -> NlMessage.next(b)).isInstanceOf(NetlinkFormatException.class)
                .hasMessageContaining("nlmsg_len 0 (expected: 16..16)");
    }

    @Test
    void next_hugeUnsignedLength_isRejected() {
        ByteBuf b = le(0xff, 0xff, 0xff, 0xff, 3, 0, 2, 0, 1, 0, 0, 0, 9, 0, 0, 0);
        assertThatThrownBy(() -> NlMessage.next(b)).hasMessageContaining("nlmsg_len 4294967295");
    }

    @Test
    void next_twoMessages_sliceEachAndAlign() {
        // NLMSG_DONE (20 bytes: header + int 0), then NLMSG_NOOP (16 bytes)
        ByteBuf b = le(20, 0, 0, 0, 3, 0, 2, 0, 7, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0,
                16, 0, 0, 0, 1, 0, 0, 0, 8, 0, 0, 0, 9, 0, 0, 0);
        NlMessage done = NlMessage.next(b);
        assertThat(done.type).isEqualTo(Nl.NLMSG_DONE);
        assertThat(done.flags).isEqualTo(Nl.NLM_F_MULTI);
        assertThat(done.seq).isEqualTo(7);
        assertThat(done.payload.readableBytes()).isEqualTo(4);
        NlMessage noop = NlMessage.next(b);
        assertThat(noop.seq).isEqualTo(8);
        assertThat(b.isReadable()).isFalse();
    }

    @Test
    void attrs_lengthBelowHeader_isRejected() {
        assertThatThrownBy(() -> NlAttrs.parse(le(2, 0, 1, 0, 0, 0, 0, 0), "X", new String[0], 4))
                .isInstanceOf(NetlinkFormatException.class)
                .hasMessage("X: attribute type 1 at offset 0: nla_len 2 (expected: 4..8)");
    }

    @Test
    void attrs_lengthPastRegion_isRejected() {
        assertThatThrownBy(() -> NlAttrs.parse(le(12, 0, 1, 0, 0, 0, 0, 0), "X", new String[0], 4))
                .isInstanceOf(NetlinkFormatException.class).hasMessageContaining("nla_len 12 (expected: 4..8)");
    }

    @Test
    void attrs_u32TooShort_namesTheAttribute() {
        NlAttrs a = NlAttrs.parse(le(6, 0, 1, 0, 5, 0, 0, 0), "IPVS_CMD_ATTR_DEST", IpvsProto.DEST_ATTR_NAMES, 15);
        assertThat(a.u16(1)).isEqualTo(5);
        assertThatThrownBy(() -> a.u32(1)).isInstanceOf(NetlinkFormatException.class)
                .hasMessage("IPVS_CMD_ATTR_DEST: IPVS_DEST_ATTR_ADDR: 2 bytes (expected: at least 4)");
        assertThatThrownBy(() -> a.u32(4)).hasMessage("IPVS_CMD_ATTR_DEST: IPVS_DEST_ATTR_WEIGHT missing");
    }

    @Test
    void attrs_nestedFlagAndUnknownTypes_maskedAndCounted() {
        // nest type 1 with NLA_F_NESTED holding a u32 of type 1; then type 20 (unknown to maxType 4)
        ByteBuf b = le(12, 0, 1, 0x80, 8, 0, 1, 0, 42, 0, 0, 0, 8, 0, 20, 0, 1, 0, 0, 0);
        NlAttrs a = NlAttrs.parse(b, "X", new String[0], 4);
        assertThat(a.nested(1, new String[0], 1).u32(1)).isEqualTo(42);
        assertThat(a.highestType()).isEqualTo(20);
        assertThat(a.has(20)).isFalse();
    }

    @Test
    void attrs_stringWithoutNul_endsAtAttribute() {
        NlAttrs a = NlAttrs.parse(le(7, 0, 2, 0, 'w', 'r', 'r', 0), "X", new String[0], 4);
        assertThat(a.string(2)).isEqualTo("wrr");
    }

    @Test
    void error_truncatedQuotedRequest_isRejected() {
        // NLMSG_ERROR, not capped, error -17, quoted nlmsg_len 64 but only 16 bytes quoted
        ByteBuf b = le(36, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 9, 0, 0, 0,
                0xef, 0xff, 0xff, 0xff, 64, 0, 0, 0, 0x1c, 0, 5, 0, 1, 0, 0, 0, 9, 0, 0, 0);
        NlMessage m = NlMessage.next(b);
        assertThatThrownBy(() -> NlError.parse(m)).isInstanceOf(NetlinkFormatException.class)
                .hasMessage("NLMSG_ERROR: quoted request nlmsg_len 64 (expected: 16..16)");
    }

    @Test
    void error_cappedWithExtAck_readsMessageAndOffset() {
        // capped (0x100) + ACK TLVs (0x200): error -22, quoted header only, then MSG "bad" and OFFS 24
        ByteBuf b = le(48, 0, 0, 0, 2, 0, 0, 3, 5, 0, 0, 0, 9, 0, 0, 0,
                0xea, 0xff, 0xff, 0xff, 40, 0, 0, 0, 0x1c, 0, 5, 0, 5, 0, 0, 0, 9, 0, 0, 0,
                8, 0, 1, 0, 'b', 'a', 'd', 0, 8, 0, 2, 0, 24, 0, 0, 0);
        b.setByte(0, b.readableBytes());
        NlError e = NlError.parse(NlMessage.next(b));
        assertThat(e.errno).isEqualTo(22);
        assertThat(e.requestSeq).isEqualTo(5);
        assertThat(e.message).isEqualTo("bad");
        assertThat(e.badAttrOffset).isEqualTo(24);
    }

    @Test
    void error_positiveError_isRejected() {
        ByteBuf b = le(36, 0, 0, 0, 2, 0, 0, 1, 1, 0, 0, 0, 9, 0, 0, 0,
                5, 0, 0, 0, 16, 0, 0, 0, 0x1c, 0, 5, 0, 1, 0, 0, 0, 9, 0, 0, 0);
        assertThatThrownBy(() -> NlError.parse(NlMessage.next(b))).hasMessageContaining("error 5");
    }

    @Test
    void writer_nestAndPadding_matchHandDerivedLayout() {
        NlWriter w = new NlWriter(Unpooled.buffer());
        int start = w.beginMessage(0x1c, 5, 1, 2);
        w.genl(9, 1);
        int nest = w.beginNest(3);
        w.string(2, "d0");
        w.u8(8, 1);
        w.endNest(nest);
        w.endMessage(start);
        // nlmsghdr(16) genl(4) nest hdr(4) + string attr 4+3 -> 8 + u8 attr 4+1 -> 8 = 40
        assertThat(io.netty.buffer.ByteBufUtil.hexDump(w.buffer())).isEqualTo(
                "28000000" + "1c00" + "0500" + "01000000" + "02000000" + "09010000"
                + "1400" + "0380" + "0700" + "0200" + "64300000" + "0500" + "0800" + "01000000");
    }
}
