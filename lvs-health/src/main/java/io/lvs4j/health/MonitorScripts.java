package io.lvs4j.health;

import io.lvs4j.ScriptPolicy;
import io.lvs4j.internal.ScriptLauncher;
import io.lvs4j.internal.ScriptRunner;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor's MISC_CHECK programs: run through a {@link ScriptRunner} under the monitor's
 * {@link ScriptPolicy}; each program checked once (user, script security) when it first runs, what
 * that found logged once.
 */
final class MonitorScripts implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MonitorScripts.class);

    /** What checks run outside a monitor use: keepalived's defaults, this namespace. */
    private static volatile MonitorScripts fallback;

    /** The contexts a monitor hands its checks carry its scripts. */
    interface Context {
        MonitorScripts scripts();
    }

    private final ScriptRunner runner;
    private final Map<MiscChecker, ScriptRunner.Prepared> prepared = new ConcurrentHashMap<>();

    MonitorScripts(ScriptPolicy policy, String netns) {
        this.runner = ScriptRunner.create(policy, ScriptLauncher.create(netns));
    }

    static MonitorScripts of(CheckContext context) {
        if (context instanceof Context c) {
            return c.scripts();
        }
        MonitorScripts f = fallback;
        if (f == null) {
            synchronized (MonitorScripts.class) {
                if (fallback == null) {
                    fallback = new MonitorScripts(ScriptPolicy.defaults(), null);
                }
                f = fallback;
            }
        }
        return f;
    }

    ScriptRunner runner() {
        return runner;
    }

    /** {@code check}'s program checked for running: once, logged once. */
    ScriptRunner.Prepared prepare(MiscChecker check) {
        return prepared.computeIfAbsent(check, c -> {
            ScriptRunner.Prepared p = runner.prepare(c.describe(), c.argv(), c.user().orElse(null),
                    c.group().orElse(null));
            p.warnings().forEach(w -> LOG.warn("{}", w));
            if (p.refused()) {
                LOG.error("{}: the check is disabled (it counts as passed), as keepalived disables it", p.refusal());
            }
            return p;
        });
    }

    @Override
    public void close() {
        runner.close();
    }
}
