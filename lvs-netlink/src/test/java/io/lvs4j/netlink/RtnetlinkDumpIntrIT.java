package io.lvs4j.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * NLM_F_DUMP_INTR on the host kernel, in a namespace this test creates: 300 links (150 veth pairs)
 * make a link dump several parts long while a shell loop adds and deletes another pair, so the
 * kernel flags some dumps interrupted (the link list changed between parts). Every list
 * {@link Rtnetlink#links()} returns must hold each of the 300 links exactly once: interrupted
 * dumps are read again. (Measured on the 6.18 host: link dumps resume by ifindex, so even an
 * interrupted dump kept the stable links; the restart matters for dumps that resume by position,
 * such as addresses. What this proves is that the kernel does flag dumps under churn, and that
 * they are read again.)
 */
class RtnetlinkDumpIntrIT {
    private static final String NS = "ping" + ProcessHandle.current().pid() % 100000 + "d";
    private static final int PAIRS = 150;

    private static void sh(String input, String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        if (input != null) {
            p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + " failed: " + out);
        }
    }

    @BeforeEach
    void namespace() throws Exception {
        assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"), "needs root for namespaces");
        sh(null, "ip", "netns", "add", NS);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < PAIRS; i++) {
            b.append("link add s").append(i).append(" type veth peer name t").append(i).append('\n');
        }
        sh(b.toString(), "ip", "-n", NS, "-batch", "-");
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
    void links_listChangesDuringDumps_interruptedDumpsReadAgainAndEveryListConsistent() throws Exception {
        Process churn = new ProcessBuilder("sh", "-c", "for i in $(seq 150); do ip -n " + NS
                + " link add c0 type veth peer name c1; ip -n " + NS + " link del c0; sleep 0.02; done")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        int dumps = 0;
        try (Rtnetlink r = Rtnetlink.open(NS)) {
            while (churn.isAlive() && dumps < 5000) {
                List<Link> links = r.links();
                dumps++;
                Map<String, Integer> count = new HashMap<>();
                for (Link l : links) {
                    count.merge(l.name(), 1, Integer::sum);
                }
                for (int i = 0; i < PAIRS; i++) {
                    assertThat(count.get("s" + i)).as("s" + i + " in dump " + dumps).isEqualTo(1);
                    assertThat(count.get("t" + i)).as("t" + i + " in dump " + dumps).isEqualTo(1);
                }
                assertThat(count.values()).as("no link twice in dump " + dumps).allMatch(n -> n == 1);
            }
            System.out.println("RtnetlinkDumpIntrIT: " + dumps + " link dumps, " + r.dumpRestarts() + " read again");
            assertThat(r.dumpRestarts()).as("dumps read again after NLM_F_DUMP_INTR, of " + dumps).isPositive();
        } finally {
            churn.destroy();
            churn.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
