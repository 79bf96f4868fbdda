package io.lvs4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The repository's {@code bin/lvs4j} run as a process by the end-to-end ITs, on the jar failsafe
 * names in {@code lvs4j.cli.jar} (class data sharing off).
 */
final class Lvs4jCli {
    private Lvs4jCli() {
    }

    /** {@code bin/lvs4j ARGS...} with stdout and stderr to {@code log}; the caller stops it. */
    static Process start(String jar, Path log, String... args) throws IOException {
        return builder(jar, args).redirectOutput(log.toFile()).start();
    }

    /** As {@link #start(String, Path, String...)} with {@code env} added to the environment. */
    static Process start(String jar, Path log, Map<String, String> env, String... args) throws IOException {
        ProcessBuilder pb = builder(jar, args).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    /** {@code bin/lvs4j ARGS...} run to its end (at most 20 s): its output, or a line saying why none. */
    static String run(String jar, String... args) {
        try {
            Process p = builder(jar, args).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return args[0] + " timed out";
            }
            return out;
        } catch (IOException e) {
            return args[0] + ": " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static ProcessBuilder builder(String jar, String... args) {
        List<String> argv = new ArrayList<>(List.of("bin/lvs4j"));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(repositoryRoot().toFile()).redirectErrorStream(true);
        pb.environment().put("LVS4J_JAR", jar);
        pb.environment().put("LVS4J_CDS", "off");
        return pb;
    }

    static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        return Files.exists(p.resolve("bin/lvs4j")) ? p : p.getParent();
    }

    /** The "to real servers" count on {@code lvs4j status}'s "Userspace forwarder" line, or -1. */
    static long toRealServers(String status) {
        for (String line : status.split("\n")) {
            int at = line.indexOf("to real servers ");
            if (line.startsWith("Userspace forwarder") && at >= 0) {
                return Long.parseLong(line.substring(at + "to real servers ".length()).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }
}
