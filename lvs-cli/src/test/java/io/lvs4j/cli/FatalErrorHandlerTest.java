package io.lvs4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FatalErrorHandlerTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicInteger stops = new AtomicInteger();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final BlockingQueue<Integer> halts = new ArrayBlockingQueue<>(4);

    private FatalErrorHandler handler(Duration haltAfter) {
        return new FatalErrorHandler(1 << 20, haltAfter, err, () -> {
            stops.incrementAndGet();
            stopped.countDown();
        }, halts::add);
    }

    private String err() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void uncaughtException_outOfMemoryError_dropsTheReserveAndStopsOnce() throws Exception {
        FatalErrorHandler h = handler(Duration.ofSeconds(30));
        assertThat(h.reserveBytes()).isEqualTo(1 << 20);
        Thread loop = new Thread(() -> { }, "lvs4j-director");
        h.uncaughtException(loop, new OutOfMemoryError("Java heap space"));
        h.uncaughtException(new Thread(() -> { }, "lvs4j-http"), new OutOfMemoryError("Java heap space"));
        assertThat(stopped.await(5, TimeUnit.SECONDS)).as("the stop ran").isTrue();
        Thread.sleep(100);
        assertThat(stops).hasValue(1);
        assertThat(h.fired()).isTrue();
        assertThat(h.reserveBytes()).isZero();
        assertThat(err()).contains("lvs4j: thread lvs4j-director failed (java.lang.OutOfMemoryError: Java heap space):"
                + " giving up mastership and exiting")
                .contains("lvs4j: thread lvs4j-http failed (java.lang.OutOfMemoryError: Java heap space) while stopping");
        assertThat(halts).as("no halt before the time").isEmpty();
    }

    @Test
    void uncaughtException_outOfMemoryErrorAsACause_stops() throws Exception {
        FatalErrorHandler h = handler(Duration.ofSeconds(30));
        h.uncaughtException(new Thread(() -> { }, "lvs4j-health-1-1"),
                new IllegalStateException("wrapped", new OutOfMemoryError("Direct buffer memory")));
        assertThat(stopped.await(5, TimeUnit.SECONDS)).as("the stop ran").isTrue();
        assertThat(err()).contains("thread lvs4j-health-1-1 failed (java.lang.IllegalStateException: wrapped)");
    }

    @Test
    void uncaughtException_ordinaryException_printedAsTheJvmWouldWithoutStopping() throws Exception {
        FatalErrorHandler h = handler(Duration.ofSeconds(30));
        h.uncaughtException(new Thread(() -> { }, "lvs4j-control"), new IllegalStateException("a bug"));
        assertThat(stopped.await(300, TimeUnit.MILLISECONDS)).as("no stop").isFalse();
        assertThat(h.fired()).isFalse();
        assertThat(h.reserveBytes()).isEqualTo(1 << 20);
        assertThat(err()).startsWith("Exception in thread \"lvs4j-control\" java.lang.IllegalStateException: a bug");
    }

    @Test
    void fatal_stopDoesNotEnd_haltsWithFailedAfterTheTime() throws Exception {
        FatalErrorHandler h = new FatalErrorHandler(0, Duration.ofMillis(300), err, () -> {
            try {
                new CountDownLatch(1).await(); // a stop stuck for good
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, halts::add);
        long start = System.nanoTime();
        h.fatal("the userspace forwarder's thread died", new StackOverflowError());
        Integer status = halts.poll(5, TimeUnit.SECONDS);
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(status).isEqualTo(Main.FAILED);
        assertThat(took).as("halted after the 300 ms, not before").isBetween(300L, 4000L);
        assertThat(err()).contains("lvs4j: the userspace forwarder's thread died (java.lang.StackOverflowError):"
                + " giving up mastership and exiting").contains("the stop did not end within 300 ms: halting");
    }

    @Test
    void noFailure_neitherStopNorHalt() throws Exception {
        handler(Duration.ofMillis(50));
        Thread.sleep(300);
        assertThat(stops).hasValue(0);
        assertThat(halts).isEmpty();
    }

    @Test
    void uninstall_runDidNotStart_previousDefaultHandlerBackAndReserveDropped() {
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        FatalErrorHandler h = FatalErrorHandler.install(stops::incrementAndGet);
        try {
            assertThat(Thread.getDefaultUncaughtExceptionHandler()).isSameAs(h);
            assertThat(h.reserveBytes()).isEqualTo(FatalErrorHandler.reserveFor(Runtime.getRuntime().maxMemory()));
        } finally {
            h.uninstall();
        }
        assertThat(Thread.getDefaultUncaughtExceptionHandler()).isSameAs(before);
        assertThat(h.reserveBytes()).isZero();
        assertThat(stops).hasValue(0);
    }

    @Test
    void reserveFor_heapSizes_aThirtySecondBetweenOneAndSixteenMebibytes() {
        assertThat(FatalErrorHandler.reserveFor(256L << 20)).isEqualTo(8 << 20);
        assertThat(FatalErrorHandler.reserveFor(16L << 20)).isEqualTo(1 << 20);
        assertThat(FatalErrorHandler.reserveFor(8L << 30)).isEqualTo(16 << 20);
    }

    @Test
    void constructor_negativeReserve_rejected() {
        assertThatThrownBy(() -> new FatalErrorHandler(-1, Duration.ofSeconds(1), err, () -> { }, s -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("reserve: -1 (expected: 0 or more bytes)");
    }
}
