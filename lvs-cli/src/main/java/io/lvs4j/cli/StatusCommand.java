package io.lvs4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lvs4j status [--json]} and {@code lvs4j reload}: ask a running {@code lvs4j run} through its control socket. */
final class StatusCommand {
    private StatusCommand() {}

    static Integer ask(CommandSpec spec, Path control, String netns, String request) throws CliException {
        Path path = control != null ? control : Control.defaultPath(netns);
        Control.Answer a;
        try {
            a = Control.ask(path, request);
        } catch (IOException e) {
            throw new CliException(Main.FAILED, path + ": no lvs4j run answers there (" + e.getMessage() + ")");
        }
        PrintWriter w = a.status() == Main.OK ? spec.commandLine().getOut() : spec.commandLine().getErr();
        w.print(a.text());
        w.flush();
        return a.status();
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Print the state of a running lvs4j run: VRRP instances, virtual services, real servers"
                + " with health and weight (configured and in the kernel), connection counts.",
                "--json prints it for a program."})
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "JSON instead of text")
        boolean json;

        @Option(names = "--control", paramLabel = "PATH",
                description = "the control socket of the lvs4j run (default: /run/lvs4j/lvs4j.sock, or NETNS.sock with --netns)")
        Path control;

        @Option(names = "--netns", paramLabel = "NAME", description = "the --netns the lvs4j run was given (for the default socket)")
        String netns;

        @Override
        public Integer call() throws CliException {
            return ask(spec, control, netns, json ? "status json" : "status");
        }
    }

    @Command(name = "reload", mixinStandardHelpOptions = true,
            description = "Make a running lvs4j run re-read its file and apply the difference (as SIGHUP does); prints what changed or the file's errors.")
    static final class Reload implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--control", paramLabel = "PATH", description = "the control socket of the lvs4j run")
        Path control;

        @Option(names = "--netns", paramLabel = "NAME", description = "the --netns the lvs4j run was given (for the default socket)")
        String netns;

        @Override
        public Integer call() throws CliException {
            return ask(spec, control, netns, "reload");
        }
    }
}
