package io.lvs4j.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Runs the director's scripts (MISC_CHECK, vrrp_script, notify, quorum_up/down) as keepalived runs
 * them, without a shell:
 * <ul>
 *   <li>as the script's user and group (supplementary groups cleared), through {@code setpriv};</li>
 *   <li>in a process group of its own ({@code setsid}), so a timeout kills the script and every
 *       child it started ({@code kill -KILL -PGID});</li>
 *   <li>with {@code PR_SET_PDEATHSIG} (SIGKILL), so it dies with the director, even a director killed
 *       with SIGKILL: every script is started from one long-lived launcher thread, which is the
 *       "parent" the kernel watches;</li>
 *   <li>stdin from {@code /dev/null}, output discarded, and a minimal environment ({@code PATH}
 *       only, plus what the caller adds, e.g. notify's variables);</li>
 *   <li>in the director's network namespace ({@code ip netns exec}) when it has one.</li>
 * </ul>
 * Scripts given the same order key (e.g. one VRRP instance's notifies) run one after another, in
 * the order asked; others run at once. {@link #close()} kills every running group.
 */
public final class ScriptLauncher implements AutoCloseable {
    /** The environment every script gets (keepalived's scripts inherit a daemon's small one). */
    public static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /** What to run. {@code user}/{@code group} null: the launcher's own; {@code env}: added to PATH. */
    public record Script(String name, List<String> argv, String user, String group, Duration timeout,
            Map<String, String> env) {
        public Script {
            Preconditions.checkNotNull(name, "script name");
            argv = List.copyOf(Preconditions.checkNotNull(argv, "argv"));
            Preconditions.checkArgument(!argv.isEmpty(), "script " + name, "an empty command", "a command");
            Preconditions.checkNotNull(timeout, "timeout");
            Preconditions.checkArgument(!timeout.isNegative() && !timeout.isZero(), "script " + name + " timeout",
                    timeout, "more than 0");
            env = Map.copyOf(env);
        }

        /** A script run as the launcher's user, with no extra environment. */
        public static Script of(String name, List<String> argv, Duration timeout) {
            return new Script(name, argv, null, null, timeout, Map.of());
        }
    }

    /**
     * How a run ended: the exit status (128 + signal when killed), whether it was killed for its
     * timeout, how long it took, and why it could not start (null when it started).
     */
    public record Result(int exitStatus, boolean timedOut, Duration took, String failure) {
        public boolean succeeded() {
            return failure == null && !timedOut && exitStatus == 0;
        }
    }

    private final UnaryOperator<List<String>> host;
    private final ExecutorService launcher;
    private final ScheduledExecutorService timers;
    private final Set<ProcessHandle> running = new LinkedHashSet<>();
    private final Map<Object, ArrayDeque<Runnable>> queues = new HashMap<>();
    /** Runs asked for and not ended (queued or running): what {@link #close(Duration)} waits for. */
    private final Set<CompletableFuture<Result>> pending = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private ScriptLauncher(UnaryOperator<List<String>> host) {
        this.host = host;
        this.launcher = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "lvs4j-script-launcher");
            t.setDaemon(true);
            return t;
        });
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lvs4j-script-timer");
            t.setDaemon(true);
            return t;
        });
    }

    /** A launcher for scripts in the current network namespace, or in {@code /run/netns/NETNS}. */
    public static ScriptLauncher create(String netns) {
        if (netns == null) {
            return new ScriptLauncher(UnaryOperator.identity());
        }
        return new ScriptLauncher(argv -> {
            List<String> out = new ArrayList<>(List.of("ip", "netns", "exec", netns));
            out.addAll(argv);
            return out;
        });
    }

    /**
     * A launcher whose commands run on a host {@code host} describes: it turns the launcher's argv
     * into what runs there (e.g. prefixed with {@code ip netns exec NETNS}); the credentials change
     * inside it.
     */
    public static ScriptLauncher onHost(UnaryOperator<List<String>> host) {
        return new ScriptLauncher(Preconditions.checkNotNull(host, "host"));
    }

    /** Starts {@code script} now; the future completes when it exits or is killed. */
    public CompletableFuture<Result> run(Script script) {
        Preconditions.checkNotNull(script, "script");
        CompletableFuture<Result> done = track(new CompletableFuture<>());
        submit(() -> start(script, done));
        return done;
    }

    /**
     * Runs {@code script} after every earlier script with the same {@code orderKey} has ended (or
     * been killed for its timeout); scripts of other keys are not held up.
     */
    public CompletableFuture<Result> runInOrder(Object orderKey, Script script) {
        Preconditions.checkNotNull(orderKey, "order key");
        Preconditions.checkNotNull(script, "script");
        CompletableFuture<Result> done = track(new CompletableFuture<>());
        Runnable task = () -> submit(() -> start(script, done));
        boolean first;
        synchronized (queues) {
            ArrayDeque<Runnable> q = queues.computeIfAbsent(orderKey, k -> new ArrayDeque<>());
            q.add(task);
            first = q.size() == 1;
        }
        done.whenComplete((r, t) -> {
            Runnable next;
            synchronized (queues) {
                ArrayDeque<Runnable> q = queues.get(orderKey);
                q.poll();
                next = q.peek();
                if (next == null) {
                    queues.remove(orderKey);
                }
            }
            if (next != null) {
                next.run();
            }
        });
        if (first) {
            task.run();
        }
        return done;
    }

    private CompletableFuture<Result> track(CompletableFuture<Result> done) {
        pending.add(done);
        done.whenComplete((r, t) -> pending.remove(done));
        return done;
    }

    private void submit(Runnable start) {
        try {
            launcher.execute(start);
        } catch (RejectedExecutionException e) {
            start.run(); // closed: start() reports it
        }
    }

    /** The argv that runs {@code script}: namespace, credentials, process group, death signal, command. */
    List<String> argv(Script script) {
        List<String> argv = new ArrayList<>();
        argv.add("setsid");
        argv.add("setpriv");
        if (script.user() != null) {
            argv.add("--reuid=" + script.user());
        }
        if (script.group() != null || script.user() != null) {
            argv.add("--regid=" + (script.group() != null ? script.group() : primaryGroup(script.user())));
            argv.add("--clear-groups");
        }
        // the death signal is not inherited by the script's children: a guard (a shell that only
        // waits, never parses the script's words) takes TERM when the director dies and kills the
        // whole group, the script's children included
        argv.add("--pdeathsig=TERM");
        argv.add("--");
        argv.addAll(List.of("/bin/sh", "-c", GUARD, "lvs4j-script"));
        argv.addAll(script.argv());
        return host.apply(argv);
    }

    /**
     * Why {@code program} cannot be started (a path that is not an executable file, a name not on
     * {@link #PATH}), or null. Checked here because behind setsid, setpriv and the guard a missing
     * program would only show as the shell's exit status 127.
     */
    static String notRunnable(String program) {
        if (program.indexOf('/') >= 0) {
            Path p = Path.of(program);
            if (!Files.exists(p)) {
                return program + ": no such file";
            }
            if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
                return program + ": not an executable file";
            }
            return null;
        }
        for (String dir : PATH.split(":")) {
            Path p = Path.of(dir, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return null;
            }
        }
        return program + ": not found in " + PATH;
    }

    /** Runs "$@" in the background and waits for it; on TERM (the director died) kills the group. */
    static final String GUARD = "trap 'kill -KILL 0' TERM; \"$@\" & wait $!";

    private static String primaryGroup(String user) {
        return UserDatabase.primaryGroup(user).orElse(user);
    }

    private void start(Script script, CompletableFuture<Result> done) {
        long begin = System.nanoTime();
        if (closed) {
            done.complete(new Result(-1, false, Duration.ZERO, "the director is stopping"));
            return;
        }
        String notRunnable = notRunnable(script.argv().get(0));
        if (notRunnable != null) { // as before the launcher: a program that cannot start is not an exit status
            done.complete(new Result(-1, false, Duration.ofNanos(System.nanoTime() - begin),
                    script.name() + " cannot start: " + notRunnable));
            return;
        }
        ProcessBuilder pb = new ProcessBuilder(argv(script))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", PATH);
        env.putAll(script.env());
        Process p;
        try {
            p = pb.start(); // on the launcher thread: the parent PR_SET_PDEATHSIG watches
        } catch (IOException e) {
            done.complete(new Result(-1, false, Duration.ofNanos(System.nanoTime() - begin),
                    script.name() + " cannot start: " + e.getMessage()));
            return;
        }
        ProcessHandle h = p.toHandle();
        synchronized (running) {
            running.add(h);
        }
        boolean[] killed = {false};
        // guarded: a scheduled executor keeps what a task throws in its future, and an onExit
        // callback's failure fails a stage nobody reads; an OutOfMemoryError there goes to the
        // thread's handler instead (FatalErrors)
        ScheduledFuture<?> timer = timers.schedule(FatalErrors.guard(() -> {
            synchronized (killed) {
                killed[0] = true;
            }
            killGroup(h.pid());
        }), script.timeout().toNanos(), TimeUnit.NANOSECONDS);
        p.onExit().whenComplete(FatalErrors.guard((Process x, Throwable t) -> {
            timer.cancel(false);
            synchronized (running) {
                running.remove(h);
            }
            boolean timedOut;
            synchronized (killed) {
                timedOut = killed[0];
            }
            // whatever the script left running in its group goes with it
            killGroup(h.pid());
            done.complete(new Result(p.exitValue(), timedOut, Duration.ofNanos(System.nanoTime() - begin), null));
        }));
    }

    /** SIGKILL to the whole process group {@code pgid} (the script's, made by setsid). */
    static void killGroup(long pgid) {
        try {
            Process k = new ProcessBuilder("kill", "-s", "KILL", "--", "-" + pgid)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            k.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // nothing to kill with: the death signal still ends the group with the director
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Where a command without a slash is found: the first executable of that name on {@link #PATH}. */
    public static Path resolve(String command) {
        Preconditions.checkNotNull(command, "command");
        if (command.contains("/")) {
            return Path.of(command);
        }
        for (String dir : PATH.split(":")) {
            Path p = Path.of(dir, command);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return Path.of(command);
    }

    /**
     * Lets the scripts asked for so far (running or queued, e.g. the notifies of a stopping VRRP
     * instance) run for at most {@code grace}, then {@link #close()}s.
     */
    public void close(Duration grace) {
        Preconditions.checkNotNull(grace, "grace");
        long deadline = System.nanoTime() + grace.toNanos();
        while (!closed && !pending.isEmpty() && System.nanoTime() < deadline) {
            try {
                CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                        .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
    }

    /** Kills every running script's group and stops taking new ones. Idempotent. */
    @Override
    public void close() {
        closed = true;
        launcher.shutdown();
        List<ProcessHandle> all;
        synchronized (running) {
            all = new ArrayList<>(running);
        }
        for (ProcessHandle h : all) {
            killGroup(h.pid());
        }
        timers.shutdownNow();
    }
}
