package io.lvs4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scripts run for real: user, process group, death signal, stdin, environment, order. Needs root. */
class ScriptLauncherIT {
    @TempDir
    Path dir;

    private final ScriptLauncher launcher = ScriptLauncher.create(null);

    @BeforeEach
    void root() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run scripts as other users");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx")); // nobody writes here
    }

    @AfterEach
    void close() {
        launcher.close();
    }

    private ScriptLauncher.Result run(ScriptLauncher.Script s) throws Exception {
        return launcher.run(s).get(20, TimeUnit.SECONDS);
    }

    private static ScriptLauncher.Script sh(String name, String script, String user, Duration timeout) {
        return new ScriptLauncher.Script(name, List.of("/bin/sh", "-c", script), user, null, timeout, Map.of());
    }

    @Test
    void run_asNobody_runsWithItsUidAndGidOnly() throws Exception {
        Path out = dir.resolve("id");
        ScriptLauncher.Result r = run(sh("id", "id -u > " + out + "; id -g >> " + out + "; id -G >> " + out, "nobody",
                Duration.ofSeconds(10)));
        assertThat(r.succeeded()).as(r.toString()).isTrue();
        assertThat(Files.readAllLines(out)).containsExactly("65534", "65534", "65534");
    }

    @Test
    void run_programThatCannotStart_failureNotAnExitStatus() throws Exception {
        Path plain = dir.resolve("plain");
        Files.writeString(plain, "#!/bin/sh\nexit 0\n"); // not executable
        for (String program : List.of(dir.resolve("nope").toString(), plain.toString(), "lvs4j-no-such-program")) {
            ScriptLauncher.Result r = run(new ScriptLauncher.Script("p", List.of(program), null, null,
                    Duration.ofSeconds(5), Map.of()));
            assertThat(r.failure()).as(program).isNotNull().contains(program);
            assertThat(r.succeeded()).isFalse();
        }
        assertThat(run(new ScriptLauncher.Script("t", List.of("true"), null, null, Duration.ofSeconds(5), Map.of()))
                .succeeded()).as("a name found on PATH").isTrue();
    }

    @Test
    void run_minimalEnvironment_stdinFromDevNull() throws Exception {
        Path out = dir.resolve("env");
        Path in = dir.resolve("stdin");
        ScriptLauncher.Script s = new ScriptLauncher.Script("env", List.of("/bin/sh", "-c",
                "/usr/bin/env > " + out + "; readlink /proc/self/fd/0 > " + in), null, null, Duration.ofSeconds(10),
                Map.of("VRRP_STATE", "MASTER"));
        assertThat(run(s).succeeded()).isTrue();
        assertThat(Files.readAllLines(out)).filteredOn(l -> !l.startsWith("PWD=") && !l.startsWith("SHLVL=")
                && !l.startsWith("_=")).containsExactlyInAnyOrder("PATH=" + ScriptLauncher.PATH, "VRRP_STATE=MASTER");
        assertThat(Files.readString(in).strip()).isEqualTo("/dev/null");
    }

    @Test
    void timeout_killsTheWholeGroup() throws Exception {
        Path pid = dir.resolve("pid");
        // 3 s: enough for sh to start and write the PID file on a loaded machine; still times out
        ScriptLauncher.Result r = run(sh("slow", "sleep 300 & echo $! > " + pid + "; sleep 300", null,
                Duration.ofSeconds(3)));
        assertThat(r.timedOut()).isTrue();
        assertThat(r.succeeded()).isFalse();
        long child = Long.parseLong(Files.readString(pid).strip());
        assertThat(waitGone(child)).as("the script's background child " + child).isTrue();
    }

    @Test
    void exitedScript_childrenLeftBehindAreKilled() throws Exception {
        Path pid = dir.resolve("pid");
        ScriptLauncher.Result r = run(sh("daemonish", "sleep 300 & echo $! > " + pid + "; exit 3", null,
                Duration.ofSeconds(10)));
        assertThat(r.exitStatus()).isEqualTo(3);
        assertThat(waitGone(Long.parseLong(Files.readString(pid).strip()))).isTrue();
    }

    @Test
    void directorKilled_scriptsDieWithIt() throws Exception {
        directorKilled("echo $$ > %s; exec sleep 300");
    }

    @Test
    void directorKilled_scriptsChildrenDieToo() throws Exception {
        directorKilled("sleep 300 & echo $! > %s; wait");
    }

    private void directorKilled(String command) throws Exception {
        Path pid = dir.resolve("pid");
        // a JVM that starts a long script and waits; SIGKILL it as a crash would
        Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Holder.class.getName(), String.format(command, pid), "nobody")
                .redirectErrorStream(true).redirectOutput(dir.resolve("jvm.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!(Files.exists(pid) && Files.size(pid) > 0) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            long script = Long.parseLong(Files.readString(pid).strip());
            assertThat(ProcessHandle.of(script).map(ProcessHandle::isAlive)).hasValue(true);
            jvm.destroyForcibly(); // SIGKILL: no shutdown hook runs
            jvm.waitFor(10, TimeUnit.SECONDS);
            assertThat(waitGone(script)).as("script " + script + " after its director's SIGKILL").isTrue();
        } finally {
            jvm.destroyForcibly();
        }
    }

    /** Starts a script that outlives nothing on its own, then waits to be killed. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            ScriptLauncher l = ScriptLauncher.create(null);
            l.run(sh("hold", args[0], args[1], Duration.ofSeconds(600)));
            Thread.sleep(600_000);
        }
    }

    @Test
    void runInOrder_sameKeyWaits_otherKeysDoNot() throws Exception {
        Path log = dir.resolve("log");
        Files.writeString(log, "");
        // a waits (at most 10 s) for c, which only runs meanwhile if VI_2 does not wait for VI_1
        String waitForC = "end=$(($(date +%s) + 10)); until grep -qx c " + log
                + " || [ $(date +%s) -ge $end ]; do sleep 0.05; done; ";
        var a = launcher.runInOrder("VI_1", sh("a", waitForC + "echo a >> " + log, null, Duration.ofSeconds(30)));
        var b = launcher.runInOrder("VI_1", sh("b", "echo b >> " + log, null, Duration.ofSeconds(10)));
        var c = launcher.runInOrder("VI_2", sh("c", "echo c >> " + log, null, Duration.ofSeconds(10)));
        c.get(60, TimeUnit.SECONDS);
        b.get(60, TimeUnit.SECONDS);
        a.get(60, TimeUnit.SECONDS);
        assertThat(Files.readAllLines(log)).containsExactly("c", "a", "b");
    }

    @Test
    void runInOrder_hungScript_nextRunsAfterItsTimeout() throws Exception {
        Path log = dir.resolve("log");
        var hung = launcher.runInOrder("VI_1", sh("hung", "sleep 300", null, Duration.ofMillis(300)));
        var next = launcher.runInOrder("VI_1", sh("next", "echo next > " + log, null, Duration.ofSeconds(10)));
        assertThat(next.get(20, TimeUnit.SECONDS).succeeded()).isTrue();
        assertThat(hung.get().timedOut()).isTrue();
        assertThat(Files.readString(log)).isEqualTo("next\n");
    }

    @Test
    void missingProgram_failsWithoutRunning() throws Exception {
        ScriptLauncher.Result r = run(ScriptLauncher.Script.of("nope", List.of("/nonexistent/x"), Duration.ofSeconds(5)));
        assertThat(r.succeeded()).isFalse();
        assertThat(r.exitStatus()).isNotZero();
    }

    private static boolean waitGone(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }
}
