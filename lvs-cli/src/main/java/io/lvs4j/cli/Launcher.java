package io.lvs4j.cli;

import io.lvs4j.cli.Main.Io;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The entry point {@code bin/lvs4j} starts. The plain forms of the hot command,
 * {@code ipvs restore} and {@code ipvs restore FILE}, run directly, without building picocli's
 * command tree: picocli's classes are compiled for Java 5, so the class-data-sharing archive
 * cannot hold them and each run loads and verifies them from the jar, which costs about a second
 * inside User-Mode Linux. Everything else (options, help, other commands) goes to {@link Main}
 * unchanged. Both paths run the same {@link IpvsCommands#restore} and report errors the same way:
 * {@code lvs4j: ...} lines on stderr and Main's exit statuses.
 */
public final class Launcher {
    private static final String JNR_ASM = "jnr.ffi.asm.enabled";

    private Launcher() {}

    public static void main(String[] args) {
        if (!isDirect(args)) {
            Main.main(args);
            return;
        }
        Timing.mark(System.err, "main");
        // jnr-ffi binds libc through reflection instead of generating classes with ASM: a restore makes
        // about a hundred native calls, and the generator's Java 5 classes (ASM, jnr.x86asm) cannot be
        // in the CDS archive, so generating costs more than it saves (~750 page faults in UML)
        if (System.getProperty(JNR_ASM) == null) {
            System.setProperty(JNR_ASM, "false");
        }
        int code = restore(plainRestore(args), new Io(System.in, System.out, System.err));
        System.out.flush();
        Timing.mark(System.err, "exit");
        System.exit(code);
    }

    /** Runs one command line with these streams and returns the exit status, as {@link Main#run} does. */
    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (!isDirect(args)) {
            return Main.run(args, in, out, err);
        }
        return restore(plainRestore(args), new Io(in, out, err));
    }

    /** Whether these arguments take the direct path. */
    static boolean isDirect(String[] args) {
        return (args.length == 2 && isRestore(args)) || plainRestore(args) != null;
    }

    private static boolean isRestore(String[] args) {
        return args[0].equals("ipvs") && args[1].equals("restore");
    }

    /**
     * The FILE of {@code ipvs restore FILE}, or null when the arguments are anything else. An
     * argument starting with {@code -} is an option and one starting with {@code @} a picocli
     * argument file: those go to {@link Main}.
     */
    private static Path plainRestore(String[] args) {
        if (args.length != 3 || !isRestore(args)) {
            return null;
        }
        String f = args[2];
        if (f.isEmpty() || f.startsWith("-") || f.startsWith("@")) {
            return null;
        }
        try {
            return Path.of(f);
        } catch (InvalidPathException e) {
            return null; // picocli reports it as a bad parameter
        }
    }

    private static int restore(Path file, Io io) {
        try {
            return IpvsCommands.restore(io, file, false);
        } catch (CliException e) {
            for (String line : e.lines()) {
                io.err().println("lvs4j: " + line);
            }
            return e.exitCode();
        } catch (RuntimeException e) {
            io.err().println("lvs4j: internal error: " + e);
            return Main.FAILED;
        }
    }
}
