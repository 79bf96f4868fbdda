package io.lvs4j.health;

import io.lvs4j.RealServer;
import io.lvs4j.internal.Preconditions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code FILE_CHECK}: reads an integer from a file (the first 64 bytes; blank or missing means 0).
 * The value times {@code weight} ({@code reverse}: times -weight) is the outcome: 0 is up with the
 * configured weight; with {@code weight} 0, any other value is down; otherwise a positive product
 * is up and, with {@code dynamic}, sets the weight (bounded to 0..65535), and a negative one is
 * down. An unreadable file is down.
 */
public final class FileChecker implements Checker {
    private final Path file;
    private final int weight;
    private final boolean reverse;
    private final boolean dynamic;

    private FileChecker(Path file, int weight, boolean reverse, boolean dynamic) {
        this.file = file;
        this.weight = weight;
        this.reverse = reverse;
        this.dynamic = dynamic;
    }

    /** weight -254..254 as keepalived's track_file weight. */
    public static FileChecker of(Path file, int weight, boolean reverse, boolean dynamic) {
        Preconditions.checkNotNull(file, "track_file");
        Preconditions.checkInRange(weight, -254, 254, "weight");
        return new FileChecker(file, weight, reverse, dynamic);
    }

    static CheckResult judge(String text, int weight, boolean reverse, boolean dynamic, long latency) {
        String t = text.strip();
        int end = 0;
        while (end < t.length() && (Character.isDigit(t.charAt(end)) || end == 0 && t.charAt(0) == '-')) {
            end++;
        }
        long value;
        try {
            value = end == 0 ? 0 : Long.parseLong(t.substring(0, end));
        } catch (NumberFormatException e) {
            return CheckResult.down(FailureReason.BAD_RESPONSE, "not a number: " + HttpChecker.printable(t), latency);
        }
        if (value == 0) {
            return CheckResult.up(latency);
        }
        if (weight == 0) {
            return CheckResult.down(FailureReason.REPLY_MISMATCH, "file value " + value + " (expected: 0)", latency);
        }
        long product = value * weight * (reverse ? -1 : 1);
        if (product < 0) {
            return CheckResult.down(FailureReason.REPLY_MISMATCH, "file value " + value + " x weight "
                    + (reverse ? -weight : weight) + " = " + product + " (expected: >= 0)", latency);
        }
        return dynamic ? CheckResult.up(latency, (int) Math.min(RealServer.MAX_WEIGHT, product)) : CheckResult.up(latency);
    }

    @Override
    public CompletionStage<CheckResult> check(CheckContext context) {
        long start = context.ticker().nanos();
        CompletableFuture<CheckResult> done = new CompletableFuture<>();
        context.blockingExecutor().execute(() -> {
            String text;
            try (InputStream in = Files.newInputStream(file)) {
                text = new String(in.readNBytes(64), StandardCharsets.US_ASCII);
            } catch (java.nio.file.NoSuchFileException e) {
                text = "";
            } catch (IOException | RuntimeException e) {
                done.complete(CheckResult.down(FailureReason.IO_ERROR, "cannot read " + file + ": " + e.getMessage(),
                        Math.max(0, context.ticker().nanos() - start)));
                return;
            }
            done.complete(judge(text, weight, reverse, dynamic, Math.max(0, context.ticker().nanos() - start)));
        });
        return done;
    }

    @Override
    public String describe() {
        return "FILE_CHECK " + file;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FileChecker f && file.equals(f.file) && weight == f.weight && reverse == f.reverse
                && dynamic == f.dynamic;
    }

    @Override
    public int hashCode() {
        return Objects.hash(file, weight, reverse, dynamic);
    }

    @Override
    public String toString() {
        return describe();
    }
}
