package io.lvs4j.netlink.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Feeds arbitrary datagrams to the echo reply decoder as a ping socket could return them: it never
 * throws, never moves the reader index, and finds a sequence number exactly for the 8-byte-or-longer
 * echo replies of the family (type 0 or 129, code 0). {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class IcmpEchoFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void replySequence_anyDatagram_sequenceOnlyForEchoReplies(byte[] datagram) {
        for (boolean v6 : new boolean[] {false, true}) {
            ByteBuf b = Unpooled.wrappedBuffer(datagram);
            int seq = IcmpEchoCodec.replySequence(b, v6);
            assertThat(b.readerIndex()).isZero();
            boolean reply = datagram.length >= 8 && (datagram[0] & 0xff) == (v6 ? 129 : 0) && datagram[1] == 0;
            assertThat(seq).isEqualTo(reply ? ((datagram[6] & 0xff) << 8 | (datagram[7] & 0xff)) : -1);
        }
    }
}
