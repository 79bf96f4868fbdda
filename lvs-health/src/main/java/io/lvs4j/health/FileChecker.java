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
 * {@code FILE_CHECK}: reads an integer from a file (the first 64 bytes, as {@code strtol} reads
 * them: beyond a long it saturates; no leading number, blank or missing means 0).
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
        long value = leadingNumber(text);
        if (value == 0) {
            return CheckResult.up(latency);
        }
        if (weight == 0) {
            return CheckResult.down(FailureReason.REPLY_MISMATCH, "file value " + value + " (expected: 0)", latency);
        }
        long w = reverse ? -weight : weight;
        long product;
        try {
            product = Math.multiplyExact(value, w);
        } catch (ArithmeticException e) {
            product = (value < 0) != (w < 0) ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        if (product < 0) {
            return CheckResult.down(FailureReason.REPLY_MISMATCH, "file value " + value + " x weight "
                    + w + " = " + product + " (expected: >= 0)", latency);
        }
        return dynamic ? CheckResult.up(latency, (int) Math.min(RealServer.MAX_WEIGHT, product)) : CheckResult.up(latency);
    }

    /**
     * The number the text starts with, as {@code strtol} reads it: blanks, an optional sign, ASCII
     * digits; 0 when there are none; saturated at the bounds of a long.
     */
    static long leadingNumber(String text) {
        String t = text.strip();
        int i = 0;
        boolean negative = false;
        if (i < t.length() && (t.charAt(i) == '-' || t.charAt(i) == '+')) {
            negative = t.charAt(i++) == '-';
        }
        long value = 0; // accumulated negatively: Long.MIN_VALUE has no positive counterpart
        for (; i < t.length() && t.charAt(i) >= '0' && t.charAt(i) <= '9'; i++) {
            int d = t.charAt(i) - '0';
            if (value < (Long.MIN_VALUE + d) / 10) {
                return negative ? Long.MIN_VALUE : Long.MAX_VALUE;
            }
            value = value * 10 - d;
        }
        if (negative) {
            return value;
        }
        return value == Long.MIN_VALUE ? Long.MAX_VALUE : -value;
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
