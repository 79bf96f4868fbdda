package io.lvs4j.health;

import io.lvs4j.internal.Preconditions;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * {@code MISC_CHECK}: runs a program (an argv, never through a shell) with a timeout. Exit 0 is up
 * with the configured weight; exit 1 (or any other status, or a kill) is down. With
 * {@code misc_dynamic}, exit statuses 2..255 are up and set the weight to status - 2 (0..253),
 * as keepalived does; the weight can therefore never exceed 253. The program's output is
 * discarded. The process is killed when the timeout passes.
 */
public final class MiscChecker implements Checker {
    private final List<String> argv;
    private final Duration timeout;
    private final boolean dynamic;

    private MiscChecker(List<String> argv, Duration timeout, boolean dynamic) {
        this.argv = argv;
        this.timeout = timeout;
        this.dynamic = dynamic;
    }

    /** The program and its arguments, the timeout, and whether exits 2..255 set the weight. */
    public static MiscChecker of(List<String> argv, Duration timeout, boolean dynamic) {
        List<String> a = checkArgv(argv);
        return new MiscChecker(a, Endpoint.checkTimeout(timeout, "misc_timeout"), dynamic);
    }

    /** An immutable copy of a program and its arguments, checked. */
    static List<String> checkArgv(List<String> argv) {
        Preconditions.checkNotNull(argv, "misc_path");
        Preconditions.checkArgument(!argv.isEmpty() && argv.stream().allMatch(Objects::nonNull)
                && !argv.get(0).isEmpty(), "misc_path", argv.toString(), "a program and its arguments");
        return List.copyOf(argv);
    }

    /**
     * A command as keepalived takes it ({@code misc_path}, {@code quorum_up}, {@code notify_up},
     * ...): {@link #split} into words, and when that gives one quoted string holding blanks
     * (keepalived's usual {@code misc_path "/path/script arg"}), that string split again into the
     * program and its arguments.
     */
    public static List<String> command(String commandLine) {
        List<String> words = split(commandLine);
        if (words.size() == 1 && words.get(0).strip().chars().anyMatch(Character::isWhitespace)) {
            return split(words.get(0));
        }
        return words;
    }

    /**
     * Splits a {@code misc_path} as written in keepalived.conf into words: blanks separate, double
     * or single quotes group, backslash escapes the next character. No shell is involved.
     */
    public static List<String> split(String commandLine) {
        Preconditions.checkNotNull(commandLine, "misc_path");
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < commandLine.length(); i++) {
            char c = commandLine.charAt(i);
            if (c == '\\' && quote != '\'' && i + 1 < commandLine.length()) {
                w.append(commandLine.charAt(++i));
                inWord = true;
            } else if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    w.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (c == ' ' || c == '\t') {
                if (inWord) {
                    words.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
            } else {
                w.append(c);
                inWord = true;
            }
        }
        Preconditions.checkArgument(quote == 0, "misc_path", commandLine, "balanced quotes");
        if (inWord) {
            words.add(w.toString());
        }
        return words;
    }

    public List<String> argv() {
        return argv;
    }

    public Duration timeout() {
        return timeout;
    }

    public boolean dynamic() {
        return dynamic;
    }

    /** The result of an exit status, keepalived's rules. */
    static CheckResult judge(int status, boolean dynamic, long latency) {
        if (status == 0) {
            return CheckResult.up(latency);
        }
        if (dynamic && status >= 2 && status <= 255) {
            return CheckResult.up(latency, status - 2);
        }
        return CheckResult.down(FailureReason.EXIT_STATUS, "exited with status " + status, latency);
    }

    @Override
    public CompletionStage<CheckResult> check(CheckContext context) {
        long start = context.ticker().nanos();
        CompletableFuture<CheckResult> done = new CompletableFuture<>();
        context.blockingExecutor().execute(() -> {
            Process p;
            try {
                p = new ProcessBuilder(argv).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            } catch (IOException | RuntimeException e) {
                done.complete(CheckResult.down(FailureReason.IO_ERROR, "cannot run " + argv.get(0) + ": " + e.getMessage(),
                        Math.max(0, context.ticker().nanos() - start)));
                return;
            }
            var timer = context.eventLoop().schedule(() -> {
                if (p.isAlive()) {
                    // the result first: once killed, onExit could complete it with the kill's status
                    done.complete(CheckResult.down(FailureReason.READ_TIMEOUT, argv.get(0) + " killed after "
                            + timeout.toMillis() + " ms", Math.max(0, context.ticker().nanos() - start)));
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            }, timeout.toNanos(), TimeUnit.NANOSECONDS);
            p.onExit().thenAccept(exited -> {
                timer.cancel(false);
                done.complete(judge(exited.exitValue(), dynamic, Math.max(0, context.ticker().nanos() - start)));
            });
        });
        return done;
    }

    @Override
    public String describe() {
        return "MISC_CHECK " + String.join(" ", argv);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MiscChecker m && argv.equals(m.argv) && timeout.equals(m.timeout) && dynamic == m.dynamic;
    }

    @Override
    public int hashCode() {
        return Objects.hash(argv, timeout, dynamic);
    }

    @Override
    public String toString() {
        return describe();
    }
}
