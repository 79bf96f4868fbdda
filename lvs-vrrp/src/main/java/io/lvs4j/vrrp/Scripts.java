package io.lvs4j.vrrp;

import io.lvs4j.time.Scheduler;
import io.lvs4j.time.VirtualClock;
import io.lvs4j.vrrp.internal.Argv;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
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
 * failure; exit status 0 is success. Results go to the script's {@link ScriptTracker} on the
 * node's scheduler thread.
 *
 * <p>On a {@link VirtualClock} a run happens on the clock's thread and the clock waits for it, so
 * results arrive at the virtual time the run was due, whatever the command took in real time. On
 * any other scheduler runs take a thread of their own (at most four for the node) and hand their
 * result back.
 */
final class Scripts implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scripts.class);

    private final Scheduler scheduler;
    private final UnaryOperator<List<String>> host;
    private final ExecutorService pool;
    private final List<Process> running = new ArrayList<>();
    /** Each script's next run (on the scheduler's thread). */
    private final java.util.Map<String, Scheduler.Timer> timers = new java.util.HashMap<>();
    private volatile boolean closed;

    Scripts(Scheduler scheduler, UnaryOperator<List<String>> host, int scripts) {
        this.scheduler = scheduler;
        this.host = host;
        if (scheduler instanceof VirtualClock) {
            this.pool = null;
        } else {
            ThreadPoolExecutor p = new ThreadPoolExecutor(Math.max(1, Math.min(4, scripts)),
                    Math.max(1, Math.min(4, scripts)), 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                        Thread t = new Thread(r, "lvs4j-vrrp-scripts");
                        t.setDaemon(true);
                        return t;
                    });
            p.allowCoreThreadTimeOut(true);
            this.pool = p;
        }
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
        if (pool == null) {
            next[0] = () -> {
                if (!closed) {
                    tracker.recordResult(runOnce(script.name(), argv, timeout));
                    timers.put(script.name(), scheduler.schedule(every, next[0]));
                }
            };
        } else {
            next[0] = () -> {
                if (closed) {
                    return;
                }
                try {
                    pool.execute(() -> {
                        boolean ok = runOnce(script.name(), argv, timeout);
                        scheduler.execute(() -> {
                            if (!closed) {
                                tracker.recordResult(ok);
                                timers.put(script.name(), scheduler.schedule(every, next[0]));
                            }
                        });
                    });
                } catch (RejectedExecutionException e) {
                    // closed meanwhile
                }
            };
        }
        timers.put(script.name(), scheduler.schedule(0, next[0]));
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

    /** Stops the runs: no more results, running commands killed. */
    @Override
    public void close() {
        closed = true;
        if (pool != null) {
            pool.shutdownNow();
        }
        synchronized (running) {
            for (Process p : running) {
                p.destroyForcibly();
            }
        }
        if (pool == null) {
            // on a virtual clock the closing thread is the clock's: the timers can be cancelled here
            timers.values().forEach(Scheduler.Timer::cancel);
        }
    }
}
