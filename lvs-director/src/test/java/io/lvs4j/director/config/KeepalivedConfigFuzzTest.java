package io.lvs4j.director.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Any input gives a configuration or located errors: never another exception, never a hang.
 * Under plain {@code mvn test} this replays the inputs in
 * {@code src/test/resources/io/lvs4j/director/config/KeepalivedConfigFuzzTestInputs/readAnything}.
 */
class KeepalivedConfigFuzzTest {
    private static final ReadOptions OPTIONS = ReadOptions.builder().configId("main").includes(false).build();

    @FuzzTest(maxDuration = "30s")
    void readAnything(byte[] data) {
        String text = new String(data, StandardCharsets.ISO_8859_1);
        try {
            ConfigResult r = KeepalivedConfig.parse("fuzz.conf", text, OPTIONS);
            r.config().virtualServices();
            KeepalivedConfig back = KeepalivedConfig.parse("rt.conf", r.config().toKeepalivedConf(), OPTIONS).config();
            if (!back.equals(r.config())) {
                throw new AssertionError("round trip differs for:\n" + text);
            }
        } catch (ConfigException e) {
            for (ConfigProblem p : e.errors()) {
                if (p.line() < 1 || p.column() < 1) {
                    throw new AssertionError("unlocated error " + p + " for:\n" + text);
                }
            }
        }
    }
}
