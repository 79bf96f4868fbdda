package io.lvs4j.vrrp;

import io.lvs4j.vrrp.internal.Argv;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * keepalived's notify commands, run without a shell on a thread of their own (never blocking the
 * VRRP thread): the master/backup/fault/stop command on the matching transition, then the "any"
 * command with {@code INSTANCE|GROUP NAME MASTER|BACKUP|FAULT|STOP PRIORITY} appended, as
 * keepalived does.
 */
final class NotifyCommands implements VrrpListener {
    private static final Logger LOG = LoggerFactory.getLogger(NotifyCommands.class);

    private final UnaryOperator<List<String>> host;
    private final String kind;
    private final String name;
    private final VrrpInstance.Notify commands;
    private final ExecutorService executor;
    private int priority;

    /** {@code host} turns argv into what runs on the node's host (e.g. in its network namespace). */
    NotifyCommands(UnaryOperator<List<String>> host, String kind, String name, VrrpInstance.Notify commands,
            int priority, ExecutorService executor) {
        this.host = host;
        this.kind = kind;
        this.name = name;
        this.commands = commands;
        this.priority = priority;
        this.executor = executor;
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
        String specific = commands.forState(state);
        if (specific != null) {
            run(Argv.command(specific));
        }
        if (commands.any != null) {
            List<String> argv = new ArrayList<>(Argv.command(commands.any));
            argv.addAll(List.of(kind, name, state, Integer.toString(priority)));
            run(argv);
        }
    }

    private void run(List<String> argv) {
        List<String> full = host.apply(argv);
        executor.execute(() -> {
            try {
                Process p = new ProcessBuilder(full).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                p.waitFor();
            } catch (IOException e) {
                LOG.warn("({}) notify {} cannot start: {}", name, argv.get(0), e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }
}
