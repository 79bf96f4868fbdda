package io.lvs4j.health;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lvs4j.health.internal.Hex;
import java.util.Arrays;

/**
 * Any UDP reply gives up or {@link FailureReason#REPLY_MISMATCH} with a detail, never an exception:
 * up exactly when its length is within the bounds and it starts with the expected bytes. Input: one
 * byte of prefix length (0..15), two of minimum and two of maximum length, the prefix, the reply.
 */
class UdpReplyFuzzTest {
    private static final Endpoint ENDPOINT = Endpoint.of("127.0.0.1", 9);

    @FuzzTest(maxDuration = "20s")
    void judgeAnyReply(byte[] data) {
        if (data.length < 5) {
            return;
        }
        int prefixLength = (data[0] & 0xff) % 16;
        int a = (data[1] & 0xff) << 8 | (data[2] & 0xff);
        int b = (data[3] & 0xff) << 8 | (data[4] & 0xff);
        int min = Math.min(a, b);
        int max = Math.max(a, b);
        if (data.length < 5 + prefixLength) {
            return;
        }
        byte[] prefix = Arrays.copyOfRange(data, 5, 5 + prefixLength);
        byte[] reply = Arrays.copyOfRange(data, 5 + prefixLength, data.length);
        UdpChecker.Builder builder = UdpChecker.builder(ENDPOINT).requireReply().replyLength(min, max);
        if (prefixLength > 0) {
            builder.requireReplyHex(Hex.encode(prefix));
        }
        CheckResult r = builder.build().judge(reply, 5);
        boolean expected = reply.length >= min && reply.length <= max && reply.length >= prefix.length
                && Arrays.equals(Arrays.copyOf(reply, prefix.length), prefix);
        if (r.isUp() != expected || !r.isUp() && (r.reason() != FailureReason.REPLY_MISMATCH || r.detail().isEmpty())) {
            throw new AssertionError(r + " for reply " + Hex.encode(reply) + " prefix " + Hex.encode(prefix)
                    + " length " + min + ".." + max);
        }
    }
}
