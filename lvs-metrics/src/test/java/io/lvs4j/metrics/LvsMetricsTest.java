package io.lvs4j.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.lvs4j.RealServer;
import io.lvs4j.VirtualService;
import io.lvs4j.director.Director;
import io.lvs4j.director.DirectorEvent;
import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.director.config.ReadOptions;
import io.lvs4j.health.CheckContext;
import io.lvs4j.health.CheckPolicy;
import io.lvs4j.health.CheckResult;
import io.lvs4j.health.Checker;
import io.lvs4j.health.FailureReason;
import io.lvs4j.health.ServiceHealth;
import io.lvs4j.table.InMemoryIpvs;
import io.lvs4j.table.IpvsStats;
import io.lvs4j.time.VirtualClock;
import io.lvs4j.vrrp.memory.InMemoryNetwork;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.RequiredSearch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link LvsMetrics} on a {@link SimpleMeterRegistry} against an in-memory director on a virtual clock. */
class LvsMetricsTest {
    private static final CheckPolicy FAST = CheckPolicy.builder().interval(Duration.ofSeconds(2)).retry(1)
            .delayBeforeRetry(Duration.ofSeconds(1)).build();

    private final VirtualClock clock = new VirtualClock();
    private final InMemoryNetwork network = new InMemoryNetwork(clock);
    private final InMemoryIpvs table = new InMemoryIpvs();
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final List<Director> started = new ArrayList<>();

    @AfterEach
    void closeAll() {
        started.forEach(Director::close);
    }

    /** A checker whose answer the test sets. */
    static final class Settable implements Checker {
        volatile boolean up = true;

        @Override
        public CompletionStage<CheckResult> check(CheckContext context) {
            return CompletableFuture.completedFuture(up ? CheckResult.up(1000)
                    : CheckResult.down(FailureReason.REFUSED, "set down by the test", 1000));
        }

        @Override
        public String describe() {
            return "SETTABLE";
        }
    }

    private static final String VRRP = "vrrp_instance VI_1 {\n state BACKUP\n interface eth0\n virtual_router_id 51\n"
            + " priority 100\n advert_int 1\n virtual_ipaddress {\n  192.0.2.100/24\n }\n}\n";

    private static VirtualService web() {
        return VirtualService.tcp("192.0.2.100", 80).scheduler("wrr")
                .realServer(RealServer.of("198.51.100.2", 80).weight(3).route())
                .realServer(RealServer.of("198.51.100.3", 80).weight(1).route()).build();
    }

    private Director start(Director.Builder b) throws Exception {
        Director d = b.ipvs(table).virtualClock(clock).inMemoryVrrp(network, "a", InetAddress.getByName("192.0.2.1"))
                .start();
        started.add(d);
        return d;
    }

    private static KeepalivedConfig parse(String text) throws Exception {
        return KeepalivedConfig.parse("keepalived.conf", text, ReadOptions.defaults()).config();
    }

    private RequiredSearch backend(String name, String address, String port) {
        return registry.get(name).tags("local_address", "192.0.2.100", "local_port", "80", "proto", "TCP",
                "local_mark", "", "remote_address", address, "remote_port", port);
    }

    @Test
    void backendMeters_tableHasConnectionsAndCounters_readWithNodeExporterLabels() throws Exception {
        VirtualService web = web();
        Director d = start(Director.builder().service(web));
        LvsMetrics.builder(d).build().bindTo(registry);
        table.connections(web.key(), "198.51.100.2", 80, 7, 2);
        table.stats(web.key(), "198.51.100.2", 80, new IpvsStats(11, 120, 110, 9000, 150000, 0, 0, 0, 0, 0));
        clock.advance(Duration.ofSeconds(3)); // the refresh interval: the snapshot takes the table's counters

        assertThat(backend("lvs.backend.connections.active", "198.51.100.2", "80").gauge().value()).isEqualTo(7);
        assertThat(backend("lvs.backend.connections.inactive", "198.51.100.2", "80").gauge().value()).isEqualTo(2);
        assertThat(backend("lvs.backend.connections", "198.51.100.2", "80").functionCounter().count()).isEqualTo(11);
        assertThat(backend("lvs.backend.incoming.packets", "198.51.100.2", "80").functionCounter().count())
                .isEqualTo(120);
        assertThat(backend("lvs.backend.outgoing", "198.51.100.2", "80").functionCounter().count()).isEqualTo(150000);
        assertThat(backend("lvs.backend.weight", "198.51.100.2", "80").gauge().value()).isEqualTo(3);
        assertThat(backend("lvs.backend.weight.configured", "198.51.100.3", "80").gauge().value()).isEqualTo(1);
        assertThat(backend("lvs.backend.up", "198.51.100.3", "80").gauge().value()).isEqualTo(1);
        assertThat(registry.get("lvs.service.connections.active").tags("local_address", "192.0.2.100").gauge().value())
                .isEqualTo(7);
    }

    @Test
    void checkFails_upGaugeZeroKernelWeightGoneFailureCountedByReason() throws Exception {
        VirtualService web = web();
        Settable c = new Settable();
        Director d = start(Director.builder().service(ServiceHealth.builder(web)
                .check(web.realServers().get(1), c, FAST).build()));
        LvsMetrics.builder(d).build().bindTo(registry);
        clock.advance(Duration.ofSeconds(3));
        assertThat(backend("lvs.backend.up", "198.51.100.3", "80").gauge().value()).isEqualTo(1);

        c.up = false;
        clock.advance(Duration.ofSeconds(10));
        assertThat(backend("lvs.backend.up", "198.51.100.3", "80").gauge().value()).isZero();
        assertThat(backend("lvs.backend.weight", "198.51.100.3", "80").gauge().value()).isEqualTo(-1);
        assertThat(backend("lvs.backend.weight.desired", "198.51.100.3", "80").gauge().value()).isEqualTo(-1);
        assertThat(backend("lvs.backend.check.failures", "198.51.100.3", "80").tag("reason", "REFUSED").counter()
                .count()).isEqualTo(1);
        assertThat(registry.get("lvs.health.events").tag("type", "REAL_SERVER_DOWN").counter().count()).isEqualTo(1);
        assertThat(registry.get("lvs.kernel.changes").tag("kind", "REMOVE_SERVER").counter().count()).isEqualTo(1);
        // each check: the timer has them all with Settable's 1000 ns; failures by kind and reason
        var checks = registry.get("lvs.check").tag("check", "SETTABLE").timer();
        assertThat(checks.count()).isGreaterThanOrEqualTo(3);
        assertThat(checks.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(checks.count() * 1000.0);
        assertThat(registry.get("lvs.check.failures").tags("check", "SETTABLE", "reason", "REFUSED").counter().count())
                .isGreaterThanOrEqualTo(2); // retry 1: two failed checks take it down
    }

    @Test
    void vrrp_alone_becomesMasterStateTwoAndTransitionCounted() throws Exception {
        Director d = start(Director.builder().config(parse(VRRP).toDirectorConfig()));
        LvsMetrics.builder(d).tag("director", "lb1").build().bindTo(registry);
        assertThat(registry.get("lvs.vrrp.state").tags("iname", "VI_1", "director", "lb1").gauge().value())
                .isEqualTo(1); // BACKUP
        clock.advance(Duration.ofSeconds(5));
        assertThat(registry.get("lvs.vrrp.state").tags("iname", "VI_1").gauge().value()).isEqualTo(2);
        assertThat(registry.get("lvs.vrrp.addresses.held").tags("iname", "VI_1").gauge().value()).isEqualTo(1);
        assertThat(registry.get("lvs.vrrp.priority").tags("iname", "VI_1").gauge().value()).isEqualTo(100);
        assertThat(registry.get("lvs.vrrp.transitions").tags("iname", "VI_1", "from", "BACKUP", "to", "MASTER")
                .counter().count()).isEqualTo(1);
    }

    @Test
    void vrrpAdverts_masterAndBackup_sentByOneReceivedByTheOther() throws Exception {
        Director a = start(Director.builder().config(parse(VRRP.replace("priority 100", "priority 150"))
                .toDirectorConfig()));
        Director b = Director.builder().config(parse(VRRP).toDirectorConfig())
                .ipvs(new InMemoryIpvs()).virtualClock(clock)
                .inMemoryVrrp(network, "b", InetAddress.getByName("192.0.2.2")).start();
        started.add(b);
        MeterRegistry ra = new SimpleMeterRegistry();
        LvsMetrics.builder(a).registerSnapshotMeters(false).build().bindTo(ra);
        LvsMetrics.builder(b).build().bindTo(registry);
        clock.advance(Duration.ofSeconds(10)); // a becomes master and advertises every second

        double sent = ra.get("lvs.vrrp.adverts.sent").tag("iname", "VI_1").functionCounter().count();
        assertThat(sent).isGreaterThanOrEqualTo(5);
        assertThat(registry.get("lvs.vrrp.adverts.sent").tag("iname", "VI_1").functionCounter().count()).isZero();
        double received = registry.get("lvs.vrrp.adverts.received").tag("iname", "VI_1").functionCounter().count();
        assertThat(received).isGreaterThanOrEqualTo(sent - 2).isLessThanOrEqualTo(sent); // as of b's last publish
        assertThat(registry.get("lvs.vrrp.adverts.dropped").tags("iname", "VI_1", "reason", "VRID_MISMATCH")
                .functionCounter().count()).isZero();
        assertThat(registry.get("lvs.vrrp.state").tag("iname", "VI_1").gauge().value()).isEqualTo(1); // b: BACKUP
    }

    @Test
    void reload_serviceReplaced_newMetersRegisteredOldRemoved() throws Exception {
        String one = "virtual_server 192.0.2.100 80 {\n lb_algo rr\n lb_kind DR\n protocol TCP\n"
                + " real_server 198.51.100.2 80 {\n  weight 1\n }\n}\n";
        String two = "virtual_server 192.0.2.200 443 {\n lb_algo rr\n lb_kind DR\n protocol TCP\n"
                + " real_server 198.51.100.9 443 {\n  weight 1\n }\n}\n";
        Director d = start(Director.builder().config(parse(one).toDirectorConfig()));
        LvsMetrics m = LvsMetrics.builder(d).build();
        m.bindTo(registry);
        assertThat(registry.find("lvs.backend.up").tag("remote_address", "198.51.100.2").gauge()).isNotNull();

        d.apply(parse(two).toDirectorConfig());
        m.update();
        assertThat(registry.find("lvs.backend.up").tag("remote_address", "198.51.100.2").gauge()).isNull();
        assertThat(registry.find("lvs.service.in.kernel").tag("local_address", "192.0.2.100").gauge()).isNull();
        assertThat(registry.get("lvs.backend.up").tags("local_address", "192.0.2.200", "local_port", "443",
                "remote_address", "198.51.100.9", "remote_port", "443").gauge().value()).isEqualTo(1);
        assertThat(registry.get("lvs.config.applied").counter().count()).isEqualTo(1);
    }

    @Test
    void fwmarkService_labels_markSetAddressPortProtoEmpty() throws Exception {
        VirtualService fw = VirtualService.fwmark(7).realServer(RealServer.of("198.51.100.2", 80).route()).build();
        Director d = start(Director.builder().service(fw));
        LvsMetrics.builder(d).build().bindTo(registry);
        assertThat(registry.get("lvs.backend.in.kernel").tags("local_address", "", "local_port", "", "proto", "",
                "local_mark", "7", "remote_address", "198.51.100.2", "remote_port", "80").gauge().value()).isEqualTo(1);
    }

    @Test
    void scrape_directorLoopBlocked_gaugesAnswerAtOnce() throws Exception {
        VirtualService web = web();
        CountDownLatch inListener = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Director d = Director.builder().ipvs(new InMemoryIpvs()).service(web).start(); // its own thread
        started.add(d);
        LvsMetrics.builder(d).build().bindTo(registry);
        d.addListener(e -> {
            if (e instanceof DirectorEvent.KernelChange) {
                inListener.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS); // the director's loop stalls here
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        Thread changer = new Thread(() -> {
            try {
                d.weight(web.key(), InetAddress.getByName("198.51.100.2"), 80, 5);
            } catch (Exception x) {
                // the test looks at the meters only
            }
        });
        changer.start();
        try {
            assertThat(inListener.await(5, TimeUnit.SECONDS)).isTrue();
            double w = assertTimeoutPreemptively(Duration.ofSeconds(1), () -> {
                registry.getMeters().forEach(m -> m.measure().forEach(x -> x.getValue()));
                return backend("lvs.backend.weight", "198.51.100.2", "80").gauge().value();
            });
            assertThat(w).isEqualTo(3); // the last published snapshot: the change is not through yet
        } finally {
            release.countDown();
            changer.join(5000);
        }
    }

    @Test
    void reconcileTimer_weightChanges_countAndTimeFromTheDirector() throws Exception {
        VirtualService web = web();
        Director d = Director.builder().ipvs(new InMemoryIpvs()).service(web).start(); // real clock
        started.add(d);
        LvsMetrics.builder(d).registerSnapshotMeters(false).build().bindTo(registry);
        d.weight(web.key(), InetAddress.getByName("198.51.100.2"), 80, 5);
        d.weight(web.key(), InetAddress.getByName("198.51.100.2"), 80, 6);
        var timer = registry.get("lvs.reconcile").functionTimer();
        assertThat(timer.count()).isEqualTo(3); // start, then the two changes
        assertThat(timer.totalTime(TimeUnit.NANOSECONDS)).isCloseTo((double) d.reconciles().nanos(), within(1.0))
                .isPositive(); // a double of nanoseconds from seconds: equal within rounding
        assertThat(registry.find("lvs.backend.up").gauge()).as("left to writeSnapshotMeters").isNull();
    }

    @Test
    void builder_nullDirector_rejectedNamingIt() {
        assertThatThrownBy(() -> LvsMetrics.builder(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("director");
    }

    @Test
    void builderTag_reservedOrRepeated_rejected() throws Exception {
        Director d = start(Director.builder().service(web()));
        assertThatThrownBy(() -> LvsMetrics.builder(d).tag("remote_address", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("remote_address");
        assertThatThrownBy(() -> LvsMetrics.builder(d).tag("site", "a").tag("site", "b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("site");
    }
}
