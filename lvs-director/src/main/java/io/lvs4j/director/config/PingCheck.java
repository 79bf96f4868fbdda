package io.lvs4j.director.config;

import java.util.Objects;

/** {@code PING_CHECK}: an ICMP echo. */
public record PingCheck(CheckOptions options) implements CheckerConfig {
    public PingCheck {
        Objects.requireNonNull(options, "options");
    }

    @Override
    public CheckerType type() {
        return CheckerType.PING_CHECK;
    }
}
