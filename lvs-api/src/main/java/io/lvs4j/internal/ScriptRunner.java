package io.lvs4j.internal;

import io.lvs4j.ScriptPolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A {@link ScriptLauncher} under a {@link ScriptPolicy}: decides once, when an engine starts, as
 * which user a script runs and whether it may run at all, as keepalived does at start-up:
 * <ul>
 *   <li>the script's own user (and group, else that user's primary group), else the policy's
 *       {@code script_user}, else {@code keepalived_script} if that user exists, else root;</li>
 *   <li>a script that would run as root (uid or gid 0, or set-uid/set-gid root) and that a
 *       non-root user could change ({@link ScriptSecurity}) is refused under
 *       {@code enable_script_security} and warned about otherwise;</li>
 *   <li>a script whose user or group does not exist is refused.</li>
 * </ul>
 * This module does not log: what {@link #prepare} found comes back as text for the engine's log.
 */
public final class ScriptRunner implements AutoCloseable {
    private ScriptPolicy policy; // guarded by this
    /** Counts {@link #policy(ScriptPolicy)} changes; a script prepared before one is prepared again. */
    private int generation; // guarded by this
    private final Map<List<Object>, Prepared> refreshed = new java.util.HashMap<>(); // guarded by this
    private final ScriptLauncher launcher;
    private final Function<String, Optional<UserDatabase.User>> users;
    private final Function<String, Optional<Integer>> groups;
    private boolean warnedDefault;
    private boolean warnedSecurity;

    /**
     * A script checked by {@link #prepare}: the argv, its user and group (null: root), why it may
     * not run (null: it may); {@code ownUser}/{@code ownGroup} as asked (null: the policy's) and the
     * policy generation it was checked under.
     */
    public record Prepared(String name, List<String> argv, String user, String group, String refusal,
            List<String> warnings, String ownUser, String ownGroup, int generation) {
        public boolean refused() {
            return refusal != null;
        }

        /** The same script with {@code arguments} appended (notify's state arguments). */
        public Prepared withArguments(List<String> arguments) {
            List<String> a = new ArrayList<>(argv);
            a.addAll(arguments);
            return new Prepared(name, List.copyOf(a), user, group, refusal, List.of(), ownUser, ownGroup, generation);
        }
    }

    ScriptRunner(ScriptPolicy policy, ScriptLauncher launcher, Function<String, Optional<UserDatabase.User>> users,
            Function<String, Optional<Integer>> groups) {
        this.policy = Preconditions.checkNotNull(policy, "script policy");
        this.launcher = launcher;
        this.users = users;
        this.groups = groups;
    }

    /** A runner that starts its scripts with {@code launcher} (closed with the runner). */
    public static ScriptRunner create(ScriptPolicy policy, ScriptLauncher launcher) {
        return new ScriptRunner(policy, Preconditions.checkNotNull(launcher, "launcher"), UserDatabase::user,
                UserDatabase::group);
    }

    /**
     * A runner that only {@link #prepare}s: the start-time checks for a configuration check
     * ({@code lvs4j config check}); running a script with it is an IllegalStateException.
     */
    public static ScriptRunner checker(ScriptPolicy policy) {
        return new ScriptRunner(policy, null, UserDatabase::user, UserDatabase::group);
    }

    public synchronized ScriptPolicy policy() {
        return policy;
    }

    /**
     * Takes a new policy (a reload's {@code script_user}, {@code enable_script_security}): every
     * script run from now on is checked again under it (once, as at start) and runs as it says;
     * scripts already running finish as they are.
     */
    public synchronized void policy(ScriptPolicy newPolicy) {
        Preconditions.checkNotNull(newPolicy, "script policy");
        if (!newPolicy.equals(policy)) {
            policy = newPolicy;
            generation++;
            refreshed.clear();
            warnedDefault = false;
            warnedSecurity = false;
        }
    }

    /** {@code p}, checked again if the policy changed since it was prepared. */
    private synchronized Prepared current(Prepared p) {
        if (p.generation() == generation) {
            return p;
        }
        return refreshed.computeIfAbsent(java.util.Arrays.asList(p.name(), p.argv(), p.ownUser(), p.ownGroup()),
                k -> prepare(p.name(), p.argv(), p.ownUser(), p.ownGroup()));
    }

    /**
     * Checks {@code argv} (its program, resolved on {@link ScriptLauncher#PATH}) for running as
     * {@code user}/{@code group} (null: the policy's). {@code what} names the script in messages,
     * e.g. {@code vrrp_script chk_nginx}.
     */
    public synchronized Prepared prepare(String what, List<String> argv, String user, String group) {
        Preconditions.checkNotNull(what, "script");
        Preconditions.checkArgument(argv != null && !argv.isEmpty(), what, argv, "a program and its arguments");
        List<String> warnings = new ArrayList<>();
        String u = user;
        String g = group;
        if (u == null) {
            if (policy.scriptUser().isPresent()) {
                u = policy.scriptUser().get();
                g = policy.scriptGroup().orElse(null);
            } else if (users.apply(ScriptPolicy.DEFAULT_USER).isPresent()) {
                u = ScriptPolicy.DEFAULT_USER;
            } else if (!warnedDefault) {
                warnedDefault = true;
                warnings.add("WARNING - default user '" + ScriptPolicy.DEFAULT_USER
                        + "' for script execution does not exist - please create: scripts run as root");
            }
        }
        int uid = 0;
        int gid = 0;
        if (u != null) {
            Optional<UserDatabase.User> found = users.apply(u);
            if (found.isEmpty()) {
                return new Prepared(what, argv, u, g, what + ": user " + Preconditions.render(u)
                        + " does not exist on this host - disabling", warnings, user, group, generation);
            }
            uid = found.get().uid();
            gid = found.get().gid();
        }
        if (g != null) {
            Optional<Integer> found = groups.apply(g);
            if (found.isEmpty()) {
                return new Prepared(what, argv, u, g, what + ": group " + Preconditions.render(g)
                        + " does not exist on this host - disabling", warnings, user, group, generation);
            }
            gid = found.get();
        }
        Path program = ScriptLauncher.resolve(argv.get(0));
        Optional<String> unsafe;
        if (!program.isAbsolute()) {
            unsafe = Optional.of(program + ": not found on " + ScriptLauncher.PATH);
        } else {
            boolean guard;
            try {
                guard = ScriptSecurity.needsProtection(program, uid, gid);
            } catch (IOException e) {
                guard = true; // cannot be read: the check says why
            }
            unsafe = guard ? ScriptSecurity.problem(program) : Optional.empty();
        }
        String refusal = null;
        if (unsafe.isPresent()) {
            if (policy.scriptSecurity()) {
                refusal = "Unsafe permissions found for " + what + " - disabling: " + unsafe.get();
            } else {
                warnings.add("WARNING - " + what + " is not secure (enable_script_security would disable it): "
                        + unsafe.get());
            }
        }
        if (!policy.scriptSecurity() && !warnedSecurity) {
            warnedSecurity = true;
            warnings.add("SECURITY VIOLATION - scripts are being executed but script_security not enabled");
        }
        return new Prepared(what, List.copyOf(argv), u, g, refusal, List.copyOf(warnings), user, group, generation);
    }

    /** Runs a prepared script now; one refused completes at once as not started. */
    public CompletableFuture<ScriptLauncher.Result> run(Prepared prepared, Duration timeout, Map<String, String> env) {
        Prepared p = current(prepared);
        if (p.refused()) {
            return CompletableFuture.completedFuture(new ScriptLauncher.Result(-1, false, Duration.ZERO, p.refusal()));
        }
        return launcher.run(script(p, timeout, env));
    }

    /** Runs a prepared script after the earlier ones of {@code orderKey} (see {@link ScriptLauncher#runInOrder}). */
    public CompletableFuture<ScriptLauncher.Result> runInOrder(Object orderKey, Prepared prepared, Duration timeout,
            Map<String, String> env) {
        Prepared p = current(prepared);
        if (p.refused()) {
            return CompletableFuture.completedFuture(new ScriptLauncher.Result(-1, false, Duration.ZERO, p.refusal()));
        }
        return launcher.runInOrder(orderKey, script(p, timeout, env));
    }

    private ScriptLauncher.Script script(Prepared p, Duration timeout, Map<String, String> env) {
        Preconditions.checkState(launcher != null, "script runner", "a checker", "a runner with a launcher");
        return new ScriptLauncher.Script(p.name(), p.argv(), p.user(), p.group(), timeout, env);
    }

    /** Lets what was asked for run for at most {@code grace}, then kills every running script's group. */
    public void close(Duration grace) {
        if (launcher != null) {
            launcher.close(grace);
        }
    }

    /** Kills every running script's group. */
    @Override
    public void close() {
        if (launcher != null) {
            launcher.close();
        }
    }
}
