package io.lvs4j.bgp;

/** Why a session changed state: the RFC 4271 section 8.1 event behind it. */
public enum TransitionReason {
    /** The speaker started (ManualStart). */
    START,
    /** The speaker stopped or shut down (ManualStop). */
    STOP,
    /** The idle hold time after an error passed: the session starts again (AutomaticStart). */
    RESTART,
    /** The connect retry time passed: dial again. */
    CONNECT_RETRY_EXPIRED,
    /** The speaker's own TCP connection came up. */
    TCP_CONNECTED,
    /** The peer's TCP connection was accepted. */
    TCP_ACCEPTED,
    /** The speaker's TCP connection failed or was not up within the connect retry time. */
    TCP_CONNECT_FAILED,
    /** The TCP connection closed. */
    TCP_CLOSED,
    /** The peer's OPEN was accepted. */
    OPEN_RECEIVED,
    /** The peer's KEEPALIVE confirmed the OPEN. */
    KEEPALIVE_RECEIVED,
    /** The peer sent a NOTIFICATION. */
    NOTIFICATION_RECEIVED,
    /** The peer sent something wrong; the speaker sent a NOTIFICATION. */
    PROTOCOL_ERROR,
    /** Nothing came from the peer within the hold time. */
    HOLD_TIMER_EXPIRED,
    /** Connection collision resolution (RFC 4271 6.8) chose the other connection. */
    COLLISION
}
