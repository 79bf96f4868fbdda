package io.lvs4j.metrics;

import static io.lvs4j.metrics.BgpLoopback.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.RealServer;
import io.lvs4j.VirtualService;
import io.lvs4j.director.Director;
import io.lvs4j.table.InMemoryIpvs;
import io.lvs4j.time.VirtualClock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

/**
 * The BGP sessions of route health injection in {@link LvsMetrics} and {@link DirectorJson}: a
 * director whose speaker holds a real session over loopback with a passive speaker
 * ({@link BgpLoopback}).
 */
class BgpStateTest {
    private final MeterRegistry registry = new SimpleMeterRegistry();

    private double gauge(String name) {
        return registry.get(name).tag("neighbor", "127.0.0.1").gauge().value();
    }

    @Test
    void metrics_sessionEstablished_state6Established1OnePrefix() throws Exception {
        try (BgpLoopback lab = new BgpLoopback()) {
            LvsMetrics.builder(lab.director).build().bindTo(registry);
            assertThat(waitUntil(() -> gauge("lvs.bgp.announced.prefixes") == 1)).isTrue();
            assertThat(gauge("lvs.bgp.session.state")).isEqualTo(6);
            assertThat(gauge("lvs.bgp.session.established")).isEqualTo(1);
        }
    }

    @Test
    void metrics_peerGone_establishedZeroStateBelowEstablishedNoPrefix() throws Exception {
        try (BgpLoopback lab = new BgpLoopback()) {
            LvsMetrics.builder(lab.director).build().bindTo(registry);
            assertThat(waitUntil(() -> gauge("lvs.bgp.session.established") == 1)).isTrue();
            lab.peer.close();
            assertThat(waitUntil(() -> gauge("lvs.bgp.session.established") == 0)).isTrue();
            assertThat(gauge("lvs.bgp.session.state")).isBetween(1.0, 5.0);
            assertThat(gauge("lvs.bgp.announced.prefixes")).isZero();
        }
    }

    @Test
    void metrics_withoutSnapshotMeters_bgpMetersStillInRegistryWithPrometheusNames() throws Exception {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (BgpLoopback lab = new BgpLoopback()) {
            LvsMetrics.builder(lab.director).registerSnapshotMeters(false).build().bindTo(prometheus);
            assertThat(waitUntil(() -> prometheus.scrape().contains("lvs_bgp_session_established{neighbor=\"127.0.0.1\"} 1")))
                    .as(prometheus.scrape()).isTrue();
            assertThat(prometheus.scrape()).contains("lvs_bgp_session_state{neighbor=\"127.0.0.1\"} 6",
                    "lvs_bgp_announced_prefixes{neighbor=\"127.0.0.1\"} 1");
        } finally {
            prometheus.close();
        }
    }

    @Test
    void metrics_noRouteHealthInjection_noBgpMeters() throws Exception {
        VirtualService web = VirtualService.tcp("192.0.2.100", 80).realServer(RealServer.of("10.0.0.2", 80).route())
                .build();
        try (Director d = Director.builder().service(web).ipvs(new InMemoryIpvs()).virtualClock(new VirtualClock())
                .start()) {
            LvsMetrics.builder(d).build().bindTo(registry);
            assertThat(registry.find("lvs.bgp.session.state").meters()).isEmpty();
            assertThat(registry.find("lvs.bgp.announced.prefixes").meters()).isEmpty();
        }
    }

    @Test
    void tag_neighbor_rejectedAsOwnLabel() {
        VirtualService web = VirtualService.tcp("192.0.2.100", 80).realServer(RealServer.of("10.0.0.2", 80).route())
                .build();
        try (Director d = Director.builder().service(web).ipvs(new InMemoryIpvs()).virtualClock(new VirtualClock())
                .start()) {
            assertThatThrownBy(() -> LvsMetrics.builder(d).tag("neighbor", "x"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("tag key: \"neighbor\" (expected: a name other than");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void json_sessionEstablished_sessionAndAnnouncedAddresses() throws Exception {
        try (BgpLoopback lab = new BgpLoopback()) {
            assertThat(waitUntil(() -> !lab.director.announcedAddresses().isEmpty()
                    && lab.director.bgpSessions().get(0).announced().size() == 1)).isTrue();
            String json = DirectorJson.state(lab.director);
            assertThat(json).contains("\"bgpSessions\" : [ {\n    \"neighbor\" : \"127.0.0.1\",\n"
                    + "    \"remoteAs\" : 65000,\n    \"state\" : \"ESTABLISHED\",")
                    .contains("\"announced\" : [ \"198.51.100.10\" ]", "\"establishedTransitions\" : 1")
                    .endsWith("\"announcedAddresses\" : [ \"198.51.100.10\" ]\n}\n");
        }
    }

    @Test
    void json_withoutSessions_emptyBgpArrays() throws Exception {
        VirtualService web = VirtualService.tcp("192.0.2.100", 80).realServer(RealServer.of("10.0.0.2", 80).route())
                .build();
        try (Director d = Director.builder().service(web).ipvs(new InMemoryIpvs()).virtualClock(new VirtualClock())
                .start()) {
            assertThat(DirectorJson.state(d)).isEqualTo(DirectorJson.state(d.state()))
                    .endsWith("\"syncDaemons\" : [ ],\n  \"bgpSessions\" : [ ],\n  \"announcedAddresses\" : [ ]\n}\n");
        }
    }
}
