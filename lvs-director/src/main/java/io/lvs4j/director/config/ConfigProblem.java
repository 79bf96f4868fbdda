package io.lvs4j.director.config;

import java.util.Objects;

/**
 * One located error or warning in a keepalived configuration.
 *
 * <p>{@link #toString()} reads {@code keepalived.conf:14:5: lb_algo: "wrrr" (expected: one of rr,
 * wrr, ...)}: the file name as it was given (an include as it was found), the 1-based line and
 * column, then the message.
 */
public final class ConfigProblem {
    private final String file;
    private final int line;
    private final int column;
    private final String message;

    public ConfigProblem(String file, int line, int column, String message) {
        this.file = Objects.requireNonNull(file, "file");
        this.line = line;
        this.column = column;
        this.message = Objects.requireNonNull(message, "message");
    }

    /** The file name, as given or as the include found it. */
    public String file() {
        return file;
    }

    /** 1-based line number. */
    public int line() {
        return line;
    }

    /** 1-based column of the word the problem is about. */
    public int column() {
        return column;
    }

    /** The message without the location, e.g. {@code weight: -1 (expected: 0..65535)}. */
    public String message() {
        return message;
    }

    /** {@code file:line:column}. */
    public String location() {
        return file + ":" + line + ":" + column;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ConfigProblem)) {
            return false;
        }
        ConfigProblem p = (ConfigProblem) o;
        return line == p.line && column == p.column && file.equals(p.file) && message.equals(p.message);
    }

    @Override
    public int hashCode() {
        return Objects.hash(file, line, column, message);
    }

    @Override
    public String toString() {
        return location() + ": " + message;
    }
}
