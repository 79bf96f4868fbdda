package io.lvs4j.director.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A {@code real_server} block. {@code null} means not given here, so the virtual server's setting
 * (or keepalived's default) applies; {@code port} 0 means none was given.
 */
public record RealServerConfig(
        InetAddress address,
        int port,
        Integer weight,
        LvsMethod method,
        Integer upperThreshold,
        Integer lowerThreshold,
        Boolean inhibitOnFailure,
        String notifyUp,
        String notifyDown,
        Boolean alpha,
        Integer retry,
        Duration connectTimeout,
        Duration delayBeforeRetry,
        Duration warmup,
        Duration delayLoop,
        Boolean smtpAlert,
        String virtualhost,
        List<CheckerConfig> checkers) {

    public RealServerConfig {
        Objects.requireNonNull(address, "address");
        checkers = List.copyOf(checkers);
    }

    /** A real server with nothing but its address and port set. */
    public static RealServerConfig of(InetAddress address, int port) {
        return new RealServerConfig(address, port, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, List.of());
    }
}
