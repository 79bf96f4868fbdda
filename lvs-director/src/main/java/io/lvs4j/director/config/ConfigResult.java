package io.lvs4j.director.config;

import java.util.List;
import java.util.Objects;

/** A configuration read without errors, with the warnings found on the way. */
public final class ConfigResult {
    private final KeepalivedConfig config;
    private final List<ConfigProblem> warnings;

    public ConfigResult(KeepalivedConfig config, List<ConfigProblem> warnings) {
        this.config = Objects.requireNonNull(config, "config");
        this.warnings = List.copyOf(warnings);
    }

    public KeepalivedConfig config() {
        return config;
    }

    /** Keywords accepted but not acted on, unknown keywords, deprecated spellings: each located. */
    public List<ConfigProblem> warnings() {
        return warnings;
    }

    @Override
    public String toString() {
        return "ConfigResult{" + config + ", warnings=" + warnings + "}";
    }
}
