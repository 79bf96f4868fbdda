package io.lvs4j.director.config;

import java.util.List;
import java.util.Objects;

/** {@code HTTP_GET} or, with {@code ssl}, {@code SSL_GET}. */
public record HttpCheck(boolean ssl, CheckOptions options, String httpProtocol, Boolean fastRecovery,
        boolean enableSni, String virtualhost, List<HttpUrl> urls) implements CheckerConfig {
    /** The protocol versions keepalived accepts. */
    public static final List<String> PROTOCOLS = List.of("1.0", "1.0C", "1.1");

    public HttpCheck {
        Objects.requireNonNull(options, "options");
        urls = List.copyOf(urls);
    }

    @Override
    public CheckerType type() {
        return ssl ? CheckerType.SSL_GET : CheckerType.HTTP_GET;
    }
}
