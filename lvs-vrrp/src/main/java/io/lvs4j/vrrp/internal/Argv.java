package io.lvs4j.vrrp.internal;

import io.lvs4j.internal.CommandLine;
import io.lvs4j.internal.Preconditions;
import java.util.ArrayList;
import java.util.List;

/**
 * A keepalived command ({@code script "/usr/bin/check nginx"}, {@code notify_master ...}) as the
 * argv the VRRP engine runs, without a shell: split by {@link CommandLine#argv}, the parser every
 * module shares.
 */
public final class Argv {
    private Argv() {}

    /**
     * The argv of {@code command} as {@link CommandLine#argv} splits it (a command that is one
     * quoted string, {@code "/bin/check nginx"}, is split again, as keepalived does).
     *
     * @throws IllegalArgumentException for unbalanced quotes or a blank command
     */
    public static List<String> command(String command) {
        List<String> argv = CommandLine.argv(command);
        Preconditions.checkArgument(!argv.isEmpty(), "command", command, "a program and its arguments");
        return argv;
    }

    /** Prefixes {@code ip netns exec NS} when {@code netns} is set, so the command runs in that namespace. */
    public static List<String> inNamespace(String netns, List<String> argv) {
        if (netns == null) {
            return argv;
        }
        List<String> l = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        l.addAll(argv);
        return l;
    }
}
