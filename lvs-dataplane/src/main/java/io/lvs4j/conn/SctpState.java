package io.lvs4j.conn;

import java.time.Duration;

/**
 * The IPVS SCTP association states ({@code IP_VS_SCTP_S_*}), in the kernel's numbering, with the
 * kernel's default timeouts ({@code sctp_timeouts} in {@code ip_vs_proto_sctp.c}; the handshake
 * and shutdown states use the maximum RTO plus one second, 61 s).
 */
public enum SctpState {
    NONE(2),
    INIT1(4),
    INIT(61),
    COOKIE_SENT(61),
    COOKIE_REPLIED(61),
    COOKIE_WAIT(61),
    COOKIE(61),
    COOKIE_ECHOED(61),
    ESTABLISHED(15 * 60),
    SHUTDOWN_SENT(61),
    SHUTDOWN_RECEIVED(61),
    SHUTDOWN_ACK_SENT(61),
    REJECTED(4),
    CLOSED(61);

    private static final SctpState[] VALUES = values();
    private final int defaultSeconds;

    SctpState(int defaultSeconds) {
        this.defaultSeconds = defaultSeconds;
    }

    /** The kernel's default timeout for the state. */
    public Duration defaultTimeout() {
        return Duration.ofSeconds(defaultSeconds);
    }

    static SctpState of(int ordinal) {
        return VALUES[ordinal];
    }
}
