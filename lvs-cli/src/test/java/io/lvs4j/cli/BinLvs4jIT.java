package io.lvs4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM as {@code bin/lvs4j} starts it: the script itself runs, on a tiny jar (built here) whose
 * {@code io.lvs4j.cli.Launcher} either prints the heap limit or fills the heap from a thread of
 * its own while the main thread sleeps, as the userspace forwarder's thread would during a flood,
 * with a default uncaught exception handler as {@code lvs4j run} installs one.
 */
class BinLvs4jIT {
    private static final String LAUNCHER = """
            package io.lvs4j.cli;

            public class Launcher {
                public static void main(String[] args) throws Exception {
                    if (args[0].equals("heap")) {
                        System.out.println("max " + Runtime.getRuntime().maxMemory());
                        return;
                    }
                    Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
                        System.out.println("handler: " + t.getName() + " " + e);
                        System.exit(1);
                    });
                    Thread t = new Thread(() -> {
                        java.util.List<long[]> kept = new java.util.ArrayList<>();
                        while (true) {
                            kept.add(new long[1 << 16]);
                        }
                    }, "lvs4j-forwarder");
                    t.start();
                    t.join();
                    Thread.sleep(60_000);
                    System.out.println("still running after the thread's OutOfMemoryError");
                }
            }
            """;

    @TempDir
    Path dir;

    private Path jar() throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assumeTrue(javac != null, "needs a JDK's compiler");
        Path src = dir.resolve("src/io/lvs4j/cli/Launcher.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, LAUNCHER);
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        assertThat(javac.run(null, null, null, "--release", "17", "-d", classes.toString(), src.toString())).isZero();
        Path jar = dir.resolve("tiny.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
            j.putNextEntry(new JarEntry("io/lvs4j/cli/Launcher.class"));
            j.write(Files.readAllBytes(classes.resolve("io/lvs4j/cli/Launcher.class")));
            j.closeEntry();
        }
        return jar;
    }

    private record Ran(int status, String output) {
    }

    private Ran run(Map<String, String> env, String arg) throws Exception {
        Path log = dir.resolve("out-" + System.nanoTime() + ".log");
        Process p = Lvs4jCli.start(jar().toString(), log, env, arg);
        if (!p.waitFor(40, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Ran(-1, "still running after 40 s: " + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Ran(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private static long max(Ran r) {
        assertThat(r.status()).as(r.output()).isZero();
        String line = r.output().lines().filter(l -> l.startsWith("max ")).findFirst().orElseThrow(
                () -> new AssertionError("no max line in: " + r.output()));
        return Long.parseLong(line.substring(4).trim());
    }

    /**
     * Issue 16: the JVM must not end itself on an OutOfMemoryError (-XX:+ExitOnOutOfMemoryError,
     * -XX:+CrashOnOutOfMemoryError would, before any handler runs): lvs4j run's handler gets it and
     * stops gracefully (priority 0 first).
     */
    @Test
    void binLvs4j_outOfMemoryErrorInOneThread_reachesTheUncaughtExceptionHandler() throws Exception {
        Ran r = run(Map.of("LVS4J_HEAP", "32m"), "oom");
        assertThat(r.status()).as("exit status; output:\n%s", r.output()).isEqualTo(1);
        assertThat(r.output()).contains("handler: lvs4j-forwarder java.lang.OutOfMemoryError: Java heap space")
                .doesNotContain("Terminating due to").doesNotContain("Aborting due to").doesNotContain("still running");
    }

    @Test
    void binLvs4j_lvs4jHeap_isTheMaximumHeap() throws Exception {
        long max = max(run(Map.of("LVS4J_HEAP", "64m"), "heap"));
        assertThat(max).isBetween(48L << 20, 64L << 20);
    }

    @Test
    void binLvs4j_noHeapSetting_defaultsTo256Megabytes() throws Exception {
        Map<String, String> env = new HashMap<>();
        long max = max(run(env, "heap"));
        assertThat(max).isBetween(200L << 20, 256L << 20);
    }

    @Test
    void binLvs4j_xmxInJavaOptions_winsOverTheDefault() throws Exception {
        long max = max(run(Map.of("LVS4J_JAVA_OPTS", "-Xmx96m"), "heap"));
        assertThat(max).isBetween(72L << 20, 96L << 20);
    }
}
