package io.lvs4j.director.config;

import java.util.Objects;

/** {@code BFD_CHECK}: follows the BFD session of that name. */
public record BfdCheck(CheckOptions options, String name) implements CheckerConfig {
    public BfdCheck {
        Objects.requireNonNull(options, "options");
    }

    @Override
    public CheckerType type() {
        return CheckerType.BFD_CHECK;
    }
}
