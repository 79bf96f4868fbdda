package io.lvs4j.bgp;

import io.lvs4j.AddressFamily;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A snapshot of the session with one neighbour: its state, how long it has been up, what was
 * negotiated, the message counters and the prefixes announced to it. Immutable.
 */
public final class BgpSession {
    private final BgpNeighbor neighbor;
    private final SessionState state;
    private final Duration uptime;
    private final InetSocketAddress localEndpoint;
    private final InetSocketAddress remoteEndpoint;
    private final Inet4Address peerRouterId;
    private final Duration holdTime;
    private final boolean fourOctetAs;
    private final Set<AddressFamily> families;
    private final List<InetAddress> announced;
    private final boolean gracefulShutdown;
    private final long messagesReceived;
    private final long messagesSent;
    private final long updatesReceived;
    private final long updatesSent;
    private final long establishedTransitions;
    private final BgpNotification lastNotificationReceived;
    private final BgpNotification lastNotificationSent;

    BgpSession(BgpNeighbor neighbor, SessionState state, Duration uptime, InetSocketAddress localEndpoint,
            InetSocketAddress remoteEndpoint, Inet4Address peerRouterId, Duration holdTime, boolean fourOctetAs,
            Set<AddressFamily> families, List<InetAddress> announced, boolean gracefulShutdown, long[] counters,
            BgpNotification lastNotificationReceived, BgpNotification lastNotificationSent) {
        this.neighbor = neighbor;
        this.state = state;
        this.uptime = uptime;
        this.localEndpoint = localEndpoint;
        this.remoteEndpoint = remoteEndpoint;
        this.peerRouterId = peerRouterId;
        this.holdTime = holdTime;
        this.fourOctetAs = fourOctetAs;
        this.families = families.isEmpty() ? Set.of()
                : java.util.Collections.unmodifiableSet(java.util.EnumSet.copyOf(families));
        this.announced = List.copyOf(announced);
        this.gracefulShutdown = gracefulShutdown;
        this.messagesReceived = counters[0];
        this.messagesSent = counters[1];
        this.updatesReceived = counters[2];
        this.updatesSent = counters[3];
        this.establishedTransitions = counters[4];
        this.lastNotificationReceived = lastNotificationReceived;
        this.lastNotificationSent = lastNotificationSent;
    }

    public BgpNeighbor neighbor() {
        return neighbor;
    }

    public SessionState state() {
        return state;
    }

    /** How long the session has been ESTABLISHED; zero when it is not. */
    public Duration uptime() {
        return uptime;
    }

    /** The speaker's end of the session's TCP connection, once connected. */
    public Optional<InetSocketAddress> localEndpoint() {
        return Optional.ofNullable(localEndpoint);
    }

    /** The neighbour's end of the session's TCP connection, once connected. */
    public Optional<InetSocketAddress> remoteEndpoint() {
        return Optional.ofNullable(remoteEndpoint);
    }

    /** The neighbour's BGP identifier, once its OPEN came. */
    public Optional<Inet4Address> peerRouterId() {
        return Optional.ofNullable(peerRouterId);
    }

    /** The negotiated hold time (zero: none), once both OPENs were exchanged. */
    public Optional<Duration> holdTime() {
        return Optional.ofNullable(holdTime);
    }

    /** Whether both sides use 4-octet AS numbers (RFC 6793). */
    public boolean fourOctetAs() {
        return fourOctetAs;
    }

    /**
     * The families routes go out in (IPv4 first): negotiated (multiprotocol capability, RFC 4760) and with a
     * next hop (the session's local address, or the neighbour's configured one).
     */
    public Set<AddressFamily> families() {
        return families;
    }

    /** The prefixes (host routes) announced to the neighbour now. */
    public List<InetAddress> announced() {
        return announced;
    }

    /** Whether they are announced with the GRACEFUL_SHUTDOWN community (a planned stop under way). */
    public boolean gracefulShutdown() {
        return gracefulShutdown;
    }

    public long messagesReceived() {
        return messagesReceived;
    }

    public long messagesSent() {
        return messagesSent;
    }

    public long updatesReceived() {
        return updatesReceived;
    }

    public long updatesSent() {
        return updatesSent;
    }

    /** How many times the session became ESTABLISHED. */
    public long establishedTransitions() {
        return establishedTransitions;
    }

    public Optional<BgpNotification> lastNotificationReceived() {
        return Optional.ofNullable(lastNotificationReceived);
    }

    public Optional<BgpNotification> lastNotificationSent() {
        return Optional.ofNullable(lastNotificationSent);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("BgpSession[").append(io.lvs4j.internal.Addresses.format(neighbor.address()))
                .append(" AS").append(neighbor.remoteAs()).append(' ').append(state);
        if (state == SessionState.ESTABLISHED) {
            sb.append(" up ").append(uptime.toMillis()).append(" ms");
        }
        sb.append(" announced=").append(announced.size());
        if (gracefulShutdown) {
            sb.append(" graceful-shutdown");
        }
        sb.append(" in=").append(messagesReceived).append(" out=").append(messagesSent);
        if (lastNotificationReceived != null) {
            sb.append(" lastReceived=").append(lastNotificationReceived);
        }
        if (lastNotificationSent != null) {
            sb.append(" lastSent=").append(lastNotificationSent);
        }
        return sb.append(']').toString();
    }
}
