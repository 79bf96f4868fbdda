package io.lvs4j.health;

import io.lvs4j.internal.Preconditions;
import io.lvs4j.internal.ScriptRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code MISC_CHECK}: runs a program (an argv, never through a shell) with a timeout. Exit 0 is up
 * with the configured weight; exit 1 (or any other status, or a kill) is down. With
 * {@code misc_dynamic}, exit statuses 2..255 are up and set the weight to status - 2 (0..253),
 * as keepalived does; the weight can therefore never exceed 253. The program's output is
 * discarded. It runs as keepalived runs scripts (see {@link io.lvs4j.ScriptPolicy}): as its
 * {@link #runAs user} or the monitor's script user, in a process group of its own that is killed
 * when the timeout passes or the director dies, stdin from {@code /dev/null}, a minimal environment.
 */
public final class MiscChecker implements Checker {
    private final List<String> argv;
    private final Duration timeout;
    private final boolean dynamic;
    private final String user;
    private final String group;

    private MiscChecker(List<String> argv, Duration timeout, boolean dynamic, String user, String group) {
        this.argv = argv;
        this.timeout = timeout;
        this.dynamic = dynamic;
        this.user = user;
        this.group = group;
    }

    /** The program and its arguments, the timeout, and whether exits 2..255 set the weight. */
    public static MiscChecker of(List<String> argv, Duration timeout, boolean dynamic) {
        List<String> a = checkArgv(argv);
        return new MiscChecker(a, Endpoint.checkTimeout(timeout, "misc_timeout"), dynamic, null, null);
    }

    /**
     * This check run as {@code user} (keepalived's MISC_CHECK {@code user USER [GROUP]}), in
     * {@code group} (null: the user's primary group); without, as the monitor's
     * {@link io.lvs4j.ScriptPolicy} says.
     */
    public MiscChecker runAs(String user, String group) {
        String u = checkAccount(user, "MISC_CHECK user");
        String g = group == null ? null : checkAccount(group, "MISC_CHECK user " + user + " group");
        return new MiscChecker(argv, timeout, dynamic, u, g);
    }

    static String checkAccount(String name, String setting) {
        Preconditions.checkNotNull(name, setting);
        Preconditions.checkArgument(!name.isEmpty() && name.length() <= 32 && name.charAt(0) != '-'
                && name.chars().noneMatch(c -> Character.isWhitespace(c) || c == ':'), setting, name,
                "a user or group name");
        return name;
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

    /** The user it runs as, when it names one. */
    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    /** The group it runs as, when it names one. */
    public Optional<String> group() {
        return Optional.ofNullable(group);
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
        MonitorScripts scripts = MonitorScripts.of(context);
        ScriptRunner.Prepared p = scripts.prepare(this);
        if (p.refused()) {
            // disabled, as keepalived disables it: it never takes the server down
            return CompletableFuture.completedFuture(CheckResult.up(0));
        }
        return scripts.runner().run(p, timeout, Map.of()).thenApply(r -> {
            long latency = Math.max(0, context.ticker().nanos() - start);
            if (r.failure() != null) {
                return CheckResult.down(FailureReason.IO_ERROR, "cannot run " + argv.get(0) + ": " + r.failure(), latency);
            }
            if (r.timedOut()) {
                return CheckResult.down(FailureReason.READ_TIMEOUT, argv.get(0) + " killed after " + timeout.toMillis()
                        + " ms", latency);
            }
            return judge(r.exitStatus(), dynamic, latency);
        });
    }

    @Override
    public String describe() {
        return "MISC_CHECK " + String.join(" ", argv) + (user == null ? "" : " user " + user
                + (group == null ? "" : " " + group));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MiscChecker m && argv.equals(m.argv) && timeout.equals(m.timeout) && dynamic == m.dynamic
                && Objects.equals(user, m.user) && Objects.equals(group, m.group);
    }

    @Override
    public int hashCode() {
        return Objects.hash(argv, timeout, dynamic, user, group);
    }

    @Override
    public String toString() {
        return describe();
    }
}
