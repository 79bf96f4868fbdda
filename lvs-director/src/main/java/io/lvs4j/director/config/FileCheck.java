package io.lvs4j.director.config;

import java.util.Objects;

/** {@code FILE_CHECK}: follows the value of a {@code track_file}. */
public record FileCheck(CheckOptions options, String trackFile, Integer weight, boolean reverse, boolean dynamic)
        implements CheckerConfig {
    public FileCheck {
        Objects.requireNonNull(options, "options");
    }

    @Override
    public CheckerType type() {
        return CheckerType.FILE_CHECK;
    }
}
