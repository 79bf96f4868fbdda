package io.lvs4j.conn;

import java.time.Duration;

/**
 * The IPVS TCP connection states ({@code IP_VS_TCP_S_*}), in the kernel's numbering, with the
 * kernel's default timeouts ({@code tcp_timeouts} in {@code ip_vs_proto_tcp.c}).
 */
public enum TcpState {
    NONE(2),
    ESTABLISHED(15 * 60),
    SYN_SENT(2 * 60),
    SYN_RECV(60),
    FIN_WAIT(2 * 60),
    TIME_WAIT(2 * 60),
    CLOSE(10),
    CLOSE_WAIT(60),
    LAST_ACK(30),
    LISTEN(2 * 60),
    SYNACK(120);

    private static final TcpState[] VALUES = values();
    private final int defaultSeconds;

    TcpState(int defaultSeconds) {
        this.defaultSeconds = defaultSeconds;
    }

    /** The kernel's default timeout for the state. */
    public Duration defaultTimeout() {
        return Duration.ofSeconds(defaultSeconds);
    }

    static TcpState of(int ordinal) {
        return VALUES[ordinal];
    }
}
