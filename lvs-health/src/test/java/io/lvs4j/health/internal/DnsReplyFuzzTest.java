package io.lvs4j.health.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Any datagram as a DNS reply gives "good" or a reason, never an exception; a good one has the
 * query's id, QR set and rcode 0. Any text as a query name gives a query or a clear
 * {@code name: ...} error. Input of {@link #checkAnyReply}: one byte choosing whether the expected
 * id is the reply's own (even) or taken from the next two bytes (odd), then the reply.
 */
class DnsReplyFuzzTest {
    @FuzzTest(maxDuration = "20s")
    void checkAnyReply(byte[] data) {
        if (data.length < 3) {
            return;
        }
        byte[] reply;
        int id;
        if ((data[0] & 1) == 0) {
            reply = Arrays.copyOfRange(data, 1, data.length);
            id = (reply[0] & 0xff) << 8 | (reply[1] & 0xff);
        } else {
            id = (data[1] & 0xff) << 8 | (data[2] & 0xff);
            reply = Arrays.copyOfRange(data, 3, data.length);
        }
        String problem = DnsQuery.checkReply(reply, id);
        if (problem == null) {
            boolean good = reply.length >= 12 && ((reply[0] & 0xff) << 8 | (reply[1] & 0xff)) == id
                    && (reply[2] & 0x80) != 0 && (reply[3] & 0x0f) == 0;
            if (!good) {
                throw new AssertionError("accepted a bad reply for id " + id);
            }
        } else if (problem.isBlank()) {
            throw new AssertionError("blank reason");
        }
    }

    @FuzzTest(maxDuration = "20s")
    void encodeAnyName(byte[] data) {
        String name = new String(data, StandardCharsets.UTF_8);
        byte[] q;
        try {
            q = DnsQuery.encode(0x1234, 1, name);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().startsWith("name: ")) {
                throw new AssertionError("unclear error: " + e.getMessage());
            }
            return;
        }
        // walk the labels back: they must end at the type and class, 4 bytes before the end
        int i = 12;
        StringBuilder back = new StringBuilder();
        while (q[i] != 0) {
            int n = q[i];
            if (n < 1 || n > 63) {
                throw new AssertionError("label length " + n + " for " + name);
            }
            back.append(new String(q, i + 1, n, StandardCharsets.US_ASCII)).append('.');
            i += 1 + n;
        }
        if (i + 5 != q.length || i - 12 + 1 > 255) {
            throw new AssertionError("query of " + q.length + " bytes, name ends at " + i + " for " + name);
        }
        String expected = name.isEmpty() || name.endsWith(".") ? name : name + ".";
        if (!back.toString().equals(expected.equals(".") ? "" : expected)) {
            throw new AssertionError("name " + name + " encoded as " + back);
        }
    }
}
