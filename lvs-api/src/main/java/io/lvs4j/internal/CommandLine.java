package io.lvs4j.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command as keepalived.conf writes it ({@code script}, {@code misc_path},
 * {@code notify_master}, ...) into argv, without a shell: blanks separate words, double or single
 * quotes group, a backslash escapes the next character (not inside single quotes). A command
 * written as one quoted word holding blanks (keepalived's {@code "/bin/check.sh arg"}) is split
 * again, as keepalived does.
 */
public final class CommandLine {
    private CommandLine() {}

    /** The argv of {@code command}; empty for a blank command. */
    public static List<String> argv(String command) {
        List<String> words = split(command);
        if (words.size() == 1 && words.get(0).strip().chars().anyMatch(Character::isWhitespace)) {
            return split(words.get(0));
        }
        return words;
    }

    /**
     * One level of splitting.
     *
     * @throws IllegalArgumentException for an unterminated quote
     */
    public static List<String> split(String command) {
        Preconditions.checkNotNull(command, "command");
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (c == '\\' && quote != '\'' && i + 1 < command.length()) {
                w.append(command.charAt(++i));
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
            } else if (Character.isWhitespace(c)) {
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
        Preconditions.checkArgument(quote == 0, "command", command, "closing " + quote + " quote");
        if (inWord) {
            words.add(w.toString());
        }
        return words;
    }
}
