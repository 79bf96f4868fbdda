package io.lvs4j.vrrp;

import io.lvs4j.time.Scheduler;
import io.lvs4j.vrrp.internal.Argv;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a node's {@link VrrpScript}s: each command (argv, no shell, as its user when it names one)
 * at start and then {@code interval} after each result, killed after its timeout and then a
 * failure; exit status 0 is success. Runs take a thread of their own (at most four for the node)
 * and hand their result to the script's {@link ScriptTracker} on the node's scheduler thread.
 *
 * <p>Each run holds the scheduler ({@link Scheduler#hold}): a {@link io.lvs4j.time.VirtualClock}
 * does not move past the time the run was due until its result is in, so in simulated time a
 * result counts at the time its run was due, whatever the command took in real time; a real-time
 * scheduler is not held at all. A run still going a second after its timeout is reported; its
 * result counts when it ends.
 */
final class Scripts implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scripts.class);
    private static final Duration HOLD_SLACK = Duration.ofSeconds(1);

    private final Scheduler scheduler;
    private final UnaryOperator<List<String>> host;
    private final ThreadPoolExecutor pool;
    private final List<Process> running = new ArrayList<>();
    /** Holds of runs not ended yet: released at close too, so a run dropped from the queue holds nothing. */
    private final java.util.Set<Scheduler.Hold> holds = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    Scripts(Scheduler scheduler, UnaryOperator<List<String>> host, int scripts) {
        this.scheduler = scheduler;
        this.host = host;
        int threads = Math.max(1, Math.min(4, scripts));
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "lvs4j-vrrp-scripts");
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
    }

    /** The argv a script runs with: its command, as its user (and group) through {@code runuser}. */
    static List<String> argv(VrrpScript script) {
        List<String> argv = new ArrayList<>();
        if (script.user().isPresent()) {
            argv.addAll(List.of("runuser", "-u", script.user().get()));
            script.group().ifPresent(g -> argv.addAll(List.of("-g", g)));
            argv.add("--");
        }
        argv.addAll(Argv.command(script.command()));
        return argv;
    }

    /** Starts running {@code script} for {@code tracker}; call on the scheduler's thread. */
    void start(VrrpScript script, ScriptTracker tracker) {
        List<String> argv = host.apply(argv(script));
        long every = script.interval().toNanos();
        Duration timeout = script.timeout();
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            if (closed) {
                return;
            }
            Scheduler.Hold hold = scheduler.hold(0, timeout.plus(HOLD_SLACK), () -> LOG.warn(
                    "Script {} still running {} after its start: its result counts when it ends", script.name(),
                    timeout.plus(HOLD_SLACK)));
            holds.add(hold);
            try {
                pool.execute(() -> {
                    boolean ok = false;
                    try {
                        ok = runOnce(script.name(), argv, timeout);
                    } finally {
                        boolean result = ok;
                        scheduler.execute(() -> {
                            if (!closed) {
                                tracker.recordResult(result);
                                scheduler.schedule(every, next[0]);
                            }
                        });
                        release(hold);
                    }
                });
            } catch (RejectedExecutionException e) {
                release(hold); // closed meanwhile
            }
        };
        scheduler.schedule(0, next[0]);
    }

    private boolean runOnce(String name, List<String> argv, Duration timeout) {
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            LOG.warn("Script {} cannot start: {}", name, e.getMessage());
            return false;
        }
        synchronized (running) {
            running.add(p);
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Script {} timed out after {}", name, timeout);
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return false;
        } finally {
            synchronized (running) {
                running.remove(p);
            }
        }
    }

    private void release(Scheduler.Hold hold) {
        holds.remove(hold);
        hold.release();
    }

    /** Stops the runs: no more results, running commands killed, the scheduler no longer held. */
    @Override
    public void close() {
        closed = true;
        pool.shutdownNow();
        for (Scheduler.Hold h : List.copyOf(holds)) {
            release(h);
        }
        synchronized (running) {
            for (Process p : running) {
                p.destroyForcibly();
            }
        }
    }
}
