package io.lvs4j.director;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.VirtualService;
import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.director.config.ReadOptions;
import io.lvs4j.health.CheckPolicy;
import io.lvs4j.health.Checks;
import io.lvs4j.health.ServiceHealth;
import io.lvs4j.table.InMemoryIpvs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * keepalived.conf's commands run by the director in real time: a real MISC_CHECK ({@code /bin/false},
 * then {@code /bin/true} after a reload) drives {@code notify_down}/{@code notify_up} and
 * {@code quorum_down}/{@code quorum_up}, each a real process touching a file.
 */
class DirectorCommandsTest {
    private static String conf(Path dir, String check) {
        return "virtual_server 192.0.2.100 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n"
                + " quorum_up \"/usr/bin/touch " + dir.resolve("quorum-up") + "\"\n"
                + " quorum_down \"/usr/bin/touch " + dir.resolve("quorum-down") + "\"\n"
                + " real_server 198.51.100.2 80 {\n"
                + "  notify_up \"/usr/bin/touch " + dir.resolve("notify-up") + "\"\n"
                + "  notify_down \"/usr/bin/touch " + dir.resolve("notify-down") + "\"\n"
                + "  MISC_CHECK {\n   misc_path " + check + "\n   delay_loop 1\n   retry 0\n  }\n }\n}\n";
    }

    private static boolean waitFor(Path file) throws InterruptedException {
        for (int i = 0; i < 150 && !Files.exists(file); i++) {
            Thread.sleep(100);
        }
        return Files.exists(file);
    }

    @Test
    void failingCheck_runsNotifyDownAndQuorumDown_thenUpAfterReload(@TempDir Path dir) throws Exception {
        KeepalivedConfig failing = KeepalivedConfig.parse("k.conf", conf(dir, "/bin/false"), ReadOptions.defaults())
                .config();
        InMemoryIpvs t = new InMemoryIpvs();
        try (Director d = Director.builder().config(failing.toDirectorConfig()).ipvs(t).start()) {
            assertThat(waitFor(dir.resolve("notify-down"))).as("notify_down ran").isTrue();
            assertThat(waitFor(dir.resolve("quorum-down"))).as("quorum_down ran").isTrue();
            assertThat(Files.exists(dir.resolve("notify-up"))).isFalse();
            assertThat(t.serviceStates().get(0).realServers()).isEmpty();

            d.apply(KeepalivedConfig.parse("k.conf", conf(dir, "/bin/true"), ReadOptions.defaults()).config()
                    .toDirectorConfig());
            assertThat(waitFor(dir.resolve("notify-up"))).as("notify_up ran").isTrue();
            assertThat(waitFor(dir.resolve("quorum-up"))).as("quorum_up ran").isTrue();
            for (int i = 0; i < 50 && t.serviceStates().get(0).realServers().isEmpty(); i++) {
                Thread.sleep(100);
            }
            assertThat(t.serviceStates().get(0).realServers()).hasSize(1);
        }
    }

    /** The commands as typed values of a fluent DirectorConfig; a reload that changes only a command runs the new one. */
    @Test
    void fluentCommands_failingCheck_runAsConfigured_reloadedCommandRuns(@TempDir Path dir) throws Exception {
        RealServer rs = RealServer.of("198.51.100.2", 80).masquerade().build();
        VirtualService web = VirtualService.tcp("192.0.2.100", 80).realServer(rs).build();
        ServiceKey key = web.key();
        CheckPolicy policy = CheckPolicy.builder().interval(Duration.ofSeconds(1)).retry(0).build();
        DirectorConfig failing = DirectorConfig.builder()
                .service(ServiceHealth.builder(web).check(rs, Checks.misc("/bin/false"), policy).build())
                .notifyDown(key, rs.address(), 80, DirectorConfig.Command.of("/usr/bin/touch " + dir.resolve("nd")))
                .quorumDown(key, DirectorConfig.Command.of("/usr/bin/touch " + dir.resolve("qd")))
                .build();
        try (Director d = Director.builder().config(failing).ipvs(new InMemoryIpvs()).start()) {
            assertThat(waitFor(dir.resolve("nd"))).as("notify down ran").isTrue();
            assertThat(waitFor(dir.resolve("qd"))).as("quorum down ran").isTrue();

            // the same service, only the commands changed: the next quorum_up is the new one
            d.apply(failing.toBuilder().quorumUp(key, DirectorConfig.Command.of("/usr/bin/touch " + dir.resolve("qu")))
                    .build());
            d.apply(DirectorConfig.builder()
                    .service(ServiceHealth.builder(web).check(rs, Checks.misc("/bin/true"), policy).build())
                    .quorumUp(key, DirectorConfig.Command.of("/usr/bin/touch " + dir.resolve("qu2")))
                    .build());
            assertThat(waitFor(dir.resolve("qu2"))).as("the reloaded quorum up ran").isTrue();
            assertThat(Files.exists(dir.resolve("qu"))).isFalse();
        }
    }
}
