package io.lvs4j.vrrp.linux;

import io.lvs4j.vrrp.RouterState;
import io.lvs4j.vrrp.TransitionReason;
import io.lvs4j.vrrp.VrrpEvent;
import io.lvs4j.vrrp.VrrpListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * keepalived's notify commands, run without a shell on a thread of their own (never blocking the
 * VRRP thread): {@code notify_master}/{@code notify_backup}/{@code notify_fault}/{@code notify_stop}
 * on the matching transition, and {@code notify} with the arguments
 * {@code INSTANCE|GROUP NAME MASTER|BACKUP|FAULT|STOP PRIORITY} appended, as keepalived does.
 */
final class NotifyCommands implements VrrpListener {
    private static final Logger LOG = LoggerFactory.getLogger(NotifyCommands.class);

    private final String netns;
    private final String kind;
    private final String name;
    private final Map<String, String> commands;
    private final ExecutorService executor;
    private int priority;

    NotifyCommands(String netns, String kind, String name, Map<String, String> commands, int priority,
            ExecutorService executor) {
        this.netns = netns;
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
        String specific = commands.get("notify_" + state.toLowerCase(java.util.Locale.ROOT));
        if (specific != null) {
            run(Argv.command(specific));
        }
        String generic = commands.get("notify");
        if (generic != null) {
            List<String> argv = new ArrayList<>(Argv.command(generic));
            argv.addAll(List.of(kind, name, state, Integer.toString(priority)));
            run(argv);
        }
    }

    private void run(List<String> argv) {
        List<String> full = Argv.inNamespace(netns, argv);
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
