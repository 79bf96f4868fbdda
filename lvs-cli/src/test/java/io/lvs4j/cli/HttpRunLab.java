package io.lvs4j.cli;

import static io.lvs4j.cli.UserspaceNet.waitUntil;
import static io.lvs4j.lab.NetnsLab.read;
import static io.lvs4j.lab.NetnsLab.sh;

import io.lvs4j.lab.NetnsLab;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The set-up {@link MonitoringIT} and {@link StatusPageIT} share, on this host's kernel (no IPVS:
 * the userspace forwarder, as {@link UserspaceRunIT}): a client namespace {@code c} that curls
 * the virtual address 192.0.2.10:80 through the director namespace {@code d} to two nginx real
 * servers (rs1 198.51.100.2, rs2 198.51.100.18; TCP_CHECK every second), and a VRRP instance VI_1
 * alone on its link (it becomes master); {@code bin/lvs4j run} with {@code global_defs lvs4j_http
 * 127.0.0.1:PORT}, its HTTP in the host namespace.
 */
final class HttpRunLab implements AutoCloseable {
    static final String VIP = "192.0.2.10";
    static final String RS1 = UserspaceNet.RS1;
    static final String RS2 = UserspaceNet.RS2;

    final UserspaceNet net;
    final String client;
    final Process nginx2;
    final Path log;
    final Path control;
    final Process run;
    final String http;
    private final HttpClient httpClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    HttpRunLab(String prefix, String jar) throws IOException, InterruptedException {
        String id = Long.toString(ProcessHandle.current().pid() % 100000);
        net = new UserspaceNet(prefix + id, prefix, VIP);
        try {
            Path dir = net.dir();
            client = net.ns("c");
            String d = net.ns("d");
            String r1 = net.ns("r1");
            String r2 = net.ns("r2");
            String p = net.ns("p"); // the VRRP link's far end: nothing answers there
            UserspaceNet.clientAndTwoRealServers(client, d, r1, r2);
            NetnsLab.veth(p, "eth0", d, "v0");
            NetnsLab.up(p, "eth0");
            NetnsLab.up(d, "v0");
            sh("ip", "-n", d, "addr", "add", "203.0.113.129/25", "dev", "v0");
            net.nginx(r1, "rs1");
            nginx2 = net.nginx(r2, "rs2").process();

            int httpPort = freePort();
            http = "http://127.0.0.1:" + httpPort;
            Path file = dir.resolve("keepalived.conf");
            Files.writeString(file, conf(httpPort));
            control = dir.resolve("lvs4j.sock");
            log = dir.resolve("run.log");
            run = net.track(Lvs4jCli.start(jar, log, "run", file.toString(), "--netns", d, "--userspace",
                    "--interface", "c0,e1,e2", "--control", control.toString()));
            if (!waitUntil(Duration.ofSeconds(20), () -> get("/status").startsWith("{"))) {
                throw new IOException("/status does not answer; log:\n" + read(log));
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            net.close();
            throw e;
        }
    }

    Path dir() {
        return net.dir();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String conf(int httpPort) {
        return "global_defs {\n router_id mon\n lvs4j_http 127.0.0.1:" + httpPort + "\n}\n"
                + "vrrp_instance VI_1 {\n state BACKUP\n interface v0\n virtual_router_id 71\n priority 150\n"
                + " advert_int 1\n virtual_ipaddress {\n  203.0.113.100/24\n }\n}\n"
                + "virtual_server " + VIP + " 80 {\n delay_loop 1\n lb_algo wrr\n lb_kind NAT\n protocol TCP\n"
                + realServer(RS1) + realServer(RS2) + "}\n";
    }

    private static String realServer(String address) {
        return " real_server " + address + " 80 {\n  weight 1\n  TCP_CHECK {\n   connect_timeout 5\n  }\n }\n";
    }

    /** GET on lvs4j run's HTTP: the body, or "HTTP n"/"ERR:" and why. */
    String get(String path) {
        return fetch(http + path);
    }

    String fetch(String url) {
        try {
            HttpResponse<String> r = httpClient.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : "HTTP " + r.statusCode() + ": " + r.body();
        } catch (IOException e) {
            return "ERR: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "ERR: interrupted";
        }
    }

    /** Curls until both real servers answered, then {@code n} more. */
    List<String> traffic(int n) throws InterruptedException {
        if (!waitUntil(Duration.ofSeconds(20), () -> {
            List<String> r = net.curls(client, 2);
            return r.contains("rs1") && r.contains("rs2");
        })) {
            throw new AssertionError("both real servers do not answer; log:\n" + read(log));
        }
        return net.curls(client, n);
    }

    /** Stops rs2's nginx and waits until /status has it down. */
    void failRs2() throws InterruptedException {
        nginx2.destroy();
        nginx2.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        if (!waitUntil(Duration.ofSeconds(15), () -> get("/status").contains("\"health\" : \"DOWN\""))) {
            throw new AssertionError("rs2 not down in /status:\n" + get("/status"));
        }
    }

    @Override
    public void close() {
        net.close();
    }
}
