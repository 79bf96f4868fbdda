package io.lvs4j.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs4j.lab.NetnsLab;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A link monitor overrun on the host kernel, in a namespace this test creates: the listener
 * blocks on the first event while 300 more link changes happen (veth links; the host has no dummy) and the socket's receive buffer is
 * the smallest, so the kernel drops events (ENOBUFS), among them the last ones: d0 going up and d2
 * being deleted. Once the listener is released, the monitor resynchronises from a link dump, and the
 * listener's view matches the kernel's (ip link) again.
 */
class LinkMonitorOverrunIT {
    private static final String NS = "ping" + ProcessHandle.current().pid() % 100000 + "m";

    private static String sh(String input, String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        if (input != null) {
            p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + " failed: " + out);
        }
        return out;
    }

    @BeforeEach
    void namespace() throws Exception {
        assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"), "needs root for namespaces");
        sh(null, "ip", "netns", "add", NS);
        sh("link add d0 type veth peer name e0\nlink add d1 type veth peer name e1\n"
                + "link add d2 type veth peer name e2\nlink set d2 up\n", "ip", "-n", NS, "-batch", "-");
    }

    @AfterEach
    void removeNamespace() {
        try {
            sh(null, "ip", "netns", "del", NS);
        } catch (IOException | InterruptedException e) {
            // not created
        }
    }

    @Test
    void overrun_listenerBlockedWhileLinksChange_resyncedToTheKernelsState() throws Exception {
        Map<String, Link> view = new ConcurrentHashMap<>();
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Map<Integer, String> names = new ConcurrentHashMap<>();
        try (Rtnetlink r = Rtnetlink.open(NS)) {
            for (Link l : r.links()) {
                view.put(l.name(), l);
                names.put(l.index(), l.name());
            }
        }
        assertThat(view.get("d0").adminUp()).isFalse();
        assertThat(view.get("d2").adminUp()).isTrue();
        try (LinkMonitor m = LinkMonitor.open(NS, l -> {
            if (blocked.getCount() > 0) {
                blocked.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (l.flags() == 0 && !l.adminUp()) {
                view.remove(names.getOrDefault(l.index(), l.name()));
            } else {
                view.put(l.name(), l);
            }
        }, 1)) {
            sh(null, "ip", "-n", NS, "link", "set", "d1", "up");
            assertThat(blocked.await(30, TimeUnit.SECONDS)).as("first event reached the listener").isTrue();
            StringBuilder flood = new StringBuilder();
            for (int i = 0; i < 150; i++) {
                flood.append("link set d1 down\nlink set d1 up\n");
            }
            flood.append("link set d0 up\nlink del d2\n");
            sh(flood.toString(), "ip", "-n", NS, "-batch", "-");
            release.countDown();
            // the resync after the overrun: at most 30 s on a loaded machine (asserted below)
            NetnsLab.waitUntil(Duration.ofSeconds(30), Duration.ofMillis(50),
                    () -> m.resyncs() > 0 && !view.containsKey("d2") && view.get("d0").adminUp());
            assertThat(m.resyncs()).as("overruns noticed").isPositive();
            assertThat(view.get("d0").adminUp()).as("d0 went up while events were dropped").isTrue();
            assertThat(view).as("d2 was deleted while events were dropped").doesNotContainKeys("d2", "e2");
            assertThat(view.get("d1").adminUp()).isTrue();
        }
    }
}
