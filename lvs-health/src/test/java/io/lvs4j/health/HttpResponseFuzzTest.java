package io.lvs4j.health;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lvs4j.health.internal.HttpResponseReader;
import io.lvs4j.health.internal.HttpResponseReader.State;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * Any bytes from an HTTP server give a state and then a check result with a reason, never another
 * exception; the same bytes cut into other TCP segments give the same answer. Input: two bytes of
 * maxBytes (1..20000, so the 16 KiB header limit is reachable), one of kept body, one of segment
 * size, then the response. Under plain {@code mvn test} this replays
 * {@code src/test/resources/io/lvs4j/health/HttpResponseFuzzTestInputs/readAnyResponse}.
 */
class HttpResponseFuzzTest {
    private static final HttpUrlCheck URL = HttpUrlCheck.builder("/").status(200, 299).status(301)
            .digest("900150983cd24fb0d6963f7d28e17f72").regex("a(b|c)+").build();
    private static final Set<FailureReason> REASONS = EnumSet.of(FailureReason.STATUS, FailureReason.DIGEST_MISMATCH,
            FailureReason.REGEX_MISMATCH);

    @FuzzTest(maxDuration = "30s")
    void readAnyResponse(byte[] data) {
        if (data.length < 4) {
            return;
        }
        int maxBytes = 1 + ((data[0] & 0xff) << 8 | (data[1] & 0xff)) % 20000;
        int keep = Math.min(maxBytes, (data[2] & 0xff) * 64);
        int segment = 1 + (data[3] & 0xff);
        byte[] response = Arrays.copyOfRange(data, 4, data.length);

        HttpResponseReader whole = new HttpResponseReader(maxBytes, keep);
        State s = whole.feed(response, 0, response.length);
        HttpResponseReader cut = new HttpResponseReader(maxBytes, keep);
        for (int off = 0; off < response.length; off += segment) {
            cut.feed(response, off, Math.min(segment, response.length - off));
        }

        // past maxBytes the check fails whatever was counted so far, so only the state must agree then
        if (cut.state() != s || s != State.TOO_LARGE && (cut.status() != whole.status()
                || cut.headerComplete() != whole.headerComplete() || cut.contentLength() != whole.contentLength()
                || cut.bodyBytes() != whole.bodyBytes() || !cut.keptBody().equals(whole.keptBody())
                || !cut.headerText().equals(whole.headerText()))) {
            throw new AssertionError("segments of " + segment + " differ from one read: " + s + "/" + cut.state()
                    + " status " + whole.status() + "/" + cut.status());
        }
        if (whole.bodyBytes() > maxBytes || whole.keptBody().length() > keep || whole.keptBody().length() > whole.bodyBytes()) {
            throw new AssertionError("bounds: body " + whole.bodyBytes() + " kept " + whole.keptBody().length()
                    + " (maxBytes " + maxBytes + ", keep " + keep + ")");
        }
        if (whole.status() < 0 || whole.status() > 999) {
            throw new AssertionError("status " + whole.status());
        }
        if (s == State.COMPLETE && (!whole.headerComplete() || whole.bodyBytes() != whole.contentLength())) {
            throw new AssertionError("complete with body " + whole.bodyBytes() + " of " + whole.contentLength());
        }
        if (whole.headerComplete() && s != State.BAD_HEADER && s != State.TOO_LARGE && whole.status() == 0) {
            throw new AssertionError("header accepted without a status code");
        }
        String shown = HttpChecker.printable(whole.headerText());
        if (!shown.startsWith("\"") || !shown.endsWith("\"")) {
            throw new AssertionError("printable: " + shown);
        }
        if (whole.headerComplete() && s != State.BAD_HEADER && s != State.TOO_LARGE) {
            String md5 = cut.md5Hex();
            CheckResult r = HttpChecker.judge(URL, whole, 1);
            if (!r.isUp() && !REASONS.contains(r.reason()) || r.detail().isEmpty()) {
                throw new AssertionError("judged " + r);
            }
            if (r.isUp() && !md5.equals(URL.digest())) {
                throw new AssertionError("up with digest " + md5);
            }
        }
    }
}
