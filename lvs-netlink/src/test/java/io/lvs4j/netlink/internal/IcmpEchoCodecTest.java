package io.lvs4j.netlink.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Echo request and reply bytes against RFC 792 (ICMP: echo 8, reply 0) and RFC 4443 (ICMPv6: echo
 * 128, reply 129): type, code 0, checksum and identifier left zero for the kernel, sequence in
 * network order, then the data. Expected bytes written by hand from the RFCs' layouts, not from
 * this codec; the real kernel's replies are exercised by the ITs (IcmpEchoIT, PingCheckerIT).
 */
class IcmpEchoCodecTest {
    @Test
    void writeRequest_ipv4_typeEightSequenceBigEndianThenData() {
        ByteBuf b = Unpooled.buffer();
        IcmpEchoCodec.writeRequest(b, false, 0x1234, "ab".getBytes(StandardCharsets.US_ASCII));
        assertThat(ByteBufUtil.hexDump(b)).isEqualTo("08000000" + "0000" + "1234" + "6162");
    }

    @Test
    void writeRequest_ipv6_type128AndSequenceWrapsAt16Bits() {
        ByteBuf b = Unpooled.buffer();
        IcmpEchoCodec.writeRequest(b, true, 0x1fffe, new byte[0]);
        assertThat(ByteBufUtil.hexDump(b)).isEqualTo("80000000" + "0000" + "fffe");
    }

    @Test
    void replySequence_ipv4EchoReply_sequence() {
        // type 0, code 0, checksum, id 0x0b8e, seq 1, data
        ByteBuf b = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("0000a3c00b8e0001" + "d2a86a6500000000"));
        assertThat(IcmpEchoCodec.replySequence(b, false)).isEqualTo(1);
        assertThat(b.readerIndex()).isZero();
    }

    @Test
    void replySequence_ipv6EchoReply_sequence() {
        ByteBuf b = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("8100a1b2000cbeef" + "00"));
        assertThat(IcmpEchoCodec.replySequence(b, true)).isEqualTo(0xbeef);
    }

    @Test
    void replySequence_otherTypesCodesFamiliesOrShort_minusOne() {
        // an echo request looped back, destination unreachable, a reply with code 1, IPv4 reply on IPv6, 7 bytes
        for (String hex : new String[] {"0800000000000001", "0301000000000000", "0001000000000001"}) {
            assertThat(IcmpEchoCodec.replySequence(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex)), false))
                    .as(hex).isEqualTo(-1);
        }
        assertThat(IcmpEchoCodec.replySequence(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("0000000000000001")), true))
                .isEqualTo(-1);
        assertThat(IcmpEchoCodec.replySequence(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("81000000000000")), true))
                .isEqualTo(-1);
    }
}
