package io.lvs4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Phase timings on stderr when the environment has {@code LVS4J_TIMING} set: milliseconds since
 * the process started, for finding where a command's time goes (JVM start, parsing, the kernel),
 * with the process's CPU time and page faults so far (from {@code /proc/self/stat}; page faults
 * and system calls are what a process pays most for inside User-Mode Linux).
 */
final class Timing {
    private static final boolean ON = System.getenv("LVS4J_TIMING") != null;
    private static final long START_NANOS = System.nanoTime();
    private static final long START_MILLIS = System.currentTimeMillis();

    private Timing() {}

    static void mark(PrintStream err, String phase) {
        if (!ON) {
            return;
        }
        long processStart = ProcessHandle.current().info().startInstant().map(i -> i.toEpochMilli()).orElse(START_MILLIS);
        long now = START_MILLIS + (System.nanoTime() - START_NANOS) / 1_000_000;
        err.println("lvs4j timing: " + phase + " at " + (now - processStart) + " ms" + counters());
    }

    /** {@code , cpu U+S ms, faults MIN/MAJ} from /proc/self/stat, or nothing if unreadable. */
    private static String counters() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // fields after the command name in parentheses, which may contain spaces
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // f[0] is field 3 (state): minflt is field 10, majflt 12, utime 14, stime 15 (clock ticks)
            long tick = 10; // USER_HZ is 100 on Linux
            return ", cpu " + Long.parseLong(f[11]) * tick + "+" + Long.parseLong(f[12]) * tick + " ms, faults "
                    + f[7] + "/" + f[9];
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
