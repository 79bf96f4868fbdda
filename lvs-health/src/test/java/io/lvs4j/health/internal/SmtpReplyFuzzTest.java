package io.lvs4j.health.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Any bytes from an SMTP server give a reply code, "incomplete" or "not SMTP", never an exception,
 * and the same answer as the RFC 5321 4.2 grammar written as a regular expression.
 */
class SmtpReplyFuzzTest {
    private static final Pattern COMPLETE = Pattern.compile("(?:[0-9]{3}-[^\\n]*\\n)*([0-9]{3})(?:[^\\n-][^\\n]*)?\\n");
    private static final Pattern PENDING = Pattern.compile("(?:[0-9]{3}-[^\\n]*\\n)*[^\\n]*");

    @FuzzTest(maxDuration = "20s")
    void readAnyReply(byte[] data) {
        String text = new String(data, StandardCharsets.ISO_8859_1);
        int code = SmtpReply.lastLineCode(text);
        int expected;
        Matcher m = COMPLETE.matcher(text);
        if (m.lookingAt()) {
            expected = Integer.parseInt(m.group(1));
        } else if (PENDING.matcher(text).matches()) {
            expected = SmtpReply.INCOMPLETE;
        } else {
            expected = SmtpReply.NOT_SMTP;
        }
        if (code != expected) {
            throw new AssertionError("code " + code + " (expected: " + expected + ") for " + text);
        }
        // as the checker does: the text grows segment by segment; a complete answer stays the same
        if (code >= 0 && SmtpReply.lastLineCode(text + "garbage\n") != code) {
            throw new AssertionError("answer changed by later bytes for " + text);
        }
    }
}
