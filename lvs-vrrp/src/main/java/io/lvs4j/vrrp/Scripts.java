package io.lvs4j.vrrp;

import io.lvs4j.internal.ScriptRunner;
import io.lvs4j.time.Scheduler;
import io.lvs4j.vrrp.internal.Argv;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a node's {@link VrrpScript}s through the node's {@link ScriptRunner} (no shell; as its user,
 * else the node's script user; in a process group of its own): at start and then {@code interval}
 * after each result, its group killed after its timeout and then a failure; exit status 0 is
 * success. Results go to the script's {@link ScriptTracker} on the node's scheduler thread.
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
    private final ScriptRunner runner;
    /** Holds of runs not ended yet: released at close too, so a run dropped from the queue holds nothing. */
    private final java.util.Set<Scheduler.Hold> holds = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    Scripts(Scheduler scheduler, ScriptRunner runner) {
        this.scheduler = scheduler;
        this.runner = runner;
    }

    /**
     * {@code script} checked for running (its user, script security); what that found is logged.
     * A refused script must not be tracked.
     */
    static ScriptRunner.Prepared prepare(ScriptRunner runner, VrrpScript script) {
        ScriptRunner.Prepared p = runner.prepare("vrrp_script " + script.name(), Argv.command(script.command()),
                script.user().orElse(null), script.group().orElse(null));
        p.warnings().forEach(w -> LOG.warn("{}", w));
        if (p.refused()) {
            LOG.error("{}: no instance tracks it, as keepalived disables it", p.refusal());
        }
        return p;
    }

    /** Starts running {@code script} ({@link #prepare prepared}) for {@code tracker}; call on the scheduler's thread. */
    void start(VrrpScript script, ScriptRunner.Prepared prepared, ScriptTracker tracker) {
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
            runner.run(prepared, timeout, Map.of()).whenComplete((r, t) -> {
                boolean ok = false;
                if (t != null) {
                    LOG.warn("Script {} failed: {}", script.name(), t.toString());
                } else if (r.failure() != null) {
                    LOG.warn("Script {} cannot start: {}", script.name(), r.failure());
                } else if (r.timedOut()) {
                    LOG.warn("Script {} timed out after {}: its process group is killed", script.name(), timeout);
                } else {
                    ok = r.exitStatus() == 0;
                }
                boolean result = ok;
                if (!closed) {
                    scheduler.execute(() -> {
                        if (!closed) {
                            tracker.recordResult(result);
                            scheduler.schedule(every, next[0]);
                        }
                    });
                }
                release(hold);
            });
        };
        scheduler.schedule(0, next[0]);
    }

    private void release(Scheduler.Hold hold) {
        holds.remove(hold);
        hold.release();
    }

    /** Stops the runs: no more results, the scheduler no longer held (the node's runner kills running ones). */
    @Override
    public void close() {
        closed = true;
        for (Scheduler.Hold h : List.copyOf(holds)) {
            release(h);
        }
    }
}
