package io.lvs4j.cli;

import io.lvs4j.netlink.Ipvs;
import io.lvs4j.table.IpvsException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code lvs4j} command line, run by {@code bin/lvs4j}.
 *
 * <p>Exit statuses, for scripts: {@value #OK} success; {@value #FAILED} the kernel refused a
 * change or an IO operation failed; {@value #USAGE} bad arguments or bad input (nothing was
 * changed); {@value #UNAVAILABLE} this kernel or process cannot use IPVS. Every failure prints
 * {@code lvs4j: ...} lines on stderr; stdout only carries the requested output.
 *
 * <p>Commands are a tree: {@code lvs4j ipvs save|restore|list|clear}. A new command group is one
 * more {@link CommandLine#addSubcommand} in {@link #commandLine(Io, String[])}.
 */
public final class Main {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int UNAVAILABLE = 3;

    private Main() {}

    public static void main(String[] args) {
        Timing.mark(System.err, "main");
        NettyFatalLog.install(); // before any Netty class takes its logger (issue 16)
        int code = run(args, System.in, System.out, System.err);
        System.out.flush();
        Timing.mark(System.err, "exit");
        System.exit(code);
    }

    /** Runs one command line with these streams and returns the exit status. */
    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return commandLine(new Io(in, out, err), args).execute(args);
    }

    /** The streams a command uses. */
    record Io(InputStream in, PrintStream out, PrintStream err) {}

    /** The whole command tree with lvs4j's error handling and exit statuses. */
    static CommandLine commandLine(Io io) {
        return commandLine(io, new String[0]);
    }

    /**
     * The command tree for these arguments: when they start with a full command path (such as
     * {@code ipvs restore}) only that branch is built, which parses the same and starts faster;
     * otherwise the whole tree, so that help and errors list every command.
     */
    static CommandLine commandLine(Io io, String[] args) {
        CommandLine cl = new CommandLine(new Lvs4j(io));
        if (args.length >= 2 && args[0].equals("ipvs") && IpvsCommands.NAMES.contains(args[1])) {
            cl.addSubcommand(IpvsCommands.commandLine(io, List.of(args[1])));
        } else {
            cl.addSubcommand(IpvsCommands.commandLine(io));
        }
        cl.addSubcommand(new ConfigCommand());
        cl.addSubcommand(new RunCommand());
        cl.addSubcommand(new StatusCommand.Status());
        cl.addSubcommand(new StatusCommand.Reload());
        cl.addSubcommand(new HostCommands.RealServer());
        cl.addSubcommand(new HostCommands.DirectorSysctl());
        cl.setOut(new PrintWriter(io.out(), true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(io.err(), true, StandardCharsets.UTF_8));
        Map<String, String> exits = new LinkedHashMap<>();
        exits.put("0", "success");
        exits.put("1", "the kernel refused a change, or IO failed");
        exits.put("2", "bad arguments or input; nothing was changed");
        exits.put("3", "IPVS cannot be used here (no IPVS in the kernel, or no permission)");
        exitCodeHelp(cl, exits);
        cl.setParameterExceptionHandler((ex, badArgs) -> {
            io.err().println("lvs4j: " + ex.getMessage() + " (see: " + ex.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help)");
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof CliException) {
                for (String line : ((CliException) ex).lines()) {
                    io.err().println("lvs4j: " + line);
                }
                return ((CliException) ex).exitCode();
            }
            io.err().println("lvs4j: internal error: " + ex);
            return FAILED;
        });
        cl.setExitCodeExceptionMapper(ex -> FAILED);
        return cl;
    }

    private static void exitCodeHelp(CommandLine cl, Map<String, String> exits) {
        cl.getCommandSpec().usageMessage().exitCodeListHeading("Exit status:%n").exitCodeList(exits);
        for (CommandLine sub : cl.getSubcommands().values()) {
            exitCodeHelp(sub, exits);
        }
    }

    /** Opens IPVS, or fails with the availability probe's plain message. */
    static Ipvs openIpvs() throws CliException {
        try {
            return Ipvs.open();
        } catch (IpvsException e) {
            IpvsException cause = Ipvs.unavailabilityCause();
            if (cause != null) {
                throw new CliException(UNAVAILABLE, cause.getMessage());
            }
            throw new CliException(FAILED, e.getMessage());
        }
    }

    @Command(name = "lvs4j", mixinStandardHelpOptions = true, version = "lvs4j 0.1.0-SNAPSHOT",
            description = "Linux Virtual Server director tools.")
    static final class Lvs4j implements Callable<Integer> {
        private final Io io;
        @Spec
        CommandSpec spec;

        Lvs4j(Io io) {
            this.io = io;
        }

        @Override
        public Integer call() {
            io.err().println("lvs4j: missing command (expected: one of " + spec.subcommands().keySet() + ")");
            return USAGE;
        }
    }
}
