package io.lvs4j.director.host;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * The state record {@code lvs4j realserver down} reads: any text gives a record or an
 * {@link IllegalArgumentException} naming the line, never another exception; it never names a
 * sysctl lvs4j does not set; a record read back from its own text is the same record. Under plain
 * {@code mvn test} this replays the seeds.
 */
class HostChangesFuzzTest {
    @FuzzTest(maxDuration = "20s")
    void readAnyState(byte[] data) {
        String text = new String(data, StandardCharsets.ISO_8859_1);
        HostChanges c;
        try {
            c = HostChanges.fromState(text);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().startsWith("state line ")) {
                throw new AssertionError("unlocated error " + e.getMessage() + " for:\n" + text);
            }
            return;
        }
        for (String line : c.describe()) {
            if (line.startsWith("sysctl ") && !HostChanges.knownSysctl(line.substring(7, line.indexOf(": ")))) {
                throw new AssertionError("a sysctl lvs4j never sets was accepted: " + line);
            }
        }
        HostChanges back = HostChanges.fromState(c.toState());
        if (!back.describe().equals(c.describe()) || !java.util.Objects.equals(back.netns(), c.netns())) {
            throw new AssertionError("round trip differs for:\n" + text);
        }
    }
}
