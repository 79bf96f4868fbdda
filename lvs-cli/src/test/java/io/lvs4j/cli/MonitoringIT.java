package io.lvs4j.cli;

import static io.lvs4j.cli.UserspaceNet.waitUntil;
import static io.lvs4j.lab.NetnsLab.read;
import static io.lvs4j.lab.NetnsLab.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code lvs4j run} with {@code global_defs lvs4j_http} seen from outside, on this host's kernel
 * (no IPVS: the userspace forwarder, as {@link UserspaceRunIT}): a client namespace curls the
 * virtual address through the director namespace to two nginx real servers (TCP_CHECK every
 * second), and a VRRP instance alone on its link becomes master. Debian's Prometheus (its own
 * configuration, storage directory and loopback port, stopped by PID) scrapes {@code /metrics}
 * every second; the test asks Prometheus's HTTP API for the real servers' connection counts after
 * the traffic, the stopped real server's health as down and the VRRP state as master.
 * {@code /events}, read live from before the traffic and again as a replay afterwards, delivers
 * every event of the run in order, and {@code /status} is what {@code lvs4j status --json} prints.
 */
class MonitoringIT {
    private static final String VIP = HttpRunLab.VIP;
    private static final String RS1 = HttpRunLab.RS1;
    private static final String RS2 = HttpRunLab.RS2;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private HttpRunLab lab;
    private Process prometheus;

    @AfterEach
    void cleanUp() throws Exception {
        if (prometheus != null && prometheus.isAlive()) {
            sh("kill", "-TERM", Long.toString(prometheus.pid()));
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                sh("kill", "-KILL", Long.toString(prometheus.pid()));
            }
        }
        if (lab != null) {
            lab.close();
        }
    }

    /** The values of a Prometheus instant query, as "label set = value" lines. */
    String query(int port, String promql) {
        String body = lab.fetch("http://127.0.0.1:" + port + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        Matcher m = Pattern.compile("\"metric\":\\{([^}]*)\\},\"value\":\\[[0-9.]+,\"([^\"]*)\"\\]").matcher(body);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            sb.append(m.group(1)).append(" = ").append(m.group(2)).append('\n');
        }
        return sb.length() == 0 ? body : sb.toString();
    }

    /** Reads /events in the background: the events' ids and data lines as they come. */
    final class EventReader implements AutoCloseable {
        final List<Long> ids = new CopyOnWriteArrayList<>();
        final List<String> data = new CopyOnWriteArrayList<>();
        private final Thread thread;
        private volatile Stream<String> lines;

        EventReader(String url) {
            thread = new Thread(() -> {
                try {
                    HttpResponse<Stream<String>> r = client.send(HttpRequest.newBuilder(URI.create(url)).build(),
                            HttpResponse.BodyHandlers.ofLines());
                    lines = r.body();
                    lines.forEach(l -> {
                        if (l.startsWith("id: ")) {
                            ids.add(Long.parseLong(l.substring(4)));
                        } else if (l.startsWith("data: ")) {
                            data.add(l.substring(6));
                        }
                    });
                } catch (IOException | RuntimeException e) {
                    // closed
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "events reader");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            Stream<String> s = lines;
            if (s != null) {
                s.close();
            }
            thread.interrupt();
            thread.join(2000);
        }
    }

    @Test
    void runWithHttp_prometheusScrapes_eventsInOrder_statusAsStatusJson() throws Exception {
        assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"), "needs root for namespaces");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/prometheus")), "needs Debian's prometheus (lab/install-deps)");
        String jar = System.getProperty("lvs4j.cli.jar");
        assertThat(jar).as("system property lvs4j.cli.jar (set by failsafe)").isNotNull();
        lab = new HttpRunLab("mon", jar);
        Path dir = lab.dir();
        String http = lab.http;
        Path log = lab.log;
        Path control = lab.control;
        assertThat(read(log)).contains("HTTP on " + http + "/ (read-only");
        EventReader live = new EventReader(http + "/events");

        // Prometheus: its own configuration, storage and loopback port, a scrape every second
        int promPort = HttpRunLab.freePort();
        Path promConf = dir.resolve("prometheus.yml");
        Files.writeString(promConf, "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                + "scrape_configs:\n  - job_name: lvs4j\n    static_configs:\n      - targets: ['" + http.substring("http://".length())
                + "']\n");
        Path promLog = dir.resolve("prometheus.log");
        prometheus = new ProcessBuilder("/usr/bin/prometheus", "--config.file=" + promConf,
                "--storage.tsdb.path=" + dir.resolve("prometheus-data"), "--web.listen-address=127.0.0.1:" + promPort)
                .redirectErrorStream(true).redirectOutput(promLog.toFile()).start();

        // traffic: both real servers answer
        assertThat(lab.traffic(6)).containsOnly("rs1", "rs2");

        // Prometheus sees each real server's connections (the forwarder counts active and inactive ones, as
        // IPVS does; its count of connections ever scheduled stays 0) and its packets
        String conns = "(lvs_backend_connections_active{job=\"lvs4j\",local_address=\"" + VIP + "\",local_port=\"80\","
                + "proto=\"TCP\",remote_address=\"%1$s\",remote_port=\"80\"} + lvs_backend_connections_inactive"
                + "{remote_address=\"%1$s\"}) >= 1";
        assertThat(waitUntil(Duration.ofSeconds(30), () -> query(promPort, String.format(conns, RS1)).contains(" = ")
                && query(promPort, String.format(conns, RS2)).contains(" = ")))
                .as("connection counts in Prometheus: %s %s; prometheus log:\n%s",
                        query(promPort, "{__name__=~\"lvs_backend_connections_.*\"}"), lab.get("/metrics"),
                        read(promLog))
                .isTrue();
        assertThat(query(promPort, "lvs_backend_incoming_packets_total > 0")).contains(RS1, RS2);
        assertThat(waitUntil(Duration.ofSeconds(20), () -> query(promPort, "lvs_vrrp_state{iname=\"VI_1\"}")
                .endsWith(" = 2\n"))).as("VRRP state: %s; log:\n%s", query(promPort, "lvs_vrrp_state"), read(log))
                .isTrue();
        assertThat(query(promPort, "lvs_backend_up")).contains("\"remote_address\":\"" + RS2 + "\"").doesNotContain(" = 0");

        // rs2's nginx stops: its check takes it down, and Prometheus has it as down
        lab.failRs2();
        assertThat(waitUntil(Duration.ofSeconds(20), () -> query(promPort,
                "lvs_backend_up{remote_address=\"" + RS2 + "\"} == 0").contains(" = 0")))
                .as("rs2 down in Prometheus: %s", query(promPort, "lvs_backend_up")).isTrue();
        assertThat(query(promPort, "lvs_backend_up{remote_address=\"" + RS1 + "\"}")).endsWith(" = 1\n");
        assertThat(query(promPort, "lvs_backend_check_failures_total{remote_address=\"" + RS2 + "\"}"))
                .contains("\"reason\":\"REFUSED\"").endsWith(" = 1\n");
        System.out.println("== Prometheus after the traffic and rs2's failure\n"
                + query(promPort, "{__name__=~\"lvs_backend_connections_.*|lvs_backend_up|lvs_vrrp_state\"}"));

        // /status is what lvs4j status --json prints (taken in a quiet moment: no traffic, no change)
        String statusJson = "";
        String httpStatus = "-";
        for (int i = 0; i < 5 && !statusJson.equals(httpStatus); i++) {
            statusJson = Lvs4jCli.run(jar, "status", "--json", "--control", control.toString());
            httpStatus = lab.get("/status");
        }
        assertThat(httpStatus).isEqualTo(statusJson).contains("\"state\" : \"MASTER\"", "\"health\" : \"DOWN\"");

        // /events: the live stream and a replay afterwards hold every event 1..N in order, the same data
        assertThat(waitUntil(Duration.ofSeconds(5), () -> !live.ids.isEmpty())).isTrue();
        EventReader replay = new EventReader(http + "/events");
        long last = live.ids.get(live.ids.size() - 1);
        assertThat(waitUntil(Duration.ofSeconds(5), () -> replay.ids.contains(last))).isTrue();
        live.close();
        replay.close();
        List<Long> expected = new ArrayList<>();
        for (long i = 1; i <= last; i++) {
            expected.add(i);
        }
        assertThat(live.ids).as("live ids").startsWith(expected.toArray(new Long[0]));
        assertThat(replay.ids.subList(0, expected.size())).as("replayed ids").isEqualTo(expected);
        assertThat(replay.data.subList(0, expected.size())).isEqualTo(live.data.subList(0, expected.size()));
        String all = String.join("\n", live.data);
        assertThat(all).contains("\"type\":\"vrrpTransition\",\"instance\":\"VI_1\",\"from\":\"BACKUP\",\"to\":\"MASTER\"",
                "\"type\":\"health\",\"event\":\"REAL_SERVER_DOWN\",\"service\":\"TCP " + VIP + ":80\",\"realServer\":\""
                        + RS2 + ":80\"", "\"kind\":\"REMOVE_SERVER\"");
        System.out.println("== /events\n" + all);

        lab.run.destroy();
        assertThat(lab.run.waitFor(15, TimeUnit.SECONDS)).as("stopped; log:\n%s", read(log)).isTrue();
        assertThat(lab.run.exitValue()).as("exit status; log:\n%s", read(log)).isZero();
    }
}
