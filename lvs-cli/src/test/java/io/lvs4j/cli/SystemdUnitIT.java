package io.lvs4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dist/systemd/lvs4j.service} checked by systemd's own {@code systemd-analyze verify}, in a
 * root of its own (the host's unit directory copied, the unit installed as its header says, the
 * repository's bin/lvs4j at {@code /opt/lvs4j/bin/lvs4j}), so nothing on this host is touched.
 */
class SystemdUnitIT {
    private static final Path UNIT = Lvs4jCli.repositoryRoot().resolve("dist/systemd/lvs4j.service");

    @TempDir
    Path root;

    private static boolean hasSystemdAnalyze() {
        return Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, "systemd-analyze")));
    }

    private static Path systemUnits() {
        for (String d : List.of("/usr/lib/systemd/system", "/lib/systemd/system")) {
            if (Files.exists(Path.of(d, "sysinit.target"))) {
                return Path.of(d);
            }
        }
        return null;
    }

    /** {@code systemd-analyze verify --root=ROOT NAME} with {@code unit} installed as NAME: status and output. */
    private String[] verify(String name, String unit) throws Exception {
        assumeTrue(hasSystemdAnalyze(), "systemd-analyze (Debian's systemd package; lab/install-deps installs it)");
        Path units = systemUnits();
        assumeTrue(units != null, "systemd's unit files (sysinit.target)");
        Path lib = root.resolve("usr/lib/systemd/system");
        Files.createDirectories(lib);
        try (Stream<Path> s = Files.list(units)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Files.copy(p, lib.resolve(p.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path etc = root.resolve("etc/systemd/system");
        Files.createDirectories(etc);
        Files.writeString(etc.resolve(name), unit);
        Path bin = root.resolve("opt/lvs4j/bin/lvs4j");
        Files.createDirectories(bin.getParent());
        Files.copy(Lvs4jCli.repositoryRoot().resolve("bin/lvs4j"), bin, StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.COPY_ATTRIBUTES);
        Process p = new ProcessBuilder("systemd-analyze", "verify", "--root=" + root, name).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String[] {Integer.toString(p.exitValue()), out};
    }

    private static String unit() throws IOException {
        return Files.readString(UNIT, StandardCharsets.UTF_8);
    }

    /** The values of {@code key=} lines in the unit, in order. */
    private static List<String> values(String key) throws IOException {
        List<String> v = new ArrayList<>();
        for (String l : unit().split("\n")) {
            if (l.startsWith(key + "=")) {
                v.add(l.substring(key.length() + 1));
            }
        }
        return v;
    }

    @Test
    void lvs4jService_systemdAnalyzeVerify_passesWithoutAWord() throws Exception {
        String[] r = verify("lvs4j.service", unit());
        assertThat(r[1]).as("systemd-analyze's output").isEmpty();
        assertThat(r[0]).as("exit status; output:\n%s", r[1]).isEqualTo("0");
    }

    @Test
    void systemdAnalyzeVerify_misspeltKey_isReported() throws Exception {
        String[] r = verify("lvs4j.service", unit().replace("WatchdogSec=", "WatchDogSec="));
        assertThat(r[1]).contains("Unknown key 'WatchDogSec'");
    }

    @Test
    void systemdAnalyzeVerify_missingExecutable_fails() throws Exception {
        String[] r = verify("lvs4j.service", unit().replace("/opt/lvs4j/bin/lvs4j run", "/opt/lvs4j/bin/lvs4k run"));
        assertThat(r[0]).isNotEqualTo("0");
        assertThat(r[1]).contains("/opt/lvs4j/bin/lvs4k");
    }

    @Test
    void lvs4jService_notifyWatchdogRestartAndPrivileges_asTheDirectorNeeds() throws Exception {
        assertThat(values("Type")).containsExactly("notify");
        assertThat(values("WatchdogSec")).hasSize(1);
        assertThat(values("Restart")).containsExactly("on-failure");
        assertThat(values("ExecStart")).singleElement().asString().startsWith("/opt/lvs4j/bin/lvs4j run ");
        assertThat(values("ExecReload")).containsExactly("/opt/lvs4j/bin/lvs4j reload");
        assertThat(values("RuntimeDirectory")).containsExactly("lvs4j");
        List<String> caps = Arrays.asList(values("CapabilityBoundingSet").get(0).split(" "));
        assertThat(caps).contains("CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_SETUID", "CAP_SETGID", "CAP_KILL")
                .doesNotContain("CAP_SYS_ADMIN", "CAP_SYS_MODULE", "CAP_SYS_PTRACE");
        assertThat(values("ProtectSystem")).containsExactly("strict");
        assertThat(values("ProtectHome")).containsExactly("yes");
        assertThat(values("PrivateTmp")).containsExactly("yes");
        assertThat(values("NoNewPrivileges")).containsExactly("yes");
    }
}
