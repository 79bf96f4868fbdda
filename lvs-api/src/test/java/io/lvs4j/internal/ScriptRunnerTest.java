package io.lvs4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs4j.ScriptPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who a script runs as and whether it may run: keepalived's start-up rules. */
class ScriptRunnerTest {
    @TempDir
    Path dir;

    private static final Map<String, UserDatabase.User> USERS = Map.of("nobody", new UserDatabase.User("nobody", 65534,
            65534), "keepalived_script", new UserDatabase.User("keepalived_script", 998, 998));

    private static ScriptRunner runner(ScriptPolicy policy, boolean defaultUserExists) {
        return new ScriptRunner(policy, null, u -> Optional.ofNullable(USERS.get(u))
                .filter(x -> defaultUserExists || !x.name().equals("keepalived_script")),
                g -> g.equals("nogroup") ? Optional.of(65534) : Optional.empty());
    }

    private Path script(String mode) throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "root-owned files: run as root");
        Path s = dir.resolve("check.sh");
        Files.writeString(s, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString(mode));
        return s;
    }

    @Test
    void prepare_noScriptUserAndDefaultUserExists_runsAsKeepalivedScript() throws IOException {
        ScriptRunner.Prepared p = runner(ScriptPolicy.defaults(), true).prepare("MISC_CHECK",
                List.of(script("rwxr-xr-x").toString()), null, null);
        assertThat(p.user()).isEqualTo("keepalived_script");
        assertThat(p.refused()).isFalse();
    }

    @Test
    void prepare_noScriptUserNoDefaultUser_runsAsRootWithKeepalivedsWarning() throws IOException {
        ScriptRunner.Prepared p = runner(ScriptPolicy.defaults(), false).prepare("MISC_CHECK",
                List.of(script("rwxr-xr-x").toString()), null, null);
        assertThat(p.user()).isNull();
        assertThat(p.warnings()).anyMatch(w -> w.startsWith("WARNING - default user 'keepalived_script'"));
    }

    @Test
    void prepare_scriptUserGiven_scriptsWithoutOwnUserRunAsIt() throws IOException {
        ScriptRunner r = runner(ScriptPolicy.builder().scriptUser("nobody", "nogroup").build(), true);
        ScriptRunner.Prepared p = r.prepare("notify", List.of(script("rwxr-xr-x").toString()), null, null);
        assertThat(p.user()).isEqualTo("nobody");
        assertThat(p.group()).isEqualTo("nogroup");
        ScriptRunner.Prepared own = r.prepare("vrrp_script chk", List.of(script("rwxr-xr-x").toString()), "root", null);
        assertThat(own.user()).isEqualTo("root");
    }

    @Test
    void prepare_worldWritableAsRootUnderSecurity_refused() throws IOException {
        Path s = script("rwxrwxrwx");
        ScriptRunner.Prepared p = runner(ScriptPolicy.builder().scriptSecurity(true).build(), false)
                .prepare("vrrp_script chk", List.of(s.toString(), "arg"), null, null);
        assertThat(p.refused()).isTrue();
        assertThat(p.refusal()).isEqualTo("Unsafe permissions found for vrrp_script chk - disabling: " + s + ": " + s
                + " is writable by every user (mode 0777)");
    }

    @Test
    void prepare_worldWritableAsRootWithoutSecurity_runsWithWarnings() throws IOException {
        ScriptRunner.Prepared p = runner(ScriptPolicy.defaults(), false).prepare("vrrp_script chk",
                List.of(script("rwxrwxrwx").toString()), null, null);
        assertThat(p.refused()).isFalse();
        assertThat(p.warnings()).anyMatch(w -> w.contains("vrrp_script chk is not secure"))
                .anyMatch(w -> w.startsWith("SECURITY VIOLATION - scripts are being executed"));
    }

    @Test
    void prepare_worldWritableRunAsNobodyUnderSecurity_runs() throws IOException {
        // keepalived guards scripts that run as root; one a user could change run as that user is theirs
        ScriptRunner.Prepared p = runner(ScriptPolicy.builder().scriptSecurity(true).build(), false)
                .prepare("MISC_CHECK", List.of(script("rwxrwxrwx").toString()), "nobody", "nogroup");
        assertThat(p.refused()).isFalse();
    }

    @Test
    void prepare_unknownUser_refused() throws IOException {
        ScriptRunner.Prepared p = runner(ScriptPolicy.defaults(), false).prepare("MISC_CHECK",
                List.of(script("rwxr-xr-x").toString()), "nosuch", null);
        assertThat(p.refusal()).isEqualTo("MISC_CHECK: user \"nosuch\" does not exist on this host - disabling");
    }

    @Test
    void prepare_programInWritableDirectoryFoundOnPath_refusedUnderSecurity() throws IOException {
        ScriptRunner.Prepared p = runner(ScriptPolicy.builder().scriptSecurity(true).build(), false)
                .prepare("notify", List.of("no-such-program-lvs4j"), null, null);
        assertThat(p.refused()).isTrue();
        assertThat(p.refusal()).contains("not found on");
    }

    @Test
    void policy_changedAfterPrepare_nextRunCheckedAgainAndRunsAsTheNewUser() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run scripts as nobody");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // nobody passes
        Path out = Files.createDirectory(dir.resolve("out"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx")); // nobody writes here
        try (ScriptRunner r = ScriptRunner.create(ScriptPolicy.builder().scriptUser("root").build(),
                ScriptLauncher.create(null))) {
            ScriptRunner.Prepared p = r.prepare("vrrp_script chk",
                    List.of("/bin/sh", "-c", "id -u > " + out + "/ran-$(id -u)"), null, null);
            assertThat(p.user()).isEqualTo("root");
            assertThat(r.run(p, java.time.Duration.ofSeconds(10), Map.of()).get().exitStatus()).isZero();
            r.policy(ScriptPolicy.builder().scriptUser("nobody").build());
            assertThat(r.policy().scriptUser()).hasValue("nobody");
            assertThat(r.run(p, java.time.Duration.ofSeconds(10), Map.of()).get().exitStatus()).isZero();
            assertThat(Files.readString(out.resolve("ran-0")).strip()).isEqualTo("0");
            assertThat(Files.readString(out.resolve("ran-65534")).strip()).isEqualTo("65534");
        }
    }

    @Test
    void policy_changedToSecurity_unsafeScriptRefusedOnItsNextRun() throws Exception {
        Path s = script("rwxrwxrwx");
        ScriptRunner r = runner(ScriptPolicy.defaults(), false); // no keepalived_script: root
        ScriptRunner.Prepared p = r.prepare("vrrp_script chk", List.of(s.toString()), null, null);
        assertThat(p.refused()).isFalse();
        r.policy(ScriptPolicy.builder().scriptSecurity(true).build());
        // a runner without a launcher: a script allowed to run would be an IllegalStateException
        ScriptLauncher.Result result = r.run(p, java.time.Duration.ofSeconds(1), Map.of()).get();
        assertThat(result.failure()).startsWith("Unsafe permissions found for vrrp_script chk - disabling: ");
    }

    @Test
    void policy_unchanged_preparedKept() throws Exception {
        ScriptRunner r = runner(ScriptPolicy.builder().scriptUser("nobody").build(), false);
        ScriptRunner.Prepared p = r.prepare("notify", List.of("/bin/true"), null, null);
        r.policy(ScriptPolicy.builder().scriptUser("nobody").build());
        assertThat(r.prepare("notify", List.of("/bin/true"), null, null).generation()).isEqualTo(p.generation());
    }
}
