package io.lvs4j.director;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.director.config.ReadOptions;
import io.lvs4j.table.InMemoryIpvs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A keepalived.conf's scripts run by the director for real, as keepalived runs them: MISC_CHECK
 * and quorum_down as {@code script_user} or the check's own {@code user}, and a world-writable
 * MISC_CHECK disabled under {@code enable_script_security}. Needs root (to run scripts as nobody).
 */
class DirectorScriptsIT {
    @TempDir
    Path dir;

    @BeforeEach
    void root() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run scripts as nobody");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx")); // nobody writes here
    }

    private static String conf(String globalDefs, String check, String quorumDown) {
        return "global_defs {\n" + globalDefs + "}\n"
                + "virtual_server 192.0.2.100 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n"
                + (quorumDown == null ? "" : " quorum_down \"" + quorumDown + "\"\n")
                + " real_server 198.51.100.2 80 {\n  MISC_CHECK {\n" + check + "   delay_loop 1\n   retry 0\n  }\n }\n}\n";
    }

    private static Director start(String conf, InMemoryIpvs t) throws Exception {
        return Director.builder()
                .config(KeepalivedConfig.parse("keepalived.conf", conf, ReadOptions.defaults()).config().toDirectorConfig())
                .ipvs(t).start();
    }

    private static boolean waitFor(int seconds, BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < seconds * 10 && !condition.getAsBoolean(); i++) {
            Thread.sleep(100);
        }
        return condition.getAsBoolean();
    }

    private static boolean nonEmpty(Path p) {
        try {
            return Files.exists(p) && Files.size(p) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void miscCheckAndQuorumDown_scriptUserNobody_runAsUid65534() throws Exception {
        Path misc = dir.resolve("misc");
        Path quorum = dir.resolve("quorum");
        InMemoryIpvs t = new InMemoryIpvs();
        // the check fails: its server goes, the quorum is lost, quorum_down runs
        try (Director d = start(conf(" script_user nobody\n", "   misc_path \"/bin/sh -c 'id -u > " + misc
                + "; exit 1'\"\n", "/bin/sh -c 'id -u > " + quorum + "'"), t)) {
            assertThat(waitFor(15, () -> nonEmpty(misc) && nonEmpty(quorum))).isTrue();
            assertThat(Files.readString(misc).strip()).isEqualTo("65534");
            assertThat(Files.readString(quorum).strip()).isEqualTo("65534");
        }
    }

    @Test
    void reload_scriptUserChanged_scriptsStartedAfterItRunAsTheNewUser() throws Exception {
        // the check writes ran-UID each time it runs; the reload changes only global_defs
        String check = "   misc_path \"/bin/sh -c 'id -u > " + dir + "/ran-$(id -u)'\"\n";
        String before = conf(" script_user root\n", check, null);
        String after = conf(" script_user nobody\n", check, null);
        InMemoryIpvs t = new InMemoryIpvs();
        try (Director d = start(before, t)) {
            assertThat(waitFor(15, () -> nonEmpty(dir.resolve("ran-0")))).isTrue();
            assertThat(Files.exists(dir.resolve("ran-65534"))).isFalse();
            d.apply(KeepalivedConfig.parse("keepalived.conf", after, ReadOptions.defaults()).config()
                    .toDirectorConfig());
            assertThat(waitFor(15, () -> nonEmpty(dir.resolve("ran-65534")))).as("a check run as nobody").isTrue();
            assertThat(Files.readString(dir.resolve("ran-65534")).strip()).isEqualTo("65534");
            // the same check, unchanged, kept its server all along
            assertThat(t.serviceStates().get(0).realServers()).hasSize(1);
        }
    }

    @Test
    void miscCheckUser_overridesTheDefault() throws Exception {
        Path misc = dir.resolve("misc");
        InMemoryIpvs t = new InMemoryIpvs();
        try (Director d = start(conf("", "   misc_path \"/bin/sh -c 'id -u > " + misc + "; id -g >> " + misc
                + "'\"\n   user nobody nogroup\n", null), t)) {
            assertThat(waitFor(15, () -> nonEmpty(misc) && Files.exists(misc) && lines(misc) == 2)).isTrue();
            assertThat(Files.readAllLines(misc)).containsExactly("65534", "65534");
        }
    }

    private static int lines(Path p) {
        try {
            return Files.readAllLines(p).size();
        } catch (IOException e) {
            return 0;
        }
    }

    private Path worldWritableFailingCheck(Path ran) throws IOException {
        // only the file is unsafe: its directory is root's, 0755
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path s = dir.resolve("check.sh");
        Files.writeString(s, "#!/bin/sh\necho ran > " + ran + "\nexit 1\n");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxrwxrwx"));
        return s;
    }

    @Test
    void worldWritableMiscCheck_underScriptSecurity_disabledServerStaysIn() throws Exception {
        Path ran = dir.resolve("ran");
        InMemoryIpvs t = new InMemoryIpvs();
        try (Director d = start(conf(" enable_script_security\n", "   misc_path " + worldWritableFailingCheck(ran)
                + "\n", null), t)) {
            Thread.sleep(3000); // three delay_loops
            assertThat(Files.exists(ran)).as("the unsafe check ran").isFalse();
            assertThat(t.serviceStates().get(0).realServers()).hasSize(1);
        }
    }

    @Test
    void worldWritableMiscCheck_withoutScriptSecurity_runsAndTakesTheServerOut() throws Exception {
        Path ran = dir.resolve("ran");
        InMemoryIpvs t = new InMemoryIpvs();
        try (Director d = start(conf("", "   misc_path " + worldWritableFailingCheck(ran) + "\n", null), t)) {
            assertThat(waitFor(15, () -> Files.exists(ran) && t.serviceStates().get(0).realServers().isEmpty()))
                    .isTrue();
        }
    }
}
