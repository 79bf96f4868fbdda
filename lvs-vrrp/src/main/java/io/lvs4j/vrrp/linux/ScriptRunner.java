package io.lvs4j.vrrp.linux;

import io.lvs4j.vrrp.ScriptTracker;
import io.lvs4j.vrrp.config.VrrpScriptConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs keepalived's {@code vrrp_script}s: each command (argv, no shell) every {@code interval},
 * killed after {@code timeout} (default: the interval) and then counted as a failure; exit status 0
 * is success. Results go to the script's {@link ScriptTracker} on the VRRP scheduler's thread.
 */
public final class ScriptRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScriptRunner.class);

    private final ScheduledThreadPoolExecutor pool;
    private final Executor vrrpThread;
    private final String netns;
    private final List<Process> running = new ArrayList<>();

    ScriptRunner(String netns, Executor vrrpThread, int scripts) {
        this.netns = netns;
        this.vrrpThread = vrrpThread;
        this.pool = new ScheduledThreadPoolExecutor(Math.max(1, Math.min(4, scripts)), r -> {
            Thread t = new Thread(r, "lvs4j-vrrp-scripts");
            t.setDaemon(true);
            return t;
        });
    }

    void start(VrrpScriptConfig config, ScriptTracker tracker) {
        List<String> argv = Argv.inNamespace(netns, Argv.command(config.script()));
        Duration timeout = timeout(config);
        pool.scheduleWithFixedDelay(() -> {
            boolean ok = runOnce(config.name(), argv, timeout, running);
            vrrpThread.execute(() -> tracker.recordResult(ok));
        }, 0, interval(config).toMillis(), TimeUnit.MILLISECONDS);
    }

    /** How often a {@code vrrp_script} runs: its {@code interval}, keepalived's default 1 s. */
    public static Duration interval(VrrpScriptConfig config) {
        return config.interval() != null ? config.interval() : Duration.ofSeconds(1);
    }

    /** How long a {@code vrrp_script} run may take: its {@code timeout}, by default its interval. */
    public static Duration timeout(VrrpScriptConfig config) {
        return config.timeout() != null ? config.timeout() : interval(config);
    }

    /**
     * Runs a {@code vrrp_script}'s command once in the current thread, as {@link VrrpNode} does on
     * its interval: argv without a shell, killed after {@code timeout} (default: the interval) and
     * then a failure; exit status 0 is success. For transports that schedule scripts themselves
     * (the in-memory VRRP on a virtual clock).
     */
    public static boolean runOnce(VrrpScriptConfig config) {
        return runOnce(config.name(), Argv.command(config.script()), timeout(config), new ArrayList<>());
    }

    private static boolean runOnce(String name, List<String> argv, Duration timeout, List<Process> running) {
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

    @Override
    public void close() {
        pool.shutdownNow();
        synchronized (running) {
            for (Process p : running) {
                p.destroyForcibly();
            }
        }
    }
}
