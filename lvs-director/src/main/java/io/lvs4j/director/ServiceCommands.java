package io.lvs4j.director;

import io.lvs4j.ScriptPolicy;
import io.lvs4j.ServiceKey;
import io.lvs4j.health.HealthEvent;
import io.lvs4j.health.MiscChecker;
import io.lvs4j.internal.ScriptLauncher;
import io.lvs4j.internal.ScriptRunner;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The virtual servers' commands: {@code quorum_up}/{@code quorum_down} and the real servers'
 * {@code notify_up}/{@code notify_down}, run as the script policy says, in order per service, in
 * the director's namespace.
 */
final class ServiceCommands {
    private static final Logger LOG = LoggerFactory.getLogger(Director.class);

    /** How long a quorum_up/down or notify_up/down command may run before its process group is killed. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private final ScriptRunner runner;
    private final Map<DirectorConfig.Command, ScriptRunner.Prepared> prepared = new ConcurrentHashMap<>();
    /** The services' commands by service (on the director's thread). */
    private Map<ServiceKey, DirectorConfig.Commands> commands = Map.of();

    ServiceCommands(ScriptPolicy policy, String netns) {
        this.runner = ScriptRunner.create(policy, ScriptLauncher.create(netns));
    }

    /** The services' commands, as the configuration last applied gives them. */
    void commands(Map<ServiceKey, DirectorConfig.Commands> commands) {
        this.commands = commands;
    }

    /** Commands started from now on run under {@code policy}. */
    void policy(ScriptPolicy policy) {
        runner.policy(policy);
        prepared.clear();
    }

    /**
     * A real server went up or down: its notify_up/down, if it has one; a service gained or lost
     * quorum: its quorum_up/down.
     */
    void onHealth(HealthEvent e) {
        DirectorConfig.Commands c = commands.get(e.service());
        if (c == null) {
            return;
        }
        DirectorConfig.Command cmd = switch (e.type()) {
            case REAL_SERVER_UP -> e.realServer() == null ? null : c.notifyCommand(e.realServer().endpoint(), true);
            case REAL_SERVER_DOWN -> e.realServer() == null ? null : c.notifyCommand(e.realServer().endpoint(), false);
            case QUORUM_UP -> c.quorumUp;
            case QUORUM_DOWN -> c.quorumDown;
            default -> null;
        };
        if (cmd != null) {
            run(e.service(), cmd);
        }
    }

    /**
     * A command of {@code service} (quorum_up, notify_down, ...): split as keepalived
     * does, no shell, as the script policy says (checked once, refused by script security: never
     * run), in the director's namespace, after the service's earlier commands.
     */
    void run(ServiceKey service, DirectorConfig.Command command) {
        List<String> words = MiscChecker.command(command.line());
        if (words.isEmpty()) {
            return;
        }
        ScriptRunner.Prepared p = prepared.computeIfAbsent(command, c -> {
            ScriptRunner.Prepared x = runner.prepare("virtual_server " + service + " command " + words.get(0), words,
                    command.user(), command.group());
            x.warnings().forEach(w -> LOG.warn("{}", w));
            if (x.refused()) {
                LOG.error("{}", x.refusal());
            }
            return x;
        });
        if (p.refused()) {
            return;
        }
        runner.runInOrder(service, p, COMMAND_TIMEOUT, Map.of()).thenAccept(r -> {
            if (r.failure() != null) {
                LOG.warn("command {} not run: {}", command, r.failure());
            } else if (r.timedOut()) {
                LOG.warn("command {} killed after {}", command, COMMAND_TIMEOUT);
            }
        });
    }

    /** Waits up to {@code grace} for running commands, then kills what still runs, with its process group. */
    void close(Duration grace) {
        runner.close(grace);
    }
}
