package io.lvs4j.vrrp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs4j.ScriptPolicy;
import io.lvs4j.internal.Addresses;
import io.lvs4j.time.VirtualClock;
import io.lvs4j.vrrp.memory.InMemoryNetwork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vrrp_scripts and notify commands run for real, as keepalived runs them: as the script user, refused
 * when unsafe under script security, one instance's hung notify not holding up another's, a
 * timed-out script killed with its children. VRRP on an in-memory link and a virtual clock; the
 * processes are real. Needs root (to run scripts as nobody).
 */
class VrrpScriptsIT {
    @TempDir
    Path dir;

    private final VirtualClock clock = new VirtualClock();
    private final InMemoryNetwork network = new InMemoryNetwork(clock);
    private final List<VrrpNode> nodes = new ArrayList<>();

    @BeforeEach
    void root() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run scripts as nobody");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx")); // nobody writes here
    }

    @AfterEach
    void close() {
        nodes.forEach(VrrpNode::close);
    }

    private VrrpNode.Builder<?> builder() {
        return VrrpNode.builder(network.node("n1", Addresses.parse("192.0.2.1", "address")));
    }

    private VrrpNode start(VrrpNode.Builder<?> b) throws Exception {
        VrrpNode n = b.start();
        nodes.add(n);
        return n;
    }

    private static VrrpInstance.Builder instance(String name, int vrid) {
        return VrrpInstance.builder(name).interfaceName("eth0").virtualRouterId(vrid).version(3)
                .advertInterval(Duration.ofMillis(100)).virtualAddress("192.0.2." + vrid + "/24");
    }

    /** Virtual time in 10 ms steps with real pauses (scripts are real processes), at most {@code max} of real time. */
    private boolean await(Duration max, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            clock.advance(Duration.ofMillis(10));
            Thread.sleep(5);
        }
        return condition.getAsBoolean();
    }

    private static RouterState state(VrrpNode n, String instance) {
        return n.call(() -> n.router(instance).state());
    }

    private static int priority(VrrpNode n, String instance) {
        return n.call(() -> n.router(instance).effectivePriority());
    }

    private static boolean nonEmpty(Path p) {
        try {
            return Files.exists(p) && Files.size(p) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void scriptAndNotify_scriptUserNobody_runAsUid65534() throws Exception {
        Path script = dir.resolve("script");
        Path notify = dir.resolve("notify");
        VrrpScript chk = VrrpScript.builder("chk").command("/bin/sh -c \"id -u > " + script + "\"")
                .interval(Duration.ofMillis(100)).weight(-10).build();
        VrrpNode n = start(builder().scriptPolicy(ScriptPolicy.builder().scriptUser("nobody").build()).script(chk)
                .instance(instance("VI_1", 71).trackScript("chk").notifyMaster("/bin/sh -c \"id -u > " + notify + "\"")
                        .build()));
        assertThat(await(Duration.ofSeconds(10), () -> nonEmpty(script) && nonEmpty(notify))).isTrue();
        assertThat(Files.readString(script).strip()).isEqualTo("65534");
        assertThat(Files.readString(notify).strip()).isEqualTo("65534");
        assertThat(state(n, "VI_1")).isEqualTo(RouterState.MASTER);
    }

    @Test
    void vrrpScriptUser_overridesScriptUser() throws Exception {
        Path script = dir.resolve("script");
        VrrpScript chk = VrrpScript.builder("chk").command("/bin/sh -c \"id -u > " + script + "\"")
                .interval(Duration.ofMillis(100)).user("root").build();
        start(builder().scriptPolicy(ScriptPolicy.builder().scriptUser("nobody").build()).script(chk)
                .instance(instance("VI_1", 72).trackScript("chk").build()));
        assertThat(await(Duration.ofSeconds(10), () -> nonEmpty(script))).isTrue();
        assertThat(Files.readString(script).strip()).isEqualTo("0");
    }

    private Path worldWritableFailingScript(Path ran) throws IOException {
        // only the file is unsafe: its directory is root's, 0755
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path s = dir.resolve("chk.sh");
        Files.writeString(s, "#!/bin/sh\necho ran > " + ran + "\nexit 1\n");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxrwxrwx"));
        return s;
    }

    @Test
    void worldWritableScript_underScriptSecurity_disabledNeverRunsNotTracked() throws Exception {
        Path ran = dir.resolve("ran");
        VrrpScript chk = VrrpScript.builder("chk").command(worldWritableFailingScript(ran).toString())
                .interval(Duration.ofMillis(100)).weight(-10).build();
        VrrpNode n = start(builder().scriptPolicy(ScriptPolicy.builder().scriptSecurity(true).build()).script(chk)
                .instance(instance("VI_1", 73).trackScript("chk").build()));
        assertThat(await(Duration.ofSeconds(5), () -> state(n, "VI_1") == RouterState.MASTER)).isTrue();
        assertThat(await(Duration.ofSeconds(2), () -> Files.exists(ran))).as("the unsafe script ran").isFalse();
        assertThat(priority(n, "VI_1")).isEqualTo(100);
    }

    @Test
    void worldWritableScript_withoutScriptSecurity_runsAndCounts() throws Exception {
        Path ran = dir.resolve("ran");
        VrrpScript chk = VrrpScript.builder("chk").command(worldWritableFailingScript(ran).toString())
                .interval(Duration.ofMillis(100)).weight(-10).build();
        VrrpNode n = start(builder().script(chk).instance(instance("VI_1", 74).trackScript("chk").build()));
        assertThat(await(Duration.ofSeconds(10), () -> Files.exists(ran) && priority(n, "VI_1") == 90)).isTrue();
    }

    @Test
    void hungNotify_otherInstancesNotifyNotDelayed() throws Exception {
        Path hung = dir.resolve("hung");
        Path other = dir.resolve("other");
        // VI_1 (priority 200) becomes master first; its notify hangs for a minute
        VrrpNode n = start(builder()
                .instance(instance("VI_1", 75).priority(200).notifyMaster("/bin/sh -c \"echo $$ > " + hung
                        + "; exec sleep 60\"").build())
                .instance(instance("VI_2", 76).priority(100).notifyMaster("/usr/bin/touch " + other).build()));
        assertThat(await(Duration.ofSeconds(10), () -> nonEmpty(hung))).as("VI_1's notify started").isTrue();
        assertThat(await(Duration.ofSeconds(5), () -> Files.exists(other))).as("VI_2's notify ran").isTrue();
        long pid = Long.parseLong(Files.readString(hung).strip());
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).hasValue(true);
        n.close();
        assertThat(gone(pid)).as("the hung notify, after the node closed").isTrue();
    }

    @Test
    void timedOutScript_itsChildrenAreKilledToo() throws Exception {
        Path child = dir.resolve("child");
        VrrpScript chk = VrrpScript.builder("chk").command("/bin/sh -c \"sleep 300 & echo $! > " + child + "; wait\"")
                .interval(Duration.ofSeconds(30)).timeout(Duration.ofMillis(300)).build();
        start(builder().script(chk).instance(instance("VI_1", 77).trackScript("chk").build()));
        assertThat(await(Duration.ofSeconds(10), () -> nonEmpty(child))).isTrue();
        long pid = Long.parseLong(Files.readString(child).strip());
        assertThat(gone(pid)).as("the timed-out script's child " + pid).isTrue();
    }

    private static boolean gone(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }
}
