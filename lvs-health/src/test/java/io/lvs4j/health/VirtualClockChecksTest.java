package io.lvs4j.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.RealServer;
import io.lvs4j.VirtualService;
import io.lvs4j.time.VirtualClock;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real checks of real listeners on 127.0.0.1 by a monitor on a {@link VirtualClock}: the clock
 * waits for each check, so results land at the virtual time the check started, however the test
 * moves the clock; a check that outlives its watchdog in real time is reported.
 */
class VirtualClockChecksTest {
    private final VirtualClock clock = new VirtualClock();
    private final List<HealthEvent> events = new CopyOnWriteArrayList<>();
    private CheckRuntime runtime;
    private HealthMonitor monitor;
    private Listener listener;

    /** A loopback listener that answers each connection with {@code reply} after {@code delayMillis} (accepts at most 200). */
    static final class Listener implements AutoCloseable {
        final ServerSocket socket;
        final AtomicInteger accepted = new AtomicInteger();
        final Thread thread;

        Listener(String reply, long delayMillis) throws IOException {
            socket = new ServerSocket();
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            thread = new Thread(() -> {
                for (int i = 0; i < 200 && !socket.isClosed(); i++) {
                    try (Socket c = socket.accept()) {
                        accepted.incrementAndGet();
                        if (reply != null) {
                            Thread.sleep(delayMillis);
                            OutputStream out = c.getOutputStream();
                            out.write(reply.getBytes(StandardCharsets.ISO_8859_1));
                            out.flush();
                        }
                    } catch (IOException | InterruptedException e) {
                        return;
                    }
                }
            }, "listener " + socket.getLocalPort());
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        /**
         * Closes the listening socket for good: a thread blocked in accept keeps it listening until
         * it wakes, so this waits for the thread (at most 5 s).
         */
        @Override
        public void close() throws IOException {
            socket.close();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @AfterEach
    void close() throws IOException {
        if (monitor != null) {
            monitor.close();
        }
        if (runtime != null) {
            runtime.close();
        }
        if (listener != null) {
            listener.close();
        }
    }

    private void start(ServiceHealth service) {
        runtime = CheckRuntime.create();
        monitor = HealthMonitor.builder().runtime(runtime).scheduler(clock).random(() -> 0.0)
                .listener((view, es) -> es.stream().filter(e -> e.realServer() != null).forEach(events::add)) // quorum aside
                .service(service).build().start();
    }

    private RealServerView view(VirtualService vs, RealServer rs) {
        return monitor.view().service(vs.key()).orElseThrow().realServer(rs.address(), rs.port()).orElseThrow();
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    @Test
    void realTcpCheck_listenerClosed_downAfterFallChecks_eventSaysWhy() throws Exception {
        listener = new Listener(null, 0);
        RealServer rs = RealServer.of("127.0.0.1", listener.port()).masquerade().build();
        VirtualService vs = VirtualService.tcp("192.0.2.10", 80).realServer(rs).build();
        CheckPolicy policy = CheckPolicy.builder().interval(Duration.ofSeconds(1)).fall(3)
                .delayBeforeRetry(Duration.ofSeconds(1)).build();
        start(ServiceHealth.builder(vs).check(Checks.tcp().connectTimeout(Duration.ofSeconds(1)), policy).build());

        clock.advance(Duration.ofMillis(5500)); // checks at 0, 1, ..., 5 s, in one call
        assertThat(view(vs, rs).up()).isTrue();
        long until = System.nanoTime() + 5_000_000_000L; // the listener's thread accepts a little after the check
        while (listener.accepted.get() < 6 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertThat(listener.accepted.get()).as("checks at 0, 1, ..., 5 s").isEqualTo(6);
        assertThat(events).isEmpty();

        listener.close(); // refused from now on (close waits for its accepting thread)
        clock.advance(Duration.ofSeconds(10)); // failures at 6, 7 and 8 s: down at the third
        RealServerView v = view(vs, rs);
        assertThat(v.up()).isFalse();
        assertThat(v.inService()).isFalse();
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(HealthEvent.Type.REAL_SERVER_DOWN);
            assertThat(e.realServer()).isEqualTo(rs);
            assertThat(e.cause().reason()).isEqualTo(FailureReason.REFUSED);
            assertThat(e.cause().detail()).contains("127.0.0.1:" + listener.port());
            assertThat(e.checker()).isEqualTo("TCP_CHECK 127.0.0.1:" + listener.port());
            assertThat(seconds(e.nanos())).isEqualTo(8.0);
        });
        assertThat(clock.holds()).isZero();
    }

    @Test
    void slowRealAnswer_clockWaitsForIt_resultAtTheVirtualTimeTheCheckStarted() throws Exception {
        listener = new Listener("HTTP/1.0 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n", 300);
        RealServer rs = RealServer.of("127.0.0.1", listener.port()).masquerade().build();
        VirtualService vs = VirtualService.tcp("192.0.2.10", 80).realServer(rs).build();
        CheckPolicy policy = CheckPolicy.builder().interval(Duration.ofSeconds(1)).fall(1)
                .warmup(Duration.ofSeconds(2)).build();
        start(ServiceHealth.builder(vs).check(rs, Checks.http("/health").status(200)
                .readTimeout(Duration.ofSeconds(5)), policy).build());
        clock.advance(Duration.ofMillis(1500)); // the first check at 0 (warmup drawn 0), 300 ms of real time
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(HealthEvent.Type.REAL_SERVER_DOWN);
            assertThat(e.cause().reason()).isEqualTo(FailureReason.STATUS);
            assertThat(e.cause().detail()).isEqualTo("/health: status 503 (expected: 200)");
            assertThat(e.nanos()).isZero();
            assertThat(e.cause().latencyNanos()).isZero(); // in virtual time
        });
        assertThat(view(vs, rs).up()).isFalse();
    }

    @Test
    void checkStillRunningWhenRealTimeRunsOut_reportedLateAndCountedAsFailed() {
        RealServer rs = RealServer.of("127.0.0.1", 9).masquerade().build();
        VirtualService vs = VirtualService.tcp("192.0.2.10", 80).realServer(rs).build();
        Checker hung = new Checker() {
            @Override
            public CompletionStage<CheckResult> check(CheckContext context) {
                return new CompletableFuture<>(); // never completes
            }

            @Override
            public String describe() {
                return "HUNG";
            }
        };
        CheckPolicy policy = CheckPolicy.builder().interval(Duration.ofSeconds(1)).fall(1)
                .watchdog(Duration.ofMillis(300)).build();
        start(ServiceHealth.builder(vs).check(rs, hung, policy).build());
        long real = System.nanoTime();
        clock.advance(Duration.ofMillis(500));
        assertThat(System.nanoTime() - real).as("the clock waited for the check").isGreaterThanOrEqualTo(300_000_000L);
        assertThat(events).extracting(HealthEvent::type).containsExactly(HealthEvent.Type.CHECK_LATE,
                HealthEvent.Type.REAL_SERVER_DOWN);
        HealthEvent late = events.get(0);
        assertThat(late.nanos()).isZero();
        assertThat(late.checker()).isEqualTo("HUNG");
        assertThat(late.cause().reason()).isEqualTo(FailureReason.CHECKER_ERROR);
        assertThat(late.cause().detail()).isEqualTo("no result within the watchdog 300 ms of real time; "
                + "the virtual clock went on without it");
        assertThat(view(vs, rs).up()).isFalse();
    }
}
