package io.lvs4j.bgp.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;

/**
 * Any bytes give a message or the NOTIFICATION to answer with, never an exception, framed from a
 * stream or decoded as one message, with any session options. Input: byte 0 picks the options
 * (bit 0: 4-octet AS, bit 1: internal), the rest is the byte stream. Under {@code mvn test} it
 * replays its seeds (messages BIRD and FRR sent); {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class DecoderFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void decode_anyBytes_messageOrError(byte[] input) {
        if (input.length < 1) {
            return;
        }
        Decoder.Options options = new Decoder.Options((input[0] & 1) != 0, (input[0] & 2) != 0);
        byte[] bytes = Arrays.copyOfRange(input, 1, input.length);
        check(Decoder.decode(Unpooled.wrappedBuffer(bytes), options));
        ByteBuf stream = Unpooled.wrappedBuffer(bytes);
        for (int i = 0; i < 1000; i++) {
            int n = Decoder.frameLength(stream);
            if (n == 0) {
                break;
            }
            if (n == Decoder.BAD_HEADER) {
                check(Decoder.decode(stream.readSlice(Bgp.HEADER_LENGTH), options));
                break;
            }
            check(Decoder.decode(stream.readSlice(n), options));
        }
    }

    private static void check(Message m) {
        if (m instanceof Update u) {
            u.toString();
            u.reconstructedAsPath();
            u.endOfRib();
        }
        if (m == null) {
            throw new AssertionError("null message");
        }
    }
}
