package io.lvs4j.director;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
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
    private static final String RS1 = "198.51.100.2";
    private static final String RS2 = "198.51.100.18";

    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private Path dir;

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        for (String n : namespaces) {
            try {
                sh("ip", "netns", "del", n);
            } catch (IOException e) {
                // already gone
            }
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static String conf(int weight1, int weight2) {
        return "global_defs {\n router_id ufwd\n}\n"
                + "virtual_server " + VIP + " 80 {\n delay_loop 1\n lb_algo wrr\n lb_kind NAT\n protocol TCP\n"
                + realServer(RS1, weight1) + realServer(RS2, weight2) + "}\n";
    }

    private static String realServer(String address, int weight) {
        return " real_server " + address + " 80 {\n  weight " + weight + "\n  TCP_CHECK {\n   connect_timeout 1\n  }\n }\n";
    }

    @Test
    void runUserspace_keepalivedConf_balancesFollowsChecksReloadsAndStops() throws Exception {
        assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"), "needs root for namespaces");
        String jar = System.getProperty("lvs4j.cli.jar");
        assertThat(jar).as("system property lvs4j.cli.jar (set by failsafe)").isNotNull();
        dir = Files.createTempDirectory("ufwd");
        String c = ns("c");
        String d = ns("d");
        String r1 = ns("r1");
        String r2 = ns("r2");
        sh("ip", "-n", c, "link", "add", "eth0", "type", "veth", "peer", "name", "c0", "netns", d);
        sh("ip", "-n", r1, "link", "add", "eth0", "type", "veth", "peer", "name", "e1", "netns", d);
        sh("ip", "-n", r2, "link", "add", "eth0", "type", "veth", "peer", "name", "e2", "netns", d);
        for (String[] l : new String[][] {{c, "eth0"}, {d, "c0"}, {d, "e1"}, {d, "e2"}, {r1, "eth0"}, {r2, "eth0"}}) {
            sh("ip", "-n", l[0], "link", "set", "dev", l[1], "up");
        }
        sh("ip", "-n", c, "addr", "add", "203.0.113.2/24", "dev", "eth0");
        sh("ip", "-n", c, "route", "add", "192.0.2.0/24", "via", "203.0.113.1");
        sh("ip", "-n", d, "addr", "add", "203.0.113.1/24", "dev", "c0");
        sh("ip", "-n", d, "addr", "add", "198.51.100.1/28", "dev", "e1");
        sh("ip", "-n", d, "addr", "add", "198.51.100.17/28", "dev", "e2");
        sh("ip", "netns", "exec", d, "sysctl", "-q", "-w", "net.ipv4.ip_forward=0");
        sh("ip", "-n", r1, "addr", "add", RS1 + "/28", "dev", "eth0");
        sh("ip", "-n", r1, "route", "add", "default", "via", "198.51.100.1");
        sh("ip", "-n", r2, "addr", "add", RS2 + "/28", "dev", "eth0");
        sh("ip", "-n", r2, "route", "add", "default", "via", "198.51.100.17");
        nginx(r1, "rs1");
        Process nginx2 = nginx(r2, "rs2");

        Path file = dir.resolve("keepalived.conf");
        Files.writeString(file, conf(1, 1));
        Path control = dir.resolve("lvs4j.sock");
        Path log = dir.resolve("run.log");
        ProcessBuilder pb = new ProcessBuilder("bin/lvs4j", "run", file.toString(), "--netns", d, "--userspace",
                "--interface", "c0,e1,e2", "--control", control.toString())
                .directory(repositoryRoot().toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("LVS4J_JAR", jar);
        pb.environment().put("LVS4J_CDS", "off");
        Process run = pb.start();
        processes.add(run);

        // (1) both real servers answer, alternating (wrr with equal weights)
        assertThat(waitUntil(Duration.ofSeconds(20), () -> {
            List<String> r = curls(c, 2);
            return r.contains("rs1") && r.contains("rs2");
        })).as("both real servers answer through the forwarder; log:\n%s", read(log)).isTrue();
        List<String> six = curls(c, 6);
        assertThat(six).as("six new connections").containsOnly("rs1", "rs2");
        for (int i = 1; i < six.size(); i++) {
            assertThat(six.get(i)).as("reply %d of %s", i, six).isNotEqualTo(six.get(i - 1));
        }
        String status = status(jar, control);
        assertThat(status).contains(VIP + ":80").contains("wrr").contains(RS1 + ":80").contains(RS2 + ":80")
                .contains("Userspace forwarder");
        assertThat(toRealServers(status)).as("forwarded frames in:\n%s", status).isGreaterThan(0);
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
        assertThat(curls(c, 6)).as("with rs2 down").containsOnly("rs1");
        System.out.println("== rs2's nginx stopped\n" + status(jar, control));
        nginx(r2, "rs2");
        assertThat(waitUntil(Duration.ofSeconds(15), () -> serverLine(status(jar, control), RS2).contains("kernel 1")))
                .as("rs2 back in the table; status:\n%s", status(jar, control)).isTrue();
        assertThat(waitUntil(Duration.ofSeconds(5), () -> curls(c, 4).contains("rs2"))).as("rs2 answers again")
                .isTrue();

        // (3) weight 3:1 by SIGHUP: any 8 new connections in a row split 6:2
        Files.writeString(file, conf(3, 1));
        sh("kill", "-HUP", Long.toString(run.pid()));
        assertThat(waitUntil(Duration.ofSeconds(10), () -> read(log).contains("Reload done")))
                .as("reload; log:\n%s", read(log)).isTrue();
        assertThat(serverLine(status(jar, control), RS1)).contains("weight 3 kernel 3");
        List<String> eight = curls(c, 8);
        assertThat(eight.stream().filter("rs1"::equals).count()).as("rs1 of %s", eight).isEqualTo(6);
        assertThat(eight.stream().filter("rs2"::equals).count()).as("rs2 of %s", eight).isEqualTo(2);
        System.out.println("== after SIGHUP with weights 3:1 " + eight + "\n" + status(jar, control));

        // (4) SIGTERM: a clean stop, exit 0, the virtual address no longer answers
        run.destroy();
        assertThat(run.waitFor(15, TimeUnit.SECONDS)).as("stopped within 15 s; log:\n%s", read(log)).isTrue();
        assertThat(run.exitValue()).as("exit status; log:\n%s", read(log)).isZero();
        assertThat(read(log)).contains("Userspace forwarder stopped");
        assertThat(curl(c)).startsWith("ERR:");
        System.out.println("== lvs4j run's output\n" + read(log));
    }

    private static long toRealServers(String status) {
        for (String line : status.split("\n")) {
            int at = line.indexOf("to real servers ");
            if (line.startsWith("Userspace forwarder") && at >= 0) {
                String rest = line.substring(at + "to real servers ".length()).trim();
                return Long.parseLong(rest.split("\\s+")[0]);
            }
        }
        return -1;
    }

    private static String serverLine(String status, String address) {
        for (String line : status.split("\n")) {
            if (line.contains("-> " + address + ":80")) {
                return line;
            }
        }
        return "";
    }

    private String status(String jar, Path control, String... more) {
        try {
            List<String> argv = new ArrayList<>(List.of("bin/lvs4j", "status", "--control", control.toString()));
            argv.addAll(List.of(more));
            ProcessBuilder pb = new ProcessBuilder(argv)
                    .directory(repositoryRoot().toFile()).redirectErrorStream(true);
            pb.environment().put("LVS4J_JAR", jar);
            pb.environment().put("LVS4J_CDS", "off");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "status timed out";
            }
            return out;
        } catch (IOException e) {
            return "status: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private List<String> curls(String ns, int n) {
        List<String> r = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            r.add(curl(ns));
        }
        return r;
    }

    private String curl(String ns) {
        try {
            Process p = new ProcessBuilder("ip", "netns", "exec", ns, "curl", "-s", "--max-time", "2",
                    "http://" + VIP + "/").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "ERR:timeout";
            }
            return p.exitValue() == 0 ? out.trim() : "ERR:" + p.exitValue();
        } catch (IOException e) {
            return "ERR:" + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "ERR:interrupted";
        }
    }

    private String ns(String name) throws IOException, InterruptedException {
        String n = "ufwd" + ID + name;
        sh("ip", "netns", "add", n);
        namespaces.add(n);
        sh("ip", "-n", n, "link", "set", "lo", "up");
        sh("ip", "netns", "exec", n, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
        sh("ip", "netns", "exec", n, "sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1");
        return n;
    }

    /** nginx in {@code ns} answering {@code body} on port 80 (one process, stopped by PID). */
    private Process nginx(String ns, String body) throws IOException, InterruptedException {
        Path d = dir.resolve(ns);
        Files.createDirectories(d.resolve("logs"));
        String conf = """
                user root;
                worker_processes 1;
                daemon off;
                master_process off;
                pid %1$s/nginx.pid;
                error_log %1$s/logs/error.log warn;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/tmp-body;
                    proxy_temp_path %1$s/tmp-proxy;
                    fastcgi_temp_path %1$s/tmp-fastcgi;
                    uwsgi_temp_path %1$s/tmp-uwsgi;
                    scgi_temp_path %1$s/tmp-scgi;
                    default_type text/plain;
                    server {
                        listen 80;
                        location / { return 200 "%2$s\\n"; }
                    }
                }
                """.formatted(d, body);
        Files.writeString(d.resolve("nginx.conf"), conf);
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, "/usr/sbin/nginx", "-p", d.toString(), "-c",
                d.resolve("nginx.conf").toString()).redirectErrorStream(true)
                .redirectOutput(d.resolve("logs/stdout.log").toFile()).start();
        processes.add(p);
        for (int i = 0; i < 100; i++) {
            if (sh("ip", "netns", "exec", ns, "ss", "-ltnH").contains(":80 ")) {
                return p;
            }
            if (!p.isAlive()) {
                throw new IOException("nginx in " + ns + " exited: " + read(d.resolve("logs/error.log")));
            }
            Thread.sleep(50);
        }
        throw new IOException("nginx in " + ns + " did not listen within 5 s");
    }

    private static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        return Files.exists(p.resolve("bin/lvs4j")) ? p : p.getParent();
    }

    private static boolean waitUntil(Duration max, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (System.nanoTime() - end < 0) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(200);
        }
        return condition.getAsBoolean();
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String sh(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", argv) + " timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + " failed (" + p.exitValue() + "): " + out);
        }
        return out;
    }
}
