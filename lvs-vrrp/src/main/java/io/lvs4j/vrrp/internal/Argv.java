package io.lvs4j.vrrp.internal;

import io.lvs4j.internal.Preconditions;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a keepalived command ({@code script "/usr/bin/check nginx"}, {@code notify_master ...})
 * into argv without a shell: words separated by blanks, single and double quotes group, a
 * backslash escapes the next character; see {@link #command(String)} for keepalived's quoting.
 */
public final class Argv {
    private Argv() {}

    public static List<String> split(String command) {
        Preconditions.checkNotNull(command, "command");
        List<String> argv = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < command.length()) {
                    word.append(command.charAt(++i));
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < command.length()) {
                word.append(command.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    argv.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        Preconditions.checkArgument(quote == 0, "command", command, "balanced quotes");
        if (inWord) {
            argv.add(word.toString());
        }
        Preconditions.checkArgument(!argv.isEmpty(), "command", command, "a program and its arguments");
        return argv;
    }

    /**
     * A command as keepalived.conf gives it: words as {@link #split}, and a command that is one
     * quoted string ({@code "/bin/check nginx"}) is split again into program and arguments, as
     * keepalived does.
     */
    public static List<String> command(String command) {
        List<String> argv = split(command);
        if (argv.size() == 1 && argv.get(0).strip().chars().anyMatch(Character::isWhitespace)) {
            return split(argv.get(0));
        }
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
