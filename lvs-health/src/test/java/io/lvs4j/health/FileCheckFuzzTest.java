package io.lvs4j.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Feeds arbitrary file contents (and weight, reverse, dynamic) to FILE_CHECK's judgement, as the
 * checker reads them (the first 64 bytes, US-ASCII): it never throws; the outcome is the one an
 * exact reading gives (strtol's: blanks, a sign, ASCII digits, 0 when none; then value x weight
 * in arbitrary precision): 0 up, weight 0 and another value down, a negative product down, else
 * up with, when dynamic, the product bounded to 65535; a down result's detail is one printable
 * line. Input: byte 0 the weight (-254..254), byte 1 reverse, byte 2 dynamic, then the file.
 * {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class FileCheckFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void judge_anyContents_asStrtolThenWeight(byte[] data) {
        if (data.length < 3) {
            return;
        }
        int weight = Math.floorMod(data[0], 509) - 254;
        boolean reverse = (data[1] & 1) != 0;
        boolean dynamic = (data[2] & 1) != 0;
        byte[] file = Arrays.copyOfRange(data, 3, Math.min(data.length, 3 + 64));
        String text = new String(file, StandardCharsets.US_ASCII);

        CheckResult r = FileChecker.judge(text, weight, reverse, dynamic, 0);

        String t = text.strip();
        int i = t.startsWith("-") || t.startsWith("+") ? 1 : 0;
        int end = i;
        while (end < t.length() && t.charAt(end) >= '0' && t.charAt(end) <= '9') {
            end++;
        }
        BigInteger value = end == i ? BigInteger.ZERO : new BigInteger(t.substring(0, end));
        BigInteger product = value.multiply(BigInteger.valueOf(reverse ? -weight : weight));
        boolean up = value.signum() == 0 || weight != 0 && product.signum() >= 0;
        assertThat(r.isUp()).as("up for " + value + " x " + weight).isEqualTo(up);
        if (up && dynamic && value.signum() != 0) {
            assertThat(r.weight()).hasValue(product.min(BigInteger.valueOf(65535)).intValueExact());
        } else if (up) {
            assertThat(r.weight()).isEmpty();
        } else {
            assertThat(r.reason()).isEqualTo(FailureReason.REPLY_MISMATCH);
            assertThat(r.detail()).matches("[\\x20-\\x7e]*");
        }
    }
}
