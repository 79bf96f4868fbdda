package io.lvs4j.cli;

import io.lvs4j.internal.FatalErrors;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

/**
 * What {@code lvs4j run} does when the JVM fails under it (issue 16): an {@link OutOfMemoryError}
 * (or another {@link VirtualMachineError}) in any thread, or the userspace forwarder's thread
 * dying. Such a director cannot be trusted to forward or to answer VRRP, so it stops the way SIGTERM
 * stops it (priority 0 sent at once, the VIPs and the services removed) and exits
 * {@value Main#FAILED}, for a supervisor to restart it.
 *
 * <p>It is the JVM's default uncaught exception handler, and the library's threads hand it the
 * errors they catch ({@link FatalErrors}). To make the stop possible with the heap exhausted it
 * keeps a reserve, an array allocated at start and dropped first, and the two threads the stop needs
 * are started beforehand: one runs the stop, the other halts the JVM if the stop has not ended
 * {@code haltAfter} later (a stop that itself runs out of memory, or hangs). Only the first failure
 * counts; the others are printed.
 */
final class FatalErrorHandler implements Thread.UncaughtExceptionHandler {
    /** How long the graceful stop may take before the JVM is halted. */
    static final Duration HALT_AFTER = Duration.ofSeconds(10);
    private static final byte[] FALLBACK = ("lvs4j: the JVM failed (no memory left to say more): giving up mastership"
            + " and exiting\n").getBytes(StandardCharsets.US_ASCII);

    private final PrintStream err;
    private final AtomicBoolean fired = new AtomicBoolean();
    private final CountDownLatch trigger = new CountDownLatch(1);
    private volatile byte[] reserve;
    private final Thread stopper;
    private final Thread halter;
    private Thread.UncaughtExceptionHandler previous;

    /**
     * @param reserveBytes the size of the reserve (0: none)
     * @param haltAfter how long the stop may take
     * @param err where the failure is reported
     * @param stop the graceful stop (for {@code lvs4j run}: {@code System.exit}, whose shutdown hook stops the
     *     director); runs on a thread of its own
     * @param halt ends the process with the status given when the stop took too long ({@code Runtime.halt})
     */
    FatalErrorHandler(int reserveBytes, Duration haltAfter, PrintStream err, Runnable stop, IntConsumer halt) {
        if (reserveBytes < 0) {
            throw new IllegalArgumentException("reserve: " + reserveBytes + " (expected: 0 or more bytes)");
        }
        if (haltAfter.isNegative() || haltAfter.isZero()) {
            throw new IllegalArgumentException("halt after: " + haltAfter + " (expected: more than 0)");
        }
        this.err = err;
        this.reserve = new byte[reserveBytes];
        long haltNanos = haltAfter.toNanos();
        String haltLine = "lvs4j: the stop did not end within " + (haltAfter.toMillis() % 1000 == 0
                ? haltAfter.toSeconds() + " s" : haltAfter.toMillis() + " ms") + ": halting";
        stopper = new Thread(() -> {
            if (awaitTrigger()) {
                stop.run();
            }
        }, "lvs4j-fatal-stop");
        halter = new Thread(() -> {
            if (awaitTrigger()) {
                try {
                    TimeUnit.NANOSECONDS.sleep(haltNanos);
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    write(haltLine);
                } finally {
                    halt.accept(Main.FAILED);
                }
            }
        }, "lvs4j-fatal-halt");
        for (Thread t : new Thread[] {stopper, halter}) {
            t.setDaemon(true);
            t.start();
        }
        // load and link now what reporting a failure runs (classes, string concatenation call sites,
        // stack trace printing): on a full heap, loading a class is an allocation that fails
        Throwable warmUp = new OutOfMemoryError("warm-up");
        if (FatalErrors.isFatal(new IllegalStateException(warmUp))) {
            line(threadFailed(stopper), warmUp, true).length();
            line(threadFailed(halter), warmUp, false).length();
            warmUp.printStackTrace(new PrintStream(OutputStream.nullOutputStream()));
        }
    }

    private static String threadFailed(Thread t) {
        return "thread " + t.getName() + " failed";
    }

    private static String line(String what, Throwable cause, boolean first) {
        return "lvs4j: " + what + " (" + cause + ")" + (first ? ": giving up mastership and exiting" : " while stopping");
    }

    /** The reserve for a heap of {@code maxHeap} bytes: 1/32 of it, at least 1 MiB, at most 16 MiB. */
    static int reserveFor(long maxHeap) {
        return (int) Math.max(1L << 20, Math.min(16L << 20, maxHeap / 32));
    }

    /** A handler for {@code lvs4j run}, installed as the JVM's default uncaught exception handler. */
    static FatalErrorHandler install(Runnable stop) {
        FatalErrorHandler h = new FatalErrorHandler(reserveFor(Runtime.getRuntime().maxMemory()), HALT_AFTER,
                System.err, stop, status -> Runtime.getRuntime().halt(status));
        h.previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler(h);
        return h;
    }

    /**
     * Undoes {@link #install} when the run did not start after all (nothing to stop): the previous
     * default handler back, the two threads ended, the reserve dropped. Nothing once a failure fired.
     */
    void uninstall() {
        if (fired.get()) {
            return;
        }
        if (Thread.getDefaultUncaughtExceptionHandler() == this) {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
        stopper.interrupt();
        halter.interrupt();
        reserve = null;
    }

    private boolean awaitTrigger() {
        try {
            trigger.await();
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    @Override
    public void uncaughtException(Thread t, Throwable e) {
        if (e instanceof VirtualMachineError) {
            reserve = null; // first: no class to load, nothing to allocate before it
        }
        if (FatalErrors.isFatal(e)) {
            reserve = null;
            fatal(threadFailed(t), e);
            return;
        }
        try { // as the JVM's own default does
            err.print("Exception in thread \"" + t.getName() + "\" ");
            e.printStackTrace(err);
            err.flush();
        } catch (Throwable ignored) {
        }
    }

    /**
     * The director cannot go on: drops the reserve, reports {@code what} and {@code cause}, and (the
     * first time only) starts the stop and the halt timer.
     */
    void fatal(String what, Throwable cause) {
        reserve = null; // first: what follows may need the memory
        boolean first = fired.compareAndSet(false, true);
        try {
            write(line(what, cause, first));
        } catch (Throwable ignored) { // still no memory
            err.write(FALLBACK, 0, FALLBACK.length);
        }
        if (first) {
            try {
                cause.printStackTrace(err);
            } catch (Throwable ignored) { // the line above said what matters
            }
        }
        err.flush();
        if (first) {
            trigger.countDown();
        }
    }

    private void write(String line) {
        err.println(line);
        err.flush();
    }

    /** Whether a failure started the stop. */
    boolean fired() {
        return fired.get();
    }

    /** The reserve's size now: 0 once a failure dropped it. */
    int reserveBytes() {
        byte[] r = reserve;
        return r == null ? 0 : r.length;
    }
}
