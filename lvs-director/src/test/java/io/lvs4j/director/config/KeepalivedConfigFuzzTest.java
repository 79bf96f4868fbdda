package io.lvs4j.director.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Any input gives a configuration or located errors: never another exception, never a hang.
 * Under plain {@code mvn test} this replays the inputs in
 * {@code src/test/resources/io/lvs4j/director/config/KeepalivedConfigFuzzTestInputs/<method>}.
 */
class KeepalivedConfigFuzzTest {
    private static final ReadOptions OPTIONS = ReadOptions.builder().configId("main").includes(false).build();
    /**
     * A directory to include from (issue 16 point 10): files, a glob's worth of them, one that
     * includes itself, and a symbolic link back to the directory.
     */
    private static final Path DIR = includeDirectory();

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
            assertLocatedOneLine(e, text);
        }
    }

    /**
     * The file read as {@code lvs4j config check} and {@code render} read it, includes and globs
     * on: a configuration whose rules map, or located one-line errors; never another exception.
     */
    @FuzzTest(maxDuration = "30s")
    void readWithIncludes(byte[] data) throws IOException {
        String text = new String(data, StandardCharsets.ISO_8859_1);
        Path file = DIR.resolve("keepalived.conf");
        Files.writeString(file, text, StandardCharsets.ISO_8859_1);
        try {
            ConfigResult r = KeepalivedConfig.read(file, ReadOptions.builder().configId("main").build());
            r.config().virtualServices();
            r.warnings().forEach(w -> assertOneLine(w, text));
        } catch (ConfigException e) {
            assertLocatedOneLine(e, text);
            e.warnings().forEach(w -> assertOneLine(w, text));
        }
    }

    private static void assertLocatedOneLine(ConfigException e, String text) {
        if (e.errors().isEmpty()) {
            throw new AssertionError("a ConfigException without errors for:\n" + text);
        }
        for (ConfigProblem p : e.errors()) {
            if (p.line() < 1 || p.column() < 1) {
                throw new AssertionError("unlocated error " + p + " for:\n" + text);
            }
            assertOneLine(p, text);
        }
    }

    private static void assertOneLine(ConfigProblem p, String text) {
        String s = p.toString();
        String unquoted = s.replaceAll("\"[^\"]*\"", "\"\"");
        if (s.lines().count() != 1 || s.chars().anyMatch(c -> c == '\u0085' || c == '\u2028' || c == '\u2029')
                || unquoted.contains("internal error") || unquoted.contains("Exception")) {
            throw new AssertionError("a problem not on one line, or an exception's text: " + s + " for:\n" + text);
        }
    }

    private static Path includeDirectory() {
        try {
            Path dir = Files.createTempDirectory("lvs4j-fuzz-includes");
            dir.toFile().deleteOnExit();
            Path inc = Files.createDirectories(dir.resolve("inc"));
            Files.writeString(inc.resolve("a.conf"), "virtual_server 192.0.2.9 80 {\n  real_server 10.0.0.9 80 {\n  }\n}\n");
            Files.writeString(inc.resolve("b.conf"), "vrrp_script chk {\n  script \"/bin/true\"\n}\n$X=1\n");
            Files.writeString(inc.resolve("loop.conf"), "include loop.conf\ninclude ../keepalived.conf\n");
            Files.createSymbolicLink(dir.resolve("link"), Path.of("."));
            // deleted in the reverse order: files before their directories
            for (Path p : new Path[] {inc, inc.resolve("a.conf"), inc.resolve("b.conf"), inc.resolve("loop.conf"),
                    dir.resolve("link"), dir.resolve("keepalived.conf")}) {
                p.toFile().deleteOnExit();
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
