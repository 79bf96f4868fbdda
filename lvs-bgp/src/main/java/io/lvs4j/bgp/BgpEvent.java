package io.lvs4j.bgp;

import java.net.InetAddress;
import java.util.List;

/**
 * What happened in a session with one neighbour, delivered in order to each {@link BgpListener}
 * on the speaker's scheduler thread. {@link #nanos()} is the scheduler's time.
 */
public sealed interface BgpEvent {
    /** The neighbour's address. */
    InetAddress neighbor();

    /** When, on the speaker's {@link io.lvs4j.time.Ticker}. */
    long nanos();

    /** The session moved from one state to another. */
    record StateChanged(InetAddress neighbor, long nanos, SessionState from, SessionState to, TransitionReason reason)
            implements BgpEvent {}

    /** The speaker sent a NOTIFICATION (an error of the peer's, a collision, a stop). */
    record NotificationSent(InetAddress neighbor, long nanos, BgpNotification notification) implements BgpEvent {}

    /** The peer sent a NOTIFICATION. */
    record NotificationReceived(InetAddress neighbor, long nanos, BgpNotification notification) implements BgpEvent {}

    /**
     * The speaker sent UPDATEs: these prefixes announced (with the GRACEFUL_SHUTDOWN community when
     * {@code gracefulShutdown}) and these withdrawn.
     */
    record RoutesAdvertised(InetAddress neighbor, long nanos, List<InetAddress> announced, List<InetAddress> withdrawn,
            boolean gracefulShutdown) implements BgpEvent {
        public RoutesAdvertised {
            announced = List.copyOf(announced);
            withdrawn = List.copyOf(withdrawn);
        }
    }

    /**
     * The peer sent an UPDATE with an error the session survives (RFC 7606: its routes count as
     * withdrawn, or one attribute is dropped). This speaker ignores received routes, so nothing else
     * changes; {@code error} is the NOTIFICATION RFC 4271 would have sent.
     */
    record UpdateErrorTolerated(InetAddress neighbor, long nanos, BgpNotification error, String reason)
            implements BgpEvent {}
}
