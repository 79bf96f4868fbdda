package io.lvs4j.bgp;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states of a BGP session with one neighbour, RFC 4271 section 8.2.2. The legal transitions
 * are listed here and nowhere else:
 * <ul>
 *   <li>{@code IDLE}: started, to CONNECT (dialling) or ACTIVE (passive, waiting to dial again, or
 *       taking the peer's connection while waiting to start again after an error);</li>
 *   <li>{@code CONNECT}: the TCP connection came up (OPEN_SENT), failed (ACTIVE), or a stop (IDLE);</li>
 *   <li>{@code ACTIVE}: the peer connected (OPEN_SENT), the retry time passed (CONNECT), or a stop;</li>
 *   <li>{@code OPEN_SENT}: the peer's OPEN came (OPEN_CONFIRM), the connection closed (ACTIVE), an error;</li>
 *   <li>{@code OPEN_CONFIRM}: the peer's KEEPALIVE came (ESTABLISHED), an error, or a connection
 *       collision (RFC 4271 6.8) kept the other connection, whose OPEN is still to come (OPEN_SENT);</li>
 *   <li>{@code ESTABLISHED}: routes are exchanged until an error, a NOTIFICATION, hold timer expiry,
 *       the connection closing or a stop (IDLE).</li>
 * </ul>
 */
public enum SessionState {
    IDLE, CONNECT, ACTIVE, OPEN_SENT, OPEN_CONFIRM, ESTABLISHED;

    private Set<SessionState> next;

    static {
        IDLE.next = EnumSet.of(CONNECT, ACTIVE);
        CONNECT.next = EnumSet.of(OPEN_SENT, ACTIVE, IDLE);
        ACTIVE.next = EnumSet.of(OPEN_SENT, CONNECT, IDLE);
        OPEN_SENT.next = EnumSet.of(OPEN_CONFIRM, ACTIVE, IDLE);
        OPEN_CONFIRM.next = EnumSet.of(ESTABLISHED, OPEN_SENT, IDLE);
        ESTABLISHED.next = EnumSet.of(IDLE);
    }

    /** Whether a session in this state may move to {@code target}. */
    public boolean canTransitionTo(SessionState target) {
        return next.contains(target);
    }
}
