package io.lvs4j.director.config;

import java.time.Duration;
import java.util.Objects;

/** {@code MISC_CHECK}: runs a program; exit 0 is healthy. */
public record MiscCheck(CheckOptions options, String path, Duration timeout, boolean dynamic, String user, String group)
        implements CheckerConfig {
    public MiscCheck {
        Objects.requireNonNull(options, "options");
    }

    @Override
    public CheckerType type() {
        return CheckerType.MISC_CHECK;
    }
}
