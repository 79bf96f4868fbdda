package io.lvs4j.director.config;

import java.util.List;

/**
 * A keepalived configuration has errors. Carries every error found in one pass, each located, and
 * the warnings found alongside them.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient List<ConfigProblem> errors;
    private final transient List<ConfigProblem> warnings;

    public ConfigException(List<ConfigProblem> errors, List<ConfigProblem> warnings) {
        super(summary(errors));
        this.errors = List.copyOf(errors);
        this.warnings = List.copyOf(warnings);
    }

    /** Every error, in the order found (file order). Never empty. */
    public List<ConfigProblem> errors() {
        return errors;
    }

    /** The warnings found while reading. */
    public List<ConfigProblem> warnings() {
        return warnings;
    }

    private static String summary(List<ConfigProblem> errors) {
        StringBuilder sb = new StringBuilder();
        sb.append(errors.size()).append(errors.size() == 1 ? " error" : " errors");
        for (ConfigProblem p : errors) {
            sb.append(System.lineSeparator()).append(p);
        }
        return sb.toString();
    }
}
