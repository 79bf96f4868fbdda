package io.lvs4j.director;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs4j.director.host.VipFirewall;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code vrrp_strict}'s firewall on the real kernel, beside keepalived 2.2.7 on the same link with
 * the same kind of configuration: a master without accept mode does not answer a TCP connect to its
 * virtual address from the peer namespace, one with accept mode does (a connect to a closed port is
 * refused at once: the address answered; a dropped SYN times out). (No ping: the build hosts have no
 * ping program.) lvs4j's tables ({@code ip lvs4j}) are
 * gone after a clean stop, and after a SIGKILL the next start (recovery) removes them.
 */
class DirectorStrictFirewallIT {
    private static final String DROPPED = "192.0.2.120";
    private static final String ACCEPTED = "192.0.2.121";
    private static final String KA_DROPPED = "192.0.2.130";
    private static final String KA_ACCEPTED = "192.0.2.131";

    private static String config(boolean strict, String dev, int vrid, String dropped, String accepted) {
        return (strict ? "global_defs {\n  vrrp_strict\n}\n" : "")
                + "vrrp_instance NA_" + vrid + " {\n  state BACKUP\n  interface " + dev + "\n  virtual_router_id " + vrid
                + "\n  priority 100\n  advert_int 1\n  virtual_ipaddress {\n    " + dropped + "/24\n  }\n}\n"
                + "vrrp_instance AC_" + vrid + " {\n  state BACKUP\n  interface " + dev + "\n  virtual_router_id "
                + (vrid + 1) + "\n  priority 100\n  advert_int 1\n  version 3\n  accept\n  virtual_ipaddress {\n    "
                + accepted + "/24\n  }\n}\n";
    }

    /** The exit status of argv, or -1 when it ran longer than 10 s. */
    private static int exit(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            return -1;
        }
        return p.exitValue();
    }

    /**
     * Whether a TCP connect from {@code ns} to port 9 of {@code address} (nothing listens) is
     * answered within 5 s: refused (RST) is an answer; a dropped SYN times out. The 5 s include
     * starting bash in the namespace, which a loaded machine may take a second or more for.
     */
    private static boolean tcpAnswers(String ns, String address) throws IOException, InterruptedException {
        return exit("ip", "netns", "exec", ns, "timeout", "5", "bash", "-c", "exec 3<>/dev/tcp/" + address + "/9") != 124;
    }

    private static String ruleset(String ns) throws IOException, InterruptedException {
        return HostLab.sh("ip", "netns", "exec", ns, "nft", "list", "ruleset");
    }

    private Process director(HostLab lab, Path conf, Path run, Path log) throws IOException {
        List<String> java = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), StrictFirewallMain.class.getName(), conf.toString(), lab.j,
                run.toString()));
        return new ProcessBuilder(java).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static boolean started(Path log) {
        return HostLab.read(log).contains("STARTED");
    }

    @Test
    void vrrpStrict_nonAcceptMasterDropped_acceptAnswers_tablesGoneAfterStopAndAfterKillPlusRecovery()
            throws Exception {
        assumeTrue(HostLab.available() && VipFirewall.nftProgram().isPresent(), "needs root, keepalived, nginx, nft");
        try (HostLab lab = new HostLab("sf")) {
            // keepalived, the reference, on the other end of the link: its own VRIDs and addresses
            Path kaLog = lab.keepalived(config(true, HostLab.KA_IF, 93, KA_DROPPED, KA_ACCEPTED));
            Path run = lab.dir.resolve("run");
            Files.createDirectories(run);
            Path conf = lab.dir.resolve("strict.conf");
            Files.writeString(conf, config(true, HostLab.J_IF, 91, DROPPED, ACCEPTED));
            Path log1 = lab.dir.resolve("d1.log");
            Process d = director(lab, conf, run, log1);
            try {
                assertThat(HostLab.waitUntil(Duration.ofSeconds(60), () -> HostLab.holds(lab.j, HostLab.J_IF, DROPPED)
                        && HostLab.holds(lab.j, HostLab.J_IF, ACCEPTED))).as("%s", HostLab.read(log1)).isTrue();
                assertThat(HostLab.waitUntil(Duration.ofSeconds(30), () -> HostLab.holds(lab.ka, HostLab.KA_IF,
                        KA_DROPPED) && HostLab.holds(lab.ka, HostLab.KA_IF, KA_ACCEPTED))).as("%s", HostLab.read(kaLog))
                        .isTrue();
                // the rules follow the event that reports the addresses: wait for the table
                assertThat(HostLab.waitUntil(Duration.ofSeconds(30), () -> {
                    try {
                        return ruleset(lab.j).contains(DROPPED);
                    } catch (Exception e) {
                        return false;
                    }
                })).as("%s", HostLab.read(log1)).isTrue();
                String ours = ruleset(lab.j);
                assertThat(ours).contains("table ip lvs4j").doesNotContain(ACCEPTED);
                String theirs = ruleset(lab.ka);
                assertThat(theirs).contains("table ip keepalived").contains(KA_DROPPED).doesNotContain(KA_ACCEPTED);

                // lvs4j's masters, seen from keepalived's namespace, and keepalived's, seen from lvs4j's
                assertThat(tcpAnswers(lab.ka, DROPPED)).as("tcp %s (no accept)", DROPPED).isFalse();
                assertThat(tcpAnswers(lab.ka, ACCEPTED)).as("tcp %s (accept)", ACCEPTED).isTrue();
                assertThat(tcpAnswers(lab.j, KA_DROPPED)).as("keepalived: tcp %s", KA_DROPPED).isFalse();
                assertThat(tcpAnswers(lab.j, KA_ACCEPTED)).as("keepalived: tcp %s", KA_ACCEPTED).isTrue();

                // a clean stop removes the table
                Files.writeString(run.resolve("stop"), "");
                assertThat(d.waitFor(15, TimeUnit.SECONDS)).isTrue();
                assertThat(HostLab.read(log1)).contains("CLOSED");
                assertThat(ruleset(lab.j)).doesNotContain("lvs4j");
                Files.delete(run.resolve("stop"));

                // SIGKILL leaves it; the next start (without vrrp_strict) removes it
                Path log2 = lab.dir.resolve("d2.log");
                d = director(lab, conf, run, log2);
                assertThat(HostLab.waitUntil(Duration.ofSeconds(20), () -> {
                    try {
                        return ruleset(lab.j).contains(DROPPED);
                    } catch (Exception e) {
                        return false;
                    }
                })).as("%s", HostLab.read(log2)).isTrue();
                d.destroyForcibly();
                assertThat(d.waitFor(10, TimeUnit.SECONDS)).isTrue();
                assertThat(ruleset(lab.j)).contains("table ip lvs4j");
                Files.writeString(conf, config(false, HostLab.J_IF, 91, DROPPED, ACCEPTED));
                Path log3 = lab.dir.resolve("d3.log");
                d = director(lab, conf, run, log3);
                assertThat(HostLab.waitUntil(Duration.ofSeconds(20), () -> started(log3))).as("%s", HostLab.read(log3))
                        .isTrue();
                assertThat(HostLab.read(log3)).contains("recovered after PID");
                assertThat(ruleset(lab.j)).doesNotContain("lvs4j");
                Files.writeString(run.resolve("stop"), "");
                assertThat(d.waitFor(15, TimeUnit.SECONDS)).isTrue();
            } finally {
                d.destroyForcibly();
                d.waitFor(10, TimeUnit.SECONDS);
                // nothing of ours may outlive the test, even when it failed midway
                exit("ip", "netns", "exec", lab.j, "nft", "delete", "table", "ip", VipFirewall.TABLE);
            }
        }
    }
}
