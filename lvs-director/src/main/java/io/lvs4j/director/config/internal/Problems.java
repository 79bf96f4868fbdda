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
            errors.add(new ConfigProblem(file, line, column, message));
        }
    }

    public void warning(String file, int line, int column, String message) {
        if (warnings.size() < MAX) {
            warnings.add(new ConfigProblem(file, line, column, message));
        }
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
