package io.lvs4j.health;

/** Why a check failed; {@link #NONE} for a passed check. */
public enum FailureReason {
    /** The check passed. */
    NONE,
    /** No connection within the connect timeout. */
    CONNECT_TIMEOUT,
    /** The connection was established but no complete answer came within the read timeout. */
    READ_TIMEOUT,
    /** The peer refused the connection (TCP RST, ICMP port unreachable). */
    REFUSED,
    /** No route to the peer, or the network is unreachable. */
    UNREACHABLE,
    /** The peer closed or reset the connection before a complete answer. */
    CLOSED,
    /** The TLS handshake failed (certificate, protocol). */
    TLS,
    /** The answer was not a well-formed answer of the protocol. */
    BAD_RESPONSE,
    /** An HTTP status code outside the expected ones. */
    STATUS,
    /** The MD5 digest of the HTTP body differs from the expected one. */
    DIGEST_MISMATCH,
    /** The body regex did not match (or matched, with no-match). */
    REGEX_MISMATCH,
    /** The answer is larger than the configured bound. */
    TOO_LARGE,
    /** A program exited with a failing status or was killed. */
    EXIT_STATUS,
    /** A UDP or DNS reply did not meet the expectations. */
    REPLY_MISMATCH,
    /** An SMTP or DNS server answered with an error code. */
    PROTOCOL_ERROR,
    /** A local I/O error (file unreadable, program not startable, bind failed). */
    IO_ERROR,
    /** The checker threw; the detail names the exception. */
    CHECKER_ERROR
}
