package io.lvs4j.director;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs4j.RealServer;
import io.lvs4j.Scheduler;
import io.lvs4j.VirtualService;
import io.lvs4j.health.CheckContext;
import io.lvs4j.health.CheckPolicy;
import io.lvs4j.health.CheckResult;
import io.lvs4j.health.Checker;
import io.lvs4j.health.Endpoint;
import io.lvs4j.health.HealthEvent;
import io.lvs4j.health.HttpChecker;
import io.lvs4j.health.HttpUrlCheck;
import io.lvs4j.health.ServiceHealth;
import io.lvs4j.health.TcpChecker;
import io.lvs4j.table.InMemoryIpvs;
import io.lvs4j.vrrp.RouterState;
import io.lvs4j.vrrp.InitialState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * VRRP and checks under a CPU-starved JVM. A Director in network namespace "j" (VRRP on raw
 * sockets, advert_int 1, IPVS in memory since the host kernel may lack IPVS) is paired with a real
 * keepalived 2.2.7 in namespace "ka": the director is master of VI_1 and backup of VI_2,
 * keepalived the other way round. Its real server is a real nginx on the loopback of "j", checked
 * with TCP_CHECK and HTTP_GET every 500 ms with fall 1 (one failed check would show). Then, for 25 s, this JVM
 * runs 2 busy threads per core at normal priority (more with {@code -Dlvs4j.starve.busyPerCore=N}),
 * plus threads allocating and dropping large arrays (GC pressure). Neither side may change state,
 * and the real server may not go down. It prints how late a 10 ms sleep woke up and how far apart
 * the checks started, to show the margin.
 */
class StarvedDirectorIT {
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    /** Busy threads per core (at least 2; more with -Dlvs4j.starve.busyPerCore=N to look for the margin). */
    private static final int BUSY_PER_CORE = Math.max(2, Integer.getInteger("lvs4j.starve.busyPerCore", 2));
    private static final Duration STARVATION = Duration.ofSeconds(Math.max(20,
            Integer.getInteger("lvs4j.starve.seconds", 25)));

    /** TCP_CHECK that notes when each check starts and what it found. */
    private static final class Recording implements Checker {
        final Checker delegate;
        final ConcurrentLinkedQueue<long[]> starts = new ConcurrentLinkedQueue<>(); // {nanos, up 1 / down 0}

        Recording(Checker delegate) {
            this.delegate = delegate;
        }

        @Override
        public CompletionStage<CheckResult> check(CheckContext context) {
            long t = System.nanoTime();
            return delegate.check(context).whenComplete((r, e) -> starts.add(new long[] {t,
                    r != null && r.isUp() ? 1 : 0}));
        }

        @Override
        public String describe() {
            return delegate.describe();
        }
    }

    private static long count(String text, String needle) {
        long n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void starvedJvm_keepalivedPeerAtAdvertInt1_noTransitionsAndNoCheckFlap() throws Exception {
        assumeTrue(HostLab.available(), "needs root, keepalived and nginx");
        try (HostLab lab = new HostLab("s")) {
            int port = HostLab.freePort();
            lab.nginx(lab.j, port); // in the director's namespace, where its checks run
            Path kaLog = lab.keepalived("global_defs {\n  router_id ex_ka\n  vrrp_garp_master_delay 0\n}\n"
                    + HostLab.keepalivedInstance("VI_1", "BACKUP", 71, 100, "192.0.2.101/24")
                    + HostLab.keepalivedInstance("VI_2", "MASTER", 72, 150, "192.0.2.102/24"));

            RealServer rs = RealServer.of("127.0.0.1", port).weight(2).masquerade().build();
            Recording check = new Recording(TcpChecker.of(Endpoint.of(rs.address(), rs.port())
                    .withConnectTimeout(Duration.ofSeconds(1))));
            Recording http = new Recording(HttpChecker.builder(Endpoint.of(rs.address(), rs.port())
                    .withConnectTimeout(Duration.ofSeconds(1)).withReadTimeout(Duration.ofSeconds(1)))
                    .url(HttpUrlCheck.builder("/").status(200).build()).build());
            ServiceHealth web = ServiceHealth.builder(VirtualService.tcp("192.0.2.101", 80).scheduler(Scheduler.WRR)
                    .realServer(rs).build())
                    .check(rs, check, CheckPolicy.builder().interval(Duration.ofMillis(500)).fall(1).rise(1).build())
                    .check(rs, http, CheckPolicy.builder().interval(Duration.ofMillis(500)).fall(1).rise(1).build())
                    .build();
            List<DirectorEvent> events = new ArrayList<>();
            InMemoryIpvs table = new InMemoryIpvs();
            try (Director d = Director.builder().netns(lab.j).ipvs(table).service(web)
                    .vrrpInstance(HostLab.lvs4jInstance("VI_1", InitialState.MASTER, 71, 150, "192.0.2.101/24"))
                    .vrrpInstance(HostLab.lvs4jInstance("VI_2", InitialState.BACKUP, 72, 100, "192.0.2.102/24"))
                    .listener(e -> {
                        synchronized (events) {
                            events.add(e);
                        }
                    })
                    .start()) {
                assertThat(HostLab.waitUntil(Duration.ofSeconds(20), () ->
                        d.state().instance("VI_1").get().state() == RouterState.MASTER
                                && d.state().instance("VI_2").get().state() == RouterState.BACKUP
                                && HostLab.read(kaLog).contains("(VI_1) Entering BACKUP STATE")
                                && HostLab.read(kaLog).contains("(VI_2) Entering MASTER STATE")))
                        .as("steady state; director %s; keepalived:%n%s", d.state().instances(), HostLab.read(kaLog))
                        .isTrue();
                Thread.sleep(3000); // settle: keepalived's first adverts, gratuitous ARPs
                // the master holds its VIP, and the state and the event stream say so
                assertThat(HostLab.sh("ip", "-n", lab.j, "-4", "addr", "show", "dev", HostLab.J_IF))
                        .contains("192.0.2.101/24").doesNotContain("192.0.2.102");
                assertThat(d.state().instance("VI_1").get().addressesHeld()).as("VI_1 holds its VIP").isTrue();
                assertThat(d.state().instance("VI_2").get().addressesHeld()).isFalse();
                synchronized (events) {
                    assertThat(events).as("events").anyMatch(e -> e instanceof DirectorEvent.VrrpTransition t
                            && t.instance().equals("VI_1") && t.to() == RouterState.MASTER);
                    assertThat(events).anyMatch(e -> e instanceof DirectorEvent.VirtualAddresses v
                            && v.instance().equals("VI_1") && v.held());
                }
                String kaBefore = HostLab.read(kaLog);
                int eventsBefore;
                synchronized (events) {
                    eventsBefore = events.size();
                }
                int checksBefore = check.starts.size();
                int httpBefore = http.starts.size();

                // ---- starve ----
                AtomicBoolean stop = new AtomicBoolean();
                AtomicLong spins = new AtomicLong();
                AtomicLong allocated = new AtomicLong();
                List<Thread> hogs = new ArrayList<>();
                for (int i = 0; i < BUSY_PER_CORE * CORES; i++) {
                    hogs.add(new Thread(() -> {
                        long n = 0;
                        while (!stop.get()) {
                            n++;
                        }
                        spins.addAndGet(n);
                    }, "ex-busy-" + i));
                }
                for (int i = 0; i < CORES; i++) {
                    hogs.add(new Thread(() -> {
                        byte[][] keep = new byte[64][];
                        int k = 0;
                        while (!stop.get()) {
                            keep[k++ & 63] = new byte[256 * 1024 + (k & 7) * 4096]; // kept a while: old-gen churn
                            allocated.addAndGet(keep[(k - 1) & 63].length);
                        }
                    }, "ex-alloc-" + i));
                }
                // how late a 10 ms sleep wakes up in this JVM: scheduling delay plus GC pauses
                AtomicLong maxLate = new AtomicLong();
                hogs.add(new Thread(() -> {
                    while (!stop.get()) {
                        long s0 = System.nanoTime();
                        try {
                            Thread.sleep(10);
                        } catch (InterruptedException e) {
                            return;
                        }
                        maxLate.accumulateAndGet(System.nanoTime() - s0 - 10_000_000L, Math::max);
                    }
                }, "ex-latency"));
                long t0 = System.nanoTime();
                hogs.forEach(Thread::start);
                try {
                    long end = t0 + STARVATION.toNanos();
                    while (System.nanoTime() < end) { // bounded by STARVATION
                        Thread.sleep(200);
                    }
                } finally {
                    stop.set(true);
                    for (Thread t : hogs) {
                        t.join(10_000);
                    }
                }
                long starvedNanos = System.nanoTime() - t0;
                Thread.sleep(3000); // anything starvation caused has shown by now (master down is ~3.6 s)

                List<DirectorEvent> after;
                synchronized (events) {
                    after = new ArrayList<>(events.subList(eventsBefore, events.size()));
                }
                String kaAfter = HostLab.read(kaLog).substring(kaBefore.length());
                // checks during the starvation: how far apart they started, whether any failed
                List<long[]> during = new ArrayList<>(check.starts).subList(checksBefore, check.starts.size());
                List<long[]> httpDuring = new ArrayList<>(http.starts).subList(httpBefore, http.starts.size());
                long maxGap = 0;
                long failed = 0;
                for (List<long[]> list : List.of(during, httpDuring)) {
                    for (int i = 0; i < list.size(); i++) {
                        if (i > 0) {
                            maxGap = Math.max(maxGap, list.get(i)[0] - list.get(i - 1)[0]);
                        }
                        failed += list.get(i)[1] == 0 ? 1 : 0;
                    }
                }
                System.out.printf("starved %.1f s: %d busy + %d allocating threads on %d cores, %.1f GB allocated,"
                        + " a 10 ms sleep up to %.0f ms late; %d TCP + %d HTTP checks (max %.0f ms apart, %d failed); director events %s;"
                        + " keepalived log after: %s%n", starvedNanos / 1e9, BUSY_PER_CORE * CORES, CORES, CORES,
                        allocated.get() / 1e9, maxLate.get() / 1e6, during.size(), httpDuring.size(), maxGap / 1e6, failed, after,
                        kaAfter.isBlank() ? "(nothing)" : kaAfter);

                assertThat(allocated.get()).as("allocation pressure happened").isGreaterThan(1_000_000_000L);
                assertThat(spins.get()).as("busy threads ran").isPositive();
                assertThat(after).as("no director events while starved").noneMatch(e ->
                        e instanceof DirectorEvent.VrrpTransition || e instanceof DirectorEvent.Health h
                                && h.event().type() != HealthEvent.Type.WEIGHT_CHANGED);
                assertThat(count(kaAfter, "Entering")).as("keepalived transitions:%n%s", kaAfter).isZero();
                assertThat(d.state().instance("VI_1").get().state()).isEqualTo(RouterState.MASTER);
                assertThat(d.state().instance("VI_2").get().state()).isEqualTo(RouterState.BACKUP);
                assertThat(failed).as("failed checks").isZero();
                assertThat(during.size()).as("TCP checks kept running").isGreaterThanOrEqualTo(
                        (int) (STARVATION.toMillis() / 500 / 2));
                assertThat(httpDuring.size()).as("HTTP checks kept running").isGreaterThanOrEqualTo(
                        (int) (STARVATION.toMillis() / 500 / 2));
                assertThat(table.serviceStates().get(0).realServers()).hasSize(1);
            }
        }
    }
}
