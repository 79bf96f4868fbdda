package io.lvs4j.cli;

import static io.lvs4j.cli.UserspaceNet.waitUntil;
import static io.lvs4j.lab.NetnsLab.read;
import static io.lvs4j.lab.NetnsLab.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs4j.lab.NetnsLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code lvs4j run FILE --userspace} end to end on this host's kernel, which has no IPVS: a client
 * namespace curls the virtual address 192.0.2.10:80 through a director namespace where
 * {@code bin/lvs4j run --netns D --userspace --interface c0,e1,e2} runs a keepalived.conf (wrr,
 * NAT, TCP_CHECK every second) with the userspace forwarder as its data plane; two nginx real
 * servers, each in its own namespace on its own link to the director, route back through it.
 * One run, in order: replies alternate; a stopped nginx is taken out by its check and every new
 * request goes to the other; restarted, it comes back; a SIGHUP after the file's weight changed
 * to 3:1 makes every 8 new connections split 6:2; {@code lvs4j status} shows the forwarder's
 * connection counts and counters; SIGTERM stops with exit status 0 and the virtual address no
 * longer answers.
 */
class UserspaceRunIT {
    private static final String ID = Long.toString(ProcessHandle.current().pid() % 100000);
    private static final String VIP = "192.0.2.10";
    private static final String RS1 = UserspaceNet.RS1;
    private static final String RS2 = UserspaceNet.RS2;

    private UserspaceNet net;

    @AfterEach
    void cleanUp() {
        if (net != null) {
            net.close();
        }
    }

    private static String conf(int weight1, int weight2) {
        return "global_defs {\n router_id ufwd\n}\n"
                + "virtual_server " + VIP + " 80 {\n delay_loop 1\n lb_algo wrr\n lb_kind NAT\n protocol TCP\n"
                + realServer(RS1, weight1) + realServer(RS2, weight2) + "}\n";
    }

    private static String realServer(String address, int weight) {
        return " real_server " + address + " 80 {\n  weight " + weight + "\n  TCP_CHECK {\n   connect_timeout 5\n  }\n }\n";
    }

    @Test
    void runUserspace_keepalivedConf_balancesFollowsChecksReloadsAndStops() throws Exception {
        assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"), "needs root for namespaces");
        String jar = System.getProperty("lvs4j.cli.jar");
        assertThat(jar).as("system property lvs4j.cli.jar (set by failsafe)").isNotNull();
        net = new UserspaceNet("ufwd" + ID, "ufwd", VIP);
        Path dir = net.dir();
        String c = net.ns("c");
        String d = net.ns("d");
        String r1 = net.ns("r1");
        String r2 = net.ns("r2");
        UserspaceNet.clientAndTwoRealServers(c, d, r1, r2);
        net.nginx(r1, "rs1");
        Process nginx2 = net.nginx(r2, "rs2").process();

        Path file = dir.resolve("keepalived.conf");
        Files.writeString(file, conf(1, 1));
        Path control = dir.resolve("lvs4j.sock");
        Path log = dir.resolve("run.log");
        Process run = net.track(Lvs4jCli.start(jar, log, "run", file.toString(), "--netns", d, "--userspace",
                "--interface", "c0,e1,e2", "--control", control.toString()));

        // (1) both real servers answer, alternating (wrr with equal weights)
        assertThat(waitUntil(Duration.ofSeconds(20), () -> {
            List<String> r = net.curls(c, 2);
            return r.contains("rs1") && r.contains("rs2");
        })).as("both real servers answer through the forwarder; log:\n%s", read(log)).isTrue();
        List<String> six = net.curls(c, 6);
        assertThat(six).as("six new connections").containsOnly("rs1", "rs2");
        for (int i = 1; i < six.size(); i++) {
            assertThat(six.get(i)).as("reply %d of %s", i, six).isNotEqualTo(six.get(i - 1));
        }
        String status = status(jar, control);
        assertThat(status).contains(VIP + ":80").contains("wrr").contains(RS1 + ":80").contains(RS2 + ":80")
                .contains("Userspace forwarder");
        assertThat(Lvs4jCli.toRealServers(status)).as("forwarded frames in:\n%s", status).isGreaterThan(0);
        System.out.println("== round robin " + six + "\n" + status);
        String json = status(jar, control, "--json");
        assertThat(java.util.regex.Pattern.compile("\"packetsIn\" : [1-9]").matcher(json).find())
                .as("the forwarder's packet counters in lvs4j status --json:\n%s", json).isTrue();

        // (2) nginx on rs2 stops: its check takes it out, every new connection goes to rs1; back when restarted
        nginx2.destroy();
        assertThat(nginx2.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(waitUntil(Duration.ofSeconds(15), () -> {
            return serverLine(status(jar, control), RS2).contains("kernel -");
        })).as("rs2 removed from the forwarder's table; status:\n%s", status(jar, control)).isTrue();
        assertThat(net.curls(c, 6)).as("with rs2 down").containsOnly("rs1");
        System.out.println("== rs2's nginx stopped\n" + status(jar, control));
        net.nginx(r2, "rs2");
        assertThat(waitUntil(Duration.ofSeconds(15), () -> serverLine(status(jar, control), RS2).contains("kernel 1")))
                .as("rs2 back in the table; status:\n%s", status(jar, control)).isTrue();
        assertThat(waitUntil(Duration.ofSeconds(30), () -> net.curls(c, 4).contains("rs2"))).as("rs2 answers again")
                .isTrue();

        // (3) weight 3:1 by SIGHUP: any 8 new connections in a row split 6:2
        Files.writeString(file, conf(3, 1));
        sh("kill", "-HUP", Long.toString(run.pid()));
        assertThat(waitUntil(Duration.ofSeconds(10), () -> read(log).contains("Reload done")))
                .as("reload; log:\n%s", read(log)).isTrue();
        assertThat(serverLine(status(jar, control), RS1)).contains("weight 3 kernel 3");
        List<String> eight = net.curls(c, 8);
        assertThat(eight.stream().filter("rs1"::equals).count()).as("rs1 of %s", eight).isEqualTo(6);
        assertThat(eight.stream().filter("rs2"::equals).count()).as("rs2 of %s", eight).isEqualTo(2);
        System.out.println("== after SIGHUP with weights 3:1 " + eight + "\n" + status(jar, control));

        // (4) SIGTERM: a clean stop, exit 0, the virtual address no longer answers
        run.destroy();
        assertThat(run.waitFor(15, TimeUnit.SECONDS)).as("stopped within 15 s; log:\n%s", read(log)).isTrue();
        assertThat(run.exitValue()).as("exit status; log:\n%s", read(log)).isZero();
        assertThat(read(log)).contains("Userspace forwarder stopped");
        assertThat(net.curlExpectingNoAnswer(c)).startsWith("ERR:");
        System.out.println("== lvs4j run's output\n" + read(log));
    }

    private static String serverLine(String status, String address) {
        for (String line : status.split("\n")) {
            if (line.contains("-> " + address + ":80")) {
                return line;
            }
        }
        return "";
    }

    private static String status(String jar, Path control, String... more) {
        List<String> argv = new ArrayList<>(List.of("status", "--control", control.toString()));
        argv.addAll(List.of(more));
        return Lvs4jCli.run(jar, argv.toArray(new String[0]));
    }
}
