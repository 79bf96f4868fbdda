package io.lvs4j.director.config.internal;

import io.lvs4j.director.config.ConfigProblem;
import io.lvs4j.internal.Preconditions;
import java.util.ArrayList;
import java.util.List;

/** Collects located errors and warnings; reading goes on after each. */
public final class Problems {
    /** Beyond this many errors the rest are dropped (a fuzzed file can have millions). */
    static final int MAX = 1000;

    private final List<ConfigProblem> errors = new ArrayList<>();
    private final List<ConfigProblem> warnings = new ArrayList<>();

    public void error(String file, int line, int column, String message) {
        if (errors.size() < MAX) {
            errors.add(new ConfigProblem(oneLine(file), line, column, oneLine(message)));
        }
    }

    public void warning(String file, int line, int column, String message) {
        if (warnings.size() < MAX) {
            warnings.add(new ConfigProblem(oneLine(file), line, column, oneLine(message)));
        }
    }

    /**
     * The text with every control character (C0 but tab, DEL, C1, and the Unicode line and
     * paragraph separators) written as {@code \xNN} or a four-digit {@code \\u} escape, so that a problem quoting
     * a word of the file stays on one line whatever the file holds.
     */
    static String oneLine(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = (c < 0x20 && c != '\t') || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
            if (control && sb == null) {
                sb = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (sb != null) {
                if (!control) {
                    sb.append(c);
                } else if (c <= 0xff) {
                    sb.append(String.format("\\x%02x", (int) c));
                } else {
                    sb.append(String.format("\\u%04x", (int) c));
                }
            }
        }
        return sb == null ? s : sb.toString();
    }

    public void error(Token at, String message) {
        error(at.file(), at.line(), at.column(), message);
    }

    public void warning(Token at, String message) {
        warning(at.file(), at.line(), at.column(), message);
    }

    /** {@code keyword: "value" (expected: ...)} at the value. */
    public void invalid(Token keyword, Token value, String expected) {
        error(value, Preconditions.message(keyword.text(), value.text(), expected));
    }

    public List<ConfigProblem> errors() {
        return errors;
    }

    public List<ConfigProblem> warnings() {
        return warnings;
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }
}
