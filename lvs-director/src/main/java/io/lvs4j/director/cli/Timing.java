package io.lvs4j.director.cli;

import java.io.PrintStream;

/**
 * Phase timings on stderr when the environment has {@code LVS4J_TIMING} set: milliseconds since
 * the process started, for finding where a command's time goes (JVM start, parsing, the kernel).
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
        err.println("lvs4j timing: " + phase + " at " + (now - processStart) + " ms");
    }
}
