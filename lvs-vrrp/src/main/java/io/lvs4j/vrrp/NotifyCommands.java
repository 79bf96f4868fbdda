package io.lvs4j.vrrp;

import io.lvs4j.internal.ScriptRunner;
import io.lvs4j.vrrp.internal.Argv;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * keepalived's notify commands, run without a shell through the node's {@link ScriptRunner} (never
 * blocking the VRRP thread): the master/backup/fault/stop command on the matching transition, then
 * the "any" command with {@code INSTANCE|GROUP NAME MASTER|BACKUP|FAULT|STOP PRIORITY} appended, as
 * keepalived does. One instance's (or group's) commands run one after another in the order of its
 * transitions; other instances' are not held up. Each is checked once, when the node starts; one
 * refused by script security never runs.
 */
final class NotifyCommands implements VrrpListener {
    private static final Logger LOG = LoggerFactory.getLogger(NotifyCommands.class);
    /** How long a notify command may run before its process group is killed. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final ScriptRunner runner;
    private final String kind;
    private final String name;
    private final VrrpInstance.Notify commands;
    private final Map<String, ScriptRunner.Prepared> prepared = new HashMap<>();
    private int priority;

    NotifyCommands(ScriptRunner runner, String kind, String name, VrrpInstance.Notify commands, int priority) {
        this.runner = runner;
        this.kind = kind;
        this.name = name;
        this.commands = commands;
        this.priority = priority;
        for (String state : List.of("MASTER", "BACKUP", "FAULT", "STOP")) {
            String c = commands.forState(state);
            if (c != null) {
                prepared.put(state, prepare("notify_" + state.toLowerCase(java.util.Locale.ROOT), c));
            }
        }
        if (commands.any != null) {
            prepared.put("any", prepare("notify", commands.any));
        }
    }

    private ScriptRunner.Prepared prepare(String keyword, String command) {
        String what = (kind.equals("GROUP") ? "vrrp_sync_group " : "vrrp_instance ") + name + " " + keyword;
        ScriptRunner.Prepared p = runner.prepare(what, Argv.command(command), null, null);
        p.warnings().forEach(w -> LOG.warn("{}", w));
        if (p.refused()) {
            LOG.error("{}", p.refusal());
        }
        return p;
    }

    @Override
    public void onEvent(VrrpEvent event) {
        if (event instanceof VrrpEvent.PriorityChanged p) {
            priority = p.to();
            return;
        }
        if (!(event instanceof VrrpEvent.StateChanged s)) {
            return;
        }
        String state;
        if (s.to() == RouterState.MASTER) {
            state = "MASTER";
        } else if (s.to() == RouterState.BACKUP) {
            state = "BACKUP";
        } else if (s.to() == RouterState.FAULT) {
            state = "FAULT";
        } else if (s.to() == RouterState.INIT && s.reason() == TransitionReason.SHUTDOWN) {
            state = "STOP";
        } else {
            return;
        }
        ScriptRunner.Prepared specific = prepared.get(state);
        if (specific != null) {
            run(specific);
        }
        ScriptRunner.Prepared any = prepared.get("any");
        if (any != null) {
            run(any.withArguments(List.of(kind, name, state, Integer.toString(priority))));
        }
    }

    private void run(ScriptRunner.Prepared p) {
        if (p.refused()) {
            return; // said so at start
        }
        runner.runInOrder(kind + " " + name, p, TIMEOUT, Map.of()).thenAccept(r -> {
            if (r.failure() != null) {
                LOG.warn("({}) {} cannot start: {}", name, p.name(), r.failure());
            } else if (r.timedOut()) {
                LOG.warn("({}) {} killed after {}", name, p.name(), TIMEOUT);
            }
        });
    }
}
