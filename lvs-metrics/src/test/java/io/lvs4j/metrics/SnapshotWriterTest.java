package io.lvs4j.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.RealServer;
import io.lvs4j.VirtualService;
import io.lvs4j.director.Director;
import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.director.config.ReadOptions;
import io.lvs4j.table.InMemoryIpvs;
import io.lvs4j.table.IpvsStats;
import io.lvs4j.time.VirtualClock;
import io.lvs4j.vrrp.memory.InMemoryNetwork;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link LvsMetrics#writeSnapshotMeters} against the reference: Micrometer's own Prometheus
 * registry with every meter registered.
 */
class SnapshotWriterTest {
    private static final String CONF = "vrrp_instance VI_1 {\n state BACKUP\n interface eth0\n virtual_router_id 51\n"
            + " priority 100\n advert_int 1\n virtual_ipaddress {\n  192.0.2.100/24\n }\n}\n"
            + "virtual_server 192.0.2.100 80 {\n lb_algo wrr\n lb_kind DR\n protocol TCP\n"
            + " real_server 198.51.100.2 80 {\n  weight 3\n }\n real_server 198.51.100.3 80 {\n  weight 1\n }\n}\n"
            + "virtual_server fwmark 7 {\n lb_algo rr\n lb_kind DR\n real_server 198.51.100.4 80 {\n  weight 2\n }\n}\n"
            + "virtual_server 2001:db8::10 443 {\n lb_algo rr\n lb_kind DR\n protocol UDP\n"
            + " real_server 2001:db8::2 443 {\n  weight 1\n }\n}\n";

    private final VirtualClock clock = new VirtualClock();
    private final InMemoryIpvs table = new InMemoryIpvs();
    private Director director;

    @AfterEach
    void close() {
        if (director != null) {
            director.close();
        }
    }

    private Director start(String conf) throws Exception {
        director = Director.builder()
                .config(KeepalivedConfig.parse("keepalived.conf", conf, ReadOptions.defaults()).config().toDirectorConfig())
                .ipvs(table).virtualClock(clock)
                .inMemoryVrrp(new InMemoryNetwork(clock), "a", InetAddress.getByName("192.0.2.1")).start();
        return director;
    }

    private static LvsMetrics.Builder tagged(Director d) {
        return LvsMetrics.builder(d).tag("director", "l\"b\\1").tag("dc.zone", "eu");
    }

    private static String registryScrape(PrometheusMeterRegistry r, String type) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        r.scrape(out, type);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** What lvs4j run --http serves: the snapshot meters written directly, then the registry's. */
    private static String direct(LvsMetrics m, PrometheusMeterRegistry events, String type) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeSnapshotMeters(out, type);
        events.scrape(out, type);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static List<String> sortedLines(String s) {
        List<String> l = new ArrayList<>(s.lines().toList());
        l.sort(null);
        return l;
    }

    /** Each sample's name belongs to the family of the last TYPE line, and each family comes once. */
    private static void assertFamiliesContiguous(String exposition, boolean openMetrics) {
        String family = null;
        List<String> seen = new ArrayList<>();
        for (String line : exposition.lines().toList()) {
            if (line.startsWith("# TYPE ")) {
                family = line.split(" ")[2];
                assertThat(seen).doesNotContain(family);
                seen.add(family);
            } else if (!line.startsWith("#")) {
                String name = line.substring(0, line.indexOf('{') > 0 ? line.indexOf('{') : line.indexOf(' '));
                String suffix = name.startsWith(family) ? name.substring(family.length()) : "not " + family;
                // a counter's samples end in _total (its family too in the text format), a summary's in _count, _sum
                assertThat(suffix).as(line + " under " + family).isIn("", "_count", "_sum",
                        openMetrics ? "_total" : "");
            }
        }
    }

    private void traffic() throws Exception {
        var web = director.state().services().get(0).key();
        table.connections(web, "198.51.100.2", 80, 7, 2);
        table.stats(web, "198.51.100.2", 80,
                new IpvsStats(11, 12_345_678, 110, 150_000_000L, 12_345_678_901_234L, 0, 0, 0, 0, 0));
        table.stats(web, "198.51.100.3", 80, new IpvsStats(1L << 54, 9_999_999, 10_000_000, 0, 1, 0, 0, 0, 0, 0));
        clock.advance(Duration.ofSeconds(5)); // a refresh, and VI_1 becomes MASTER
    }

    /** The director's meters scraped from a registry with every meter, and written directly. */
    private record Scrapes(String reference, String ours, PrometheusMeterRegistry events) {
    }

    /**
     * Starts {@link #CONF}, binds every meter to one registry and the event meters only to
     * another, makes {@link #traffic()}, and scrapes both ways in {@code contentType}.
     */
    private Scrapes scrapes(String contentType) throws Exception {
        start(CONF);
        PrometheusMeterRegistry all = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        tagged(director).build().bindTo(all);
        PrometheusMeterRegistry events = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        LvsMetrics m = tagged(director).registerSnapshotMeters(false).build();
        m.bindTo(events);
        traffic();
        return new Scrapes(registryScrape(all, contentType), direct(m, events, contentType), events);
    }

    @Test
    void writeSnapshotMeters_prometheusText_sameLinesAsRegistryWithEveryMeter() throws Exception {
        Scrapes s = scrapes(LvsMetrics.PROMETHEUS_CONTENT_TYPE);
        String reference = s.reference();
        String ours = s.ours();
        assertThat(reference).contains("lvs_backend_outgoing_bytes_total{").contains("lvs_vrrp_state{")
                .contains("dc_zone=\"eu\"");
        assertThat(sortedLines(ours)).isEqualTo(sortedLines(reference));
        assertFamiliesContiguous(ours, false);
        assertThat(registryScrape(s.events(), LvsMetrics.PROMETHEUS_CONTENT_TYPE)).doesNotContain("lvs_backend_up");
    }

    @Test
    void writeSnapshotMeters_openMetrics_sameLinesAsRegistryOneEofAtTheEnd() throws Exception {
        Scrapes s = scrapes(LvsMetrics.OPENMETRICS_CONTENT_TYPE);
        String reference = s.reference();
        String ours = s.ours();
        assertThat(sortedLines(ours)).isEqualTo(sortedLines(reference));
        assertThat(ours).endsWith("\n# EOF\n").containsOnlyOnce("# EOF");
        assertFamiliesContiguous(ours, true);
    }

    @Test
    void writeSnapshotMeters_reloadChangesServices_newOnesWrittenRemovedOnesGone() throws Exception {
        start(CONF);
        LvsMetrics m = LvsMetrics.builder(director).registerSnapshotMeters(false).build();
        ByteArrayOutputStream before = new ByteArrayOutputStream();
        m.writeSnapshotMeters(before, LvsMetrics.PROMETHEUS_CONTENT_TYPE);
        assertThat(before.toString(StandardCharsets.UTF_8)).contains("remote_address=\"198.51.100.3\"");

        director.apply(KeepalivedConfig.parse("keepalived.conf", CONF.replace("198.51.100.3", "198.51.100.9"),
                ReadOptions.defaults()).config().toDirectorConfig());
        ByteArrayOutputStream after = new ByteArrayOutputStream();
        m.writeSnapshotMeters(after, LvsMetrics.PROMETHEUS_CONTENT_TYPE);
        assertThat(after.toString(StandardCharsets.UTF_8)).doesNotContain("198.51.100.3\"")
                .contains("lvs_backend_weight{local_address=\"192.0.2.100\",local_mark=\"\",local_port=\"80\","
                        + "proto=\"TCP\",remote_address=\"198.51.100.9\",remote_port=\"80\"} 1.0");
    }

    @Test
    void writeSnapshotMeters_newStateSameShape_valuesOfTheNewState() throws Exception {
        start(CONF);
        LvsMetrics m = LvsMetrics.builder(director).registerSnapshotMeters(false).build();
        m.writeSnapshotMeters(new ByteArrayOutputStream(), LvsMetrics.PROMETHEUS_CONTENT_TYPE);
        table.connections(director.state().services().get(0).key(), "198.51.100.3", 80, 42, 0);
        clock.advance(Duration.ofSeconds(3));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeSnapshotMeters(out, LvsMetrics.PROMETHEUS_CONTENT_TYPE);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("lvs_backend_connections_active{local_address="
                + "\"192.0.2.100\",local_mark=\"\",local_port=\"80\",proto=\"TCP\",remote_address=\"198.51.100.3\","
                + "remote_port=\"80\"} 42.0");
        director.weight(director.state().services().get(0).key(), InetAddress.getByName("198.51.100.3"), 80, 9);
        out.reset();
        m.writeSnapshotMeters(out, LvsMetrics.PROMETHEUS_CONTENT_TYPE);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("lvs_backend_weight_configured{local_address="
                + "\"192.0.2.100\",local_mark=\"\",local_port=\"80\",proto=\"TCP\",remote_address=\"198.51.100.3\","
                + "remote_port=\"80\"} 9.0");
        assertThat(m.writer().encoded()).as("label sets encoded").isEqualTo(1);
    }

    @Test
    void writeSnapshotMeters_directorLoopBlocked_writesTheLastStateAtOnce() throws Exception {
        VirtualService web = VirtualService.tcp("192.0.2.100", 80)
                .realServer(RealServer.of("198.51.100.2", 80).weight(3).route()).build();
        director = Director.builder().ipvs(new InMemoryIpvs()).service(web).start(); // its own thread
        LvsMetrics m = LvsMetrics.builder(director).registerSnapshotMeters(false).build();
        java.util.concurrent.CountDownLatch inListener = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        director.addListener(e -> {
            if (e instanceof io.lvs4j.director.DirectorEvent.KernelChange) {
                inListener.countDown();
                try {
                    release.await(10, java.util.concurrent.TimeUnit.SECONDS); // the loop stalls here
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        Thread changer = new Thread(() -> {
            try {
                director.weight(web.key(), InetAddress.getByName("198.51.100.2"), 80, 5);
            } catch (Exception x) {
                // the test looks at the exposition only
            }
        });
        changer.start();
        try {
            assertThat(inListener.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            String text = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(1), () -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                m.writeSnapshotMeters(out, LvsMetrics.PROMETHEUS_CONTENT_TYPE);
                return out.toString(StandardCharsets.UTF_8);
            });
            // the published state: the change is not through
            assertThat(text).contains("\nlvs_backend_weight{local_address=\"192.0.2.100\",local_mark=\"\",local_port="
                    + "\"80\",proto=\"TCP\",remote_address=\"198.51.100.2\",remote_port=\"80\"} 3.0\n");
        } finally {
            release.countDown();
            changer.join(5000);
        }
    }

    @Test
    void putDouble_longsOfEveryMagnitude_asDoubleToString() throws Exception {
        SplittableRandom random = new SplittableRandom(13);
        List<Long> values = new ArrayList<>(List.of(0L, 1L, -1L, 9L, 10L, 9_999_999L, 10_000_000L, 10_000_001L,
                100_000_000L, 1_000_000_000_000L, (1L << 53) - 1, 1L << 53, (1L << 53) + 1, Long.MAX_VALUE,
                Long.MIN_VALUE, -12_345_678L));
        for (int i = 0; i < 200_000; i++) {
            long v = random.nextLong() >>> random.nextInt(64);
            values.add(random.nextBoolean() ? v : -v);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SnapshotWriter.Buffer b = new SnapshotWriter.Buffer(out);
        StringBuilder expected = new StringBuilder();
        for (long v : values) {
            b.putDouble(v);
            b.put((byte) '\n');
            expected.append(Double.toString((double) v)).append('\n');
        }
        b.flush();
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo(expected.toString());
    }

    @Test
    void writeSnapshotMeters_noVrrpNoServices_writesNothing() throws Exception {
        director = Director.builder().ipvs(table).virtualClock(clock).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LvsMetrics.builder(director).build().writeSnapshotMeters(out, LvsMetrics.OPENMETRICS_CONTENT_TYPE);
        assertThat(out.size()).isZero();
    }

    @Test
    void writeSnapshotMeters_realServerFields_valuesFromTheState() throws Exception {
        VirtualService web = VirtualService.tcp("192.0.2.100", 80)
                .realServer(RealServer.of("198.51.100.2", 80).weight(3).route()).build();
        director = Director.builder().ipvs(table).virtualClock(clock).service(web).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LvsMetrics.builder(director).build().writeSnapshotMeters(out, LvsMetrics.PROMETHEUS_CONTENT_TYPE);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("\nlvs_backend_weight_configured{local_address=\"192.0.2.100\",local_mark=\"\","
                        + "local_port=\"80\",proto=\"TCP\",remote_address=\"198.51.100.2\",remote_port=\"80\"} 3.0\n")
                .contains("# HELP lvs_backend_incoming_bytes_total ").contains("# TYPE lvs_service_quorum_up gauge\n");
    }
}
