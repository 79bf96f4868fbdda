package io.lvs4j.director.config.internal;

import io.lvs4j.ScriptPolicy;
import io.lvs4j.director.config.GlobalDefs;
import io.lvs4j.internal.CommandLine;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.internal.ScriptRunner;
import java.util.List;

/**
 * The start-time script checks of the director, run on a configuration: every command of
 * {@link Binder#scriptSites()} prepared with a {@link ScriptRunner#checker} under the
 * configuration's {@link ScriptPolicy}, as the engines prepare them when they start. What the
 * director would refuse ({@code enable_script_security} and a script a non-root user could change,
 * a user that does not exist) or warn about becomes a located warning at the script's keyword.
 */
public final class ScriptCheck {
    private ScriptCheck() {}

    /**
     * {@code script_user USER [GROUP]} and {@code enable_script_security} as a {@link ScriptPolicy}.
     *
     * @throws IllegalArgumentException if the user or group is not on this host
     */
    public static ScriptPolicy policy(GlobalDefs g) {
        ScriptPolicy.Builder b = ScriptPolicy.builder().scriptSecurity(g.enableScriptSecurity());
        if (g.scriptUser() != null) {
            List<String> ug = List.of(g.scriptUser().strip().split("\\s+"));
            Preconditions.checkArgument(ug.size() <= 2, "script_user", g.scriptUser(), "a user name [group name]");
            if (ug.size() == 2) {
                b.scriptUser(ug.get(0), ug.get(1));
            } else {
                b.scriptUser(ug.get(0));
            }
        }
        return b.build();
    }

    /** Checks every site under {@code g}'s policy; problems are warnings at the sites. */
    public static void check(GlobalDefs g, List<Binder.ScriptSite> sites, Problems problems) {
        ScriptPolicy policy;
        try {
            policy = policy(g);
        } catch (IllegalArgumentException e) {
            return; // the reader reported the script_user already
        }
        try (ScriptRunner runner = ScriptRunner.checker(policy)) {
            for (Binder.ScriptSite s : sites) {
                if (s.at() == null) {
                    continue;
                }
                List<String> argv;
                try {
                    argv = CommandLine.argv(s.command());
                } catch (IllegalArgumentException e) {
                    continue; // the reader reported the quotes already
                }
                if (argv.isEmpty()) {
                    continue;
                }
                ScriptRunner.Prepared p = runner.prepare(s.what(), argv, s.user(), s.group());
                if (p.refused()) {
                    problems.warning(s.at(), p.refusal());
                }
                for (String w : p.warnings()) {
                    if (w.contains(s.what())) { // the per-script ones; the run-wide ones stay in the log
                        problems.warning(s.at(), w);
                    }
                }
            }
        }
    }
}
