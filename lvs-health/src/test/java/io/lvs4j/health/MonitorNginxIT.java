package io.lvs4j.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.RealServer;
import io.lvs4j.VirtualService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The monitor with a real HTTP_GET against nginx that is stopped and started again. */
class MonitorNginxIT {
    @TempDir
    Path dir;

    static final long INTERVAL_MS = 600;
    static final long RETRY_DELAY_MS = 200;
    static final int RETRY = 2;
    static final int RISE = 2;

    @Test
    void nginxStoppedThenStarted_downAfterRetriesUpAfterRise() throws Exception {
        try (Nginx nginx = new Nginx(dir).start(); CheckRuntime runtime = CheckRuntime.create()) {
            RealServer rs = RealServer.of("127.0.0.1", nginx.httpPort).masquerade().weight(7).build();
            VirtualService vs = VirtualService.tcp("192.0.2.20", 80).realServer(rs).build();
            ViewTable table = new ViewTable(); // what a director's table would hold
            List<HealthEvent> events = new CopyOnWriteArrayList<>();
            List<Long> failures = new CopyOnWriteArrayList<>();
            List<Long> successes = new CopyOnWriteArrayList<>();
            HttpChecker http = HttpChecker.builder(Endpoint.of("127.0.0.1", nginx.httpPort)
                    // refused comes back at once; the timeout only has to outlast a slow check on a busy host
                    .withConnectTimeout(Duration.ofSeconds(2)))
                    .url(HttpUrlCheck.builder("/index.html").digest(nginx.md5Of("html/index.html")).build()).build();
            Checker counting = new Checker() {
                @Override
                public java.util.concurrent.CompletionStage<CheckResult> check(CheckContext c) {
                    return http.check(c).thenApply(r -> {
                        if (!r.isUp()) {
                            failures.add(System.nanoTime());
                        } else {
                            successes.add(System.nanoTime());
                        }
                        return r;
                    });
                }

                @Override
                public String describe() {
                    return http.describe();
                }
            };
            CheckPolicy policy = CheckPolicy.builder().interval(Duration.ofMillis(INTERVAL_MS)).retry(RETRY)
                    .delayBeforeRetry(Duration.ofMillis(RETRY_DELAY_MS)).rise(RISE).build();
            try (HealthMonitor monitor = HealthMonitor.builder().runtime(runtime).listener(table)
                    .listener((view, es) -> {
                        for (HealthEvent e : es) {
                            if (e.realServer() != null) {
                                events.add(e); // quorum events are checked in the unit tests
                            }
                        }
                    })
                    .service(ServiceHealth.builder(vs).check(rs, counting, policy).inhibitOnFailure().build())
                    .build().start()) {
                waitFor(() -> !table.realServers(vs.key()).isEmpty(), 30_000);
                assertThat(table.realServers(vs.key())).containsExactly(rs);
                Thread.sleep(2 * INTERVAL_MS); // a few passing checks
                assertThat(events).isEmpty();

                long stopped = System.nanoTime();
                nginx.stop();
                waitFor(() -> events.size() >= 1, 30_000);
                HealthEvent down = events.get(0);
                long downAfter = (down.nanos() - stopped) / 1_000_000;
                assertThat(down.type()).isEqualTo(HealthEvent.Type.REAL_SERVER_DOWN);
                assertThat(down.cause().reason()).isEqualTo(FailureReason.REFUSED);
                assertThat(down.weight()).isZero();
                // the failures that led to the DOWN event: after the stop, up to the event (checks keep
                // running after it, one failure per delay_loop, so later ones are not counted)
                List<Long> toDown = failures.stream().filter(t -> t - stopped > 0 && t - down.nanos() <= 0).toList();
                assertThat(toDown).hasSize(RETRY + 1);
                // the first failure comes at the next delay_loop tick, then retry x delay_before_retry;
                // the bound stays below RETRY x delay_loop, what retrying at the delay_loop would take
                long spread = (toDown.get(RETRY) - toDown.get(0)) / 1_000_000;
                assertThat(spread).isBetween(RETRY * RETRY_DELAY_MS - 20, RETRY * INTERVAL_MS - 50);
                // the upper bound includes stop() itself (SIGTERM, wait) and scheduling on a busy host;
                // the lower bound proves the retries
                assertThat(downAfter).isBetween(RETRY * RETRY_DELAY_MS - 20,
                        INTERVAL_MS + RETRY * RETRY_DELAY_MS + 2000);
                assertThat(table.realServers(vs.key())).containsExactly(rs.withWeight(0));

                long starting = System.nanoTime();
                nginx.start(); // returns once nginx listens (it may take a while on a busy host)
                long started = System.nanoTime();
                waitFor(() -> events.size() >= 2, 30_000);
                HealthEvent up = events.get(1);
                assertThat(up.type()).isEqualTo(HealthEvent.Type.REAL_SERVER_UP);
                // rise 2: one success at a delay_loop tick, the second one delay_before_retry later;
                // counted from the first success after the restart, this proves the rise
                long firstSuccess = successes.stream().filter(t -> t - starting > 0).findFirst().orElseThrow();
                assertThat((up.nanos() - firstSuccess) / 1_000_000)
                        .isGreaterThanOrEqualTo((RISE - 1) * RETRY_DELAY_MS - 20);
                // from start()'s return: the next tick, delay_before_retry, and scheduling on a busy host
                long upAfter = (up.nanos() - started) / 1_000_000;
                assertThat(upAfter).isLessThanOrEqualTo(INTERVAL_MS + (RISE - 1) * RETRY_DELAY_MS + 2000);
                assertThat(table.realServers(vs.key())).containsExactly(rs);
                assertThat(events).hasSize(2);
            }
        }
    }

    static void waitFor(java.util.function.BooleanSupplier condition, long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within " + millis + " ms");
            }
            Thread.sleep(10);
        }
    }
}
