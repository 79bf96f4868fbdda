package io.lvs4j.director.config;

import java.util.Objects;

/** {@code TCP_CHECK}: a TCP connect. */
public record TcpCheck(CheckOptions options) implements CheckerConfig {
    public TcpCheck {
        Objects.requireNonNull(options, "options");
    }

    @Override
    public CheckerType type() {
        return CheckerType.TCP_CHECK;
    }
}
