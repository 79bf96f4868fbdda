package io.lvs4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs4j.RealServer;
import io.lvs4j.VirtualService;
import io.lvs4j.director.Director;
import io.lvs4j.director.DirectorEvent;
import io.lvs4j.director.DirectorState;
import io.lvs4j.health.CheckContext;
import io.lvs4j.health.CheckPolicy;
import io.lvs4j.health.CheckResult;
import io.lvs4j.health.CheckRuntime;
import io.lvs4j.health.Checker;
import io.lvs4j.health.FailureReason;
import io.lvs4j.health.ServiceHealth;
import io.lvs4j.lab.NotifySocket;
import io.lvs4j.netlink.SystemdNotifier;
import io.lvs4j.table.InMemoryIpvs;
import io.lvs4j.table.IpvsStats;
import io.lvs4j.vrrp.RouterState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lvs4j run}'s systemd side in process: a real {@link Director} (in-memory IPVS table, real
 * threads), its {@link SystemdService}, and a python3 datagram socket standing in for systemd's
 * notification socket with a 1 s watchdog (pings due every 0.5 s). The loops are stalled on
 * purpose: a listener holding the director's loop, a task holding the checks' event loop.
 */
class SystemdServiceTest {
    private static final Duration WATCHDOG = Duration.ofSeconds(1);
    private static final CheckPolicy FAST = CheckPolicy.builder().interval(Duration.ofMillis(200)).retry(0)
            .delayBeforeRetry(Duration.ofMillis(200)).build();

    @TempDir
    Path dir;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final StringWriter errText = new StringWriter();
    private final PrintWriter err = new PrintWriter(errText, true);
    private NotifySocket systemd;

    @BeforeAll
    static void python() {
        assumeTrue(NotifySocket.isAvailable(), "python3 is needed for the stand-in of systemd's socket");
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    /** A checker the test turns up or down. */
    static final class Switch implements Checker {
        volatile boolean up;

        Switch(boolean up) {
            this.up = up;
        }

        @Override
        public CompletionStage<CheckResult> check(CheckContext context) {
            return CompletableFuture.completedFuture(up ? CheckResult.up(1000)
                    : CheckResult.down(FailureReason.REFUSED, "down by the test", 1000));
        }

        @Override
        public String describe() {
            return "SWITCH";
        }
    }

    private static VirtualService service(String vip) {
        return VirtualService.tcp(vip, 80).realServer(RealServer.of("198.51.100.2", 80).route())
                .realServer(RealServer.of("198.51.100.3", 80).route()).build();
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        closing.add(c);
        return c;
    }

    private SystemdService service(Director d) throws Exception {
        systemd = closeLater(NotifySocket.bind(dir.resolve("notify").toString()));
        SystemdNotifier n = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", systemd.address(),
                "WATCHDOG_USEC", Long.toString(WATCHDOG.toNanos() / 1000)));
        return closeLater(SystemdService.start(n, d::heartbeat, d::state, out, err));
    }

    /** The WATCHDOG=1 messages that arrive during {@code d}. */
    private List<NotifySocket.Message> pingsDuring(Duration d) throws Exception {
        return systemd.during(d).stream().filter(m -> m.has("WATCHDOG=1")).toList();
    }

    private static Predicate<NotifySocket.Message> status(String text) {
        return m -> m.value("STATUS").map(s -> s.contains(text)).orElse(false);
    }

    @Test
    void start_directorStarted_readyWithStatusThenStatusFollowsHealth() throws Exception {
        Switch down = new Switch(false);
        VirtualService web = service("192.0.2.10");
        Director d = closeLater(Director.builder().ipvs(new InMemoryIpvs())
                .service(ServiceHealth.builder(web).check(web.realServers().get(0), down,
                        FAST.toBuilder().alpha().build()).build())
                .service(service("192.0.2.11")).start());
        service(d);
        NotifySocket.Message ready = systemd.next(Duration.ofSeconds(10));
        assertThat(ready).as("a first message; receiver: %s", systemd.errors()).isNotNull();
        assertThat(ready.lines()).containsExactly("READY=1", "STATUS=2 services, 3/4 real servers up");
        assertThat(ready.senderPid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(outBytes.toString(StandardCharsets.UTF_8)).contains("systemd: READY=1 sent; WATCHDOG=1 every 0.5 s");

        down.up = true;
        assertThat(systemd.await(status("2 services, 4/4 real servers up"), Duration.ofSeconds(10)))
                .as("STATUS follows the check").isNotNull();
    }

    @Test
    void watchdog_loopsLive_pingsAtHalfTheTimeout() throws Exception {
        Director d = closeLater(Director.builder().ipvs(new InMemoryIpvs()).service(service("192.0.2.10")).start());
        service(d);
        List<NotifySocket.Message> pings = pingsDuring(Duration.ofMillis(3200));
        assertThat(pings).hasSizeBetween(5, 7); // one each 0.5 s
        for (int i = 1; i < pings.size(); i++) {
            long gap = pings.get(i).monotonicNanos() - pings.get(i - 1).monotonicNanos();
            assertThat(gap).as("gap %d", i).isBetween(TimeUnit.MILLISECONDS.toNanos(250), WATCHDOG.toNanos() - 1);
        }
    }

    @Test
    void watchdog_directorLoopStalled_pingsStopUntilItRunsAgain() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Director d = closeLater(Director.builder().ipvs(new InMemoryIpvs()).listener(e -> {
            if (e instanceof DirectorEvent.KernelChange) {
                blocked.countDown();
                await(release);
            }
        }).start());
        service(d);
        assertThat(pingsDuring(Duration.ofMillis(1200))).isNotEmpty();
        Thread adder = new Thread(() -> {
            try {
                d.putService(service("192.0.2.10")); // its kernel change event holds the loop
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        adder.start();
        assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
        try {
            // within one interval the pinger sees it; from then on nothing for longer than the timeout
            assertThat(systemd.await(status("Stalled: no progress in the director's loop"), Duration.ofSeconds(3)))
                    .as("a STATUS naming the stalled loop").isNotNull();
            assertThat(pingsDuring(WATCHDOG.multipliedBy(2))).as("no WATCHDOG=1 while the loop is stuck").isEmpty();
            assertThat(errText.toString()).contains("lvs4j: watchdog: no progress in the director's loop for ");
        } finally {
            release.countDown();
        }
        assertThat(systemd.await("WATCHDOG=1", Duration.ofSeconds(3))).as("pings again").isNotNull();
        adder.join(10_000);
    }

    @Test
    void watchdog_healthEventLoopStalled_pingsStopUntilItRunsAgain() throws Exception {
        CheckRuntime rt = closeLater(CheckRuntime.create());
        VirtualService web = service("192.0.2.10");
        Director d = closeLater(Director.builder().ipvs(new InMemoryIpvs()).checkRuntime(rt)
                .service(ServiceHealth.builder(web).check(web.realServers().get(0), new Switch(true), FAST).build())
                .start());
        service(d);
        assertThat(pingsDuring(Duration.ofMillis(1200))).isNotEmpty();
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        rt.eventLoop().next().execute(() -> {
            blocked.countDown();
            await(release);
        });
        assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
        try {
            assertThat(systemd.await(status("Stalled: no progress in the health checks' event loop"),
                    Duration.ofSeconds(3)))
                    .as("a STATUS naming the stalled loop").isNotNull();
            assertThat(pingsDuring(WATCHDOG.multipliedBy(2))).as("no WATCHDOG=1 while the loop is stuck").isEmpty();
        } finally {
            release.countDown();
        }
        assertThat(systemd.await("WATCHDOG=1", Duration.ofSeconds(3))).as("pings again").isNotNull();
        assertThat(errText.toString()).contains("lvs4j: watchdog: progress again after ");
    }

    @Test
    void reload_reloadingWithTheMonotonicClockThenReady() throws Exception {
        Director d = closeLater(Director.builder().ipvs(new InMemoryIpvs()).service(service("192.0.2.10")).start());
        SystemdService s = service(d);
        assertThat(systemd.await("READY=1", Duration.ofSeconds(10))).isNotNull();
        s.reloading();
        NotifySocket.Message r = systemd.await("RELOADING=1", Duration.ofSeconds(5));
        assertThat(r).isNotNull();
        long usec = Long.parseLong(r.value("MONOTONIC_USEC").orElseThrow());
        assertThat(usec).isLessThanOrEqualTo(r.monotonicNanos() / 1000).isGreaterThan(r.monotonicNanos() / 1000 - 5_000_000);
        s.reloaded(true);
        assertThat(systemd.await("READY=1", Duration.ofSeconds(5)).value("STATUS"))
                .contains("1 service, 2/2 real servers up");
        s.reloading();
        s.reloaded(false);
        assertThat(systemd.await("READY=1", Duration.ofSeconds(5)).value("STATUS")).contains(
                "last reload failed (see the log), running the configuration before it; 1 service, 2/2 real servers up");
    }

    @Test
    void stopping_stoppingSentAndNoMorePings() throws Exception {
        Director d = closeLater(Director.builder().ipvs(new InMemoryIpvs()).start());
        SystemdService s = service(d);
        assertThat(systemd.await("WATCHDOG=1", Duration.ofSeconds(3))).isNotNull();
        s.stopping();
        assertThat(systemd.await("STOPPING=1", Duration.ofSeconds(3))).isNotNull();
        assertThat(pingsDuring(WATCHDOG.multipliedBy(2))).isEmpty();
    }

    @Test
    void start_noNotifySocket_sendsNothingAndStartsNoThread() throws Exception {
        Director d = closeLater(Director.builder().ipvs(new InMemoryIpvs()).start());
        SystemdService s = closeLater(SystemdService.start(SystemdNotifier.fromEnvironment(Map.of()), d::heartbeat,
                d::state, out, err));
        s.reloading();
        s.reloaded(false);
        s.stopping();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("lvs4j-systemd"));
        assertThat(outBytes.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(errText.toString()).isEmpty();
    }

    private static DirectorState.Instance instance(String name, RouterState state) {
        return DirectorState.Instance.builder(name).state(state).virtualAddresses(List.of("192.0.2.100/24"))
                .addressesHeld(state == RouterState.MASTER).build();
    }

    private static DirectorState.Service svc(boolean quorumUp, DirectorState.Health... health) {
        VirtualService vs = service("192.0.2.10");
        List<DirectorState.Server> servers = new ArrayList<>();
        for (int i = 0; i < health.length; i++) {
            servers.add(new DirectorState.Server(vs.realServers().get(i % 2), DirectorState.Role.REAL_SERVER, health[i],
                    1, 1, 0, 0, IpvsStats.ZERO));
        }
        servers.add(new DirectorState.Server(RealServer.of("203.0.113.9", 80).route().build(),
                DirectorState.Role.SORRY_SERVER, DirectorState.Health.UNCHECKED, 1, 1, 0, 0, IpvsStats.ZERO));
        return new DirectorState.Service(vs, vs, quorumUp, servers, 0, 0, IpvsStats.ZERO);
    }

    @Test
    void statusLine_instancesServicesAndRealServers() {
        DirectorState s = new DirectorState(List.of(instance("VI_1", RouterState.MASTER)),
                List.of(svc(true, DirectorState.Health.UP, DirectorState.Health.UNCHECKED),
                        svc(true, DirectorState.Health.UP, DirectorState.Health.UP)), List.of(), 0);
        assertThat(SystemdService.statusLine(s)).isEqualTo("VI_1 MASTER, 2 services, 4/4 real servers up");
    }

    @Test
    void statusLine_manyInstancesCountedByStateAndQuorumLost() {
        DirectorState s = new DirectorState(List.of(instance("A", RouterState.MASTER), instance("B", RouterState.BACKUP),
                instance("C", RouterState.MASTER), instance("D", RouterState.FAULT)),
                List.of(svc(false, DirectorState.Health.DOWN, DirectorState.Health.DOWN)), List.of(), 0);
        assertThat(SystemdService.statusLine(s)).isEqualTo(
                "4 VRRP instances (1 BACKUP, 2 MASTER, 1 FAULT), 1 service, 0/2 real servers up, quorum lost on 1");
    }

    @Test
    void statusLine_nothingConfigured_running() {
        assertThat(SystemdService.statusLine(new DirectorState(List.of(), List.of(), List.of(), 0))).isEqualTo("running");
    }

    private static void await(CountDownLatch release) {
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
