package io.lvs4j.director;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs4j.Protocol;
import io.lvs4j.ServiceKey;
import io.lvs4j.forwarder.Forwarder;
import io.lvs4j.table.IpvsTable;
import io.lvs4j.table.ReconcileException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link DirectorContract} against the userspace forwarder's tables ({@link IpvsTable#forwarder}),
 * a real {@link Forwarder} with its AF_PACKET socket on one end of a veth pair (198.51.100.1/24) in
 * a network namespace of its own; a fresh forwarder for each scenario. The contract's "the kernel
 * refuses mid-reconcile" scenario relies on a scheduler module the kernel lacks ({@code twos}),
 * which the forwarder has in userspace; here a firewall-mark service, which the forwarder cannot
 * see, is the refused change instead.
 */
class DirectorContractForwarderIT {
    private static final String NS = "ufwd" + ProcessHandle.current().pid() % 100000 + "ct";
    private static boolean made;

    @BeforeAll
    static void namespace() throws Exception {
        assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"), "needs root for namespaces");
        assumeTrue(Forwarder.isAvailable(), "AF_PACKET through jnr-ffi");
        sh("ip", "netns", "add", NS);
        made = true;
        sh("ip", "-n", NS, "link", "add", "d0", "type", "veth", "peer", "name", "d1"); // no dummy module here
        sh("ip", "-n", NS, "addr", "add", "198.51.100.1/24", "dev", "d0");
        sh("ip", "-n", NS, "link", "set", "d0", "up");
        sh("ip", "-n", NS, "link", "set", "d1", "up");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (made) {
            sh("ip", "netns", "del", NS);
        }
    }

    private interface Body {
        void run(IpvsTable table) throws Exception;
    }

    private static void onForwarder(Body body) throws Exception {
        try (Forwarder f = Forwarder.builder().netns(NS).interfaces("d0").open().start()) {
            body.run(f.table());
            assertThat(f.lastFailure()).isNull();
        }
    }

    @TestFactory
    Stream<DynamicTest> contract_forwarderTable() {
        return DirectorContract.scenarios().stream()
                .filter(s -> !s.name().equals("kernelRefusesMidReconcile_stateIsTheTables"))
                .map(s -> DynamicTest.dynamicTest(s.name(), () -> onForwarder(t -> s.check().run(t))));
    }

    @Test
    void forwarderRefusesMidReconcile_fwmarkService_stateIsTheTables() throws Exception {
        onForwarder(t -> {
            try (Director d = Director.builder().config(DirectorContract.parse(DirectorContract.conf(1))
                    .toDirectorConfig()).ipvs(t).start()) {
                String text = DirectorContract.conf(1) + "virtual_server fwmark 7 {\n lb_algo rr\n"
                        + " real_server 198.51.100.2 443 {\n }\n}\n"
                        + "virtual_server 192.0.2.100 8080 {\n lb_algo rr\n protocol TCP\n"
                        + " real_server 198.51.100.2 8080 {\n }\n}\n";
                assertThatThrownBy(() -> d.apply(DirectorContract.parse(text).toDirectorConfig()))
                        .isInstanceOfSatisfying(ReconcileException.class, e -> {
                            assertThat(e.failures()).isNotEmpty()
                                    .allSatisfy(f -> assertThat(f.change().key().isFwmark()).isTrue());
                            assertThat(e.failures().get(0).error().errno()).isEqualTo(95);
                            assertThat(e.failures().get(0).error().getMessage()).contains("firewall marks");
                            assertThat(e.applied()).extracting(c -> c.key().toString()).contains("TCP 192.0.2.100:8080");
                        });
                assertThat(DirectorContract.rules(t)).containsOnlyKeys("TCP 192.0.2.100:80", "UDP 192.0.2.100:53",
                        "TCP 192.0.2.100:8080");
                assertThat(d.state().services().stream().filter(s -> s.key().isFwmark()).findFirst().orElseThrow()
                        .installed()).isFalse();
                assertThat(d.state().service(ServiceKey.of(Protocol.TCP, "192.0.2.100", 8080)).orElseThrow().installed())
                        .isTrue();
                DirectorContract.assertStateIsTheTables(d, t);
            }
            assertThat(DirectorContract.rules(t)).isEmpty();
        });
    }

    private static void sh(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(argv)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", argv) + " failed: " + out);
        }
    }
}
