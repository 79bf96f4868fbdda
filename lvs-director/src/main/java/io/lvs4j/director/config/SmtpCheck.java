package io.lvs4j.director.config;

import java.util.Objects;

/** {@code SMTP_CHECK}: an SMTP greeting and HELO. */
public record SmtpCheck(CheckOptions options, String heloName) implements CheckerConfig {
    public SmtpCheck {
        Objects.requireNonNull(options, "options");
    }

    @Override
    public CheckerType type() {
        return CheckerType.SMTP_CHECK;
    }
}
