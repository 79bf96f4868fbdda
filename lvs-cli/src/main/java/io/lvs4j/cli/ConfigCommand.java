package io.lvs4j.cli;

import io.lvs4j.director.config.ConfigException;
import io.lvs4j.director.config.ConfigProblem;
import io.lvs4j.director.config.ConfigResult;
import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.director.config.ReadOptions;
import io.lvs4j.director.config.StartTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lvs4j config check FILE} and {@code lvs4j config render FILE}: keepalived.conf checked as
 * {@code keepalived -t} does, and the IPVS rules it installs at start ({@link StartTable}: with
 * {@code alpha} no checked real server until its first good check) printed as {@code ipvsadm -Sn} does.
 *
 * <p>Exit status: {@value Main#OK} when the file reads without errors (warnings go to stderr as
 * {@code file:line:column: warning: message}, among them the scripts {@code check} finds the
 * director would refuse or warn about at start on this host, as keepalived logs them); {@value Main#USAGE} when it has errors, each printed
 * on stderr as {@code file:line:column: message}, then {@code lvs4j: FILE: N errors};
 * {@value Main#FAILED} when the file cannot be read. Registered in {@link Main}.
 */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Read a keepalived.conf: check it, or print the IPVS rules it means.",
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Render.class})
public final class ConfigCommand {
    /**
     * Reads {@code file}, printing warnings (unless quiet) and errors on {@code err}.
     *
     * @throws CliException with {@link Main#USAGE} if the file has errors, {@link Main#FAILED} if
     *     it cannot be read
     */
    static ConfigResult read(Path file, PrintWriter err, boolean quiet) throws CliException {
        return read(file, err, quiet, ReadOptions.defaults());
    }

    private static ConfigResult read(Path file, PrintWriter err, boolean quiet, ReadOptions options)
            throws CliException {
        try {
            ConfigResult r = KeepalivedConfig.read(file, options);
            if (!quiet) {
                r.warnings().forEach(w -> err.println(warning(w)));
            }
            return r;
        } catch (ConfigException e) {
            for (ConfigProblem p : e.errors()) {
                err.println(p);
            }
            if (!quiet) {
                e.warnings().forEach(w -> err.println(warning(w)));
            }
            throw new CliException(Main.USAGE, file + ": " + e.errors().size() + (e.errors().size() == 1 ? " error" : " errors"));
        } catch (NoSuchFileException e) {
            throw new CliException(Main.FAILED, file + ": no such file");
        } catch (IOException e) {
            throw new CliException(Main.FAILED, file + ": cannot read: " + e);
        } finally {
            err.flush();
        }
    }

    /** What both subcommands take: the file, and whether to keep quiet about warnings. */
    static final class Input {
        @Parameters(paramLabel = "FILE", description = "the keepalived.conf")
        Path file;

        @Option(names = {"-q", "--quiet"}, description = "do not print warnings")
        boolean quiet;
    }

    private static String warning(ConfigProblem w) {
        return w.location() + ": warning: " + w.message();
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Check a keepalived.conf as keepalived -t does: exit 0 when it is valid (warnings on stderr);",
                "otherwise print every problem with its file:line:column on stderr and exit 2."})
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Input input;

        @Override
        public Integer call() throws CliException {
            // the scripts as the director checks them at start: enable_script_security, script_user
            read(input.file, spec.commandLine().getErr(), input.quiet, ReadOptions.builder().checkScripts(true).build());
            return Main.OK;
        }
    }

    @Command(name = "render", mixinStandardHelpOptions = true,
            description = {"Print the IPVS rules a keepalived.conf installs at start, before any check",
                "has answered, in ipvsadm -Sn format (what keepalived 2.2.7 installs from it): with alpha,",
                "a checked real server is left out (at weight 0 with inhibit_on_failure) until its first",
                "good check, and a service without quorum has its sorry server in."})
    static final class Render implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Input input;

        @Override
        public Integer call() throws CliException {
            ConfigResult r = read(input.file, spec.commandLine().getErr(), input.quiet);
            PrintWriter out = spec.commandLine().getOut();
            java.util.List<io.lvs4j.VirtualService> atStart;
            try {
                atStart = StartTable.of(r.config());
            } catch (IllegalArgumentException e) { // a checker the director refuses to build
                throw new CliException(Main.USAGE, input.file + ": " + e.getMessage());
            }
            out.print(IpvsadmFormat.save(atStart));
            out.flush();
            return Main.OK;
        }
    }
}
