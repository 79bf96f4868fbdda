package io.lvs4j.bgp;

import io.lvs4j.AddressFamily;
import io.lvs4j.bgp.internal.Bgp;
import io.lvs4j.bgp.internal.Connection;
import io.lvs4j.bgp.internal.Decoder;
import io.lvs4j.bgp.internal.Encoder;
import io.lvs4j.bgp.internal.IpPrefix;
import io.lvs4j.bgp.internal.Message;
import io.lvs4j.bgp.internal.MessageError;
import io.lvs4j.bgp.internal.Update;
import io.lvs4j.internal.Addresses;
import io.lvs4j.time.Scheduler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session with one neighbour: the RFC 4271 section 8 state machine on the speaker's scheduler
 * thread, with its timers, connection collision detection (section 6.8), the Adj-RIB-Out (what has
 * been announced to the neighbour) and the counters. Every method runs on the scheduler's thread.
 *
 * <p>Timers: the connect retry time grows from the speaker's initial value, doubling after each
 * failed attempt up to its maximum, with jitter (x0.75..1, RFC 4271 section 10); a dial not up
 * within the current retry time counts as failed; after an error the session waits the current
 * retry time in IDLE and starts again (taking a peer's connection that comes meanwhile at once);
 * the retry time goes back to the initial value once a
 * session has been ESTABLISHED for longer than the maximum. The hold timer is 4 minutes after our
 * OPEN, then the negotiated hold time (the smaller offer; zero: none); keepalives go out every
 * third of it with jitter (x0.75..1, drawn anew for each, RFC 4271 section 10): never later than
 * hold/3 after the last message sent, often earlier, which leaves the peer's hold timer a margin
 * when this side's thread is late.
 */
final class Session {
    private static final Logger LOG = LoggerFactory.getLogger(Session.class);
    /** RFC 4271 8.2.2: the hold timer while waiting for the peer's OPEN. */
    static final long OPEN_HOLD_NANOS = Duration.ofMinutes(4).toNanos();
    private static final List<Message.Family> FAMILIES = List.of(Message.Family.IPV4_UNICAST,
            Message.Family.IPV6_UNICAST);
    private static final byte[] NONE = new byte[0];
    private static final String SHUTDOWN_TEXT = "lvs4j: shutdown";

    /** One TCP connection of the session. */
    private static final class Conn {
        final Connection c;
        final boolean outgoing;

        Conn(Connection c, boolean outgoing) {
            this.c = c;
            this.outgoing = outgoing;
        }
    }

    final BgpNeighbor neighbor;
    private final Core core;
    private final Scheduler scheduler;
    private final InetSocketAddress remote;
    private final boolean internal;

    private volatile SessionState state = SessionState.IDLE;
    private boolean enabled;
    /** The connection the state machine runs on (dialling in CONNECT), or null. */
    private Conn conn;
    /** A second connection of a collision, waiting for its OPEN, or null. */
    private Conn rival;
    private Scheduler.Timer retryTimer;
    private Scheduler.Timer holdTimer;
    private Scheduler.Timer keepaliveTimer;
    private long retryNanos;
    private long holdNanos;
    private long keepaliveNanos;
    private long keepaliveWait; // keepaliveNanos with this round's jitter
    private long lastReceived;
    private long lastSent;
    private Decoder.Options options = Decoder.Options.INITIAL;
    private Message.Open peerOpen;
    private Set<AddressFamily> families = EnumSet.noneOf(AddressFamily.class);
    /** Adj-RIB-Out: prefix to whether it went out with GRACEFUL_SHUTDOWN. */
    private final Map<InetAddress, Boolean> advertised = new LinkedHashMap<>();

    // for snapshots, read from any thread
    private volatile long establishedAt = -1;
    private volatile InetSocketAddress localEndpoint;
    private volatile InetSocketAddress remoteEndpoint;
    private volatile Inet4Address peerRouterId;
    private volatile Duration negotiatedHold;
    private volatile boolean fourOctet;
    private volatile Set<AddressFamily> familiesView = Set.of();
    private volatile List<InetAddress> announcedView = List.of();
    private volatile boolean gracefulShutdownView;
    private volatile long messagesReceived;
    private volatile long messagesSent;
    private volatile long updatesReceived;
    private volatile long updatesSent;
    private volatile long establishedTransitions;
    private volatile BgpNotification lastReceivedNotification;
    private volatile BgpNotification lastSentNotification;

    Session(BgpNeighbor neighbor, Core core) {
        this.neighbor = neighbor;
        this.core = core;
        this.scheduler = core.scheduler;
        this.remote = new InetSocketAddress(neighbor.address(), neighbor.port());
        this.internal = neighbor.remoteAs() == core.localAs;
        this.retryNanos = core.retryInitialNanos;
    }

    SessionState state() {
        return state;
    }

    // ---- administrative events ----------------------------------------------------------------------

    /** ManualStart: dial (or wait, if passive). */
    void start() {
        enabled = true;
        if (state == SessionState.IDLE) {
            cancel(retryTimer);
            begin(TransitionReason.START);
        }
    }

    /** ManualStop: a Cease (Administrative Shutdown) if a session is being set up or up; then IDLE. */
    void stop() {
        stop(Bgp.ADMINISTRATIVE_SHUTDOWN);
    }

    /**
     * ManualStop with this Cease subcode (RFC 4486: Peer De-configured for a neighbour removed,
     * Other Configuration Change for one restarted with new settings); the shutdown communication
     * (RFC 8203) goes with Administrative Shutdown only.
     */
    void stop(int ceaseSubcode) {
        enabled = false;
        byte[] data = ceaseSubcode == Bgp.ADMINISTRATIVE_SHUTDOWN ? shutdownCommunication() : NONE;
        if (rival != null) {
            notifyAndClose(rival, Bgp.CEASE, ceaseSubcode, data);
            rival = null;
        }
        if (conn != null && state.compareTo(SessionState.OPEN_SENT) >= 0) {
            notifyAndClose(conn, Bgp.CEASE, ceaseSubcode, data);
            conn = null;
        }
        if (state != SessionState.IDLE) {
            goIdle(TransitionReason.STOP);
        }
        cancel(retryTimer);
    }

    private static byte[] shutdownCommunication() {
        byte[] text = SHUTDOWN_TEXT.getBytes(StandardCharsets.UTF_8);
        byte[] data = new byte[text.length + 1];
        data[0] = (byte) text.length;
        System.arraycopy(text, 0, data, 1, text.length);
        return data;
    }

    private void begin(TransitionReason reason) {
        if (neighbor.passive()) {
            transition(SessionState.ACTIVE, reason);
        } else {
            transition(SessionState.CONNECT, reason);
            dial();
        }
    }

    private void dial() {
        Connection c = core.transport.connect(remote, neighbor.localAddress().orElse(null), neighbor.passwordBytes(),
                this);
        conn = new Conn(c, true);
        retryTimer = scheduler.schedule(jittered(retryNanos), this::retryTimerExpired);
    }

    private long jittered(long nanos) {
        return (long) (nanos * (0.75 + 0.25 * core.random.getAsDouble()));
    }

    /** The wait before the next attempt (the current retry time with jitter); the retry time doubles for the one after. */
    private long nextWait() {
        long wait = jittered(retryNanos);
        retryNanos = Math.min(core.retryMaxNanos, retryNanos * 2);
        return wait;
    }

    private void retryTimerExpired() {
        retryTimer = null;
        switch (state) {
            case CONNECT:
                // not up within the retry time: counts as failed
                conn.c.close();
                conn = null;
                transition(SessionState.ACTIVE, TransitionReason.TCP_CONNECT_FAILED);
                retryTimer = scheduler.schedule(nextWait(), this::retryTimerExpired);
                break;
            case ACTIVE:
                transition(SessionState.CONNECT, TransitionReason.CONNECT_RETRY_EXPIRED);
                dial();
                break;
            case IDLE:
                if (enabled) {
                    begin(TransitionReason.RESTART);
                }
                break;
            default:
                break;
        }
    }

    // ---- transport events ---------------------------------------------------------------------------

    void connected(Connection c) {
        if (conn == null || conn.c != c || state != SessionState.CONNECT) {
            c.close(); // a dial given up on
            return;
        }
        cancel(retryTimer);
        retryTimer = null;
        openSent(TransitionReason.TCP_CONNECTED);
    }

    void connectFailed(Connection c, String cause) {
        if (conn == null || conn.c != c || state != SessionState.CONNECT) {
            return;
        }
        LOG.debug("BGP {}: connect failed: {}", name(), cause);
        cancel(retryTimer);
        conn = null;
        transition(SessionState.ACTIVE, TransitionReason.TCP_CONNECT_FAILED);
        retryTimer = scheduler.schedule(nextWait(), this::retryTimerExpired);
    }

    void accepted(Connection c) {
        c.attach(this);
        switch (state) {
            case IDLE:
                if (!enabled) {
                    reject(c, Bgp.CONNECTION_REJECTED);
                    break;
                }
                // waiting to start again: the peer's connection is taken at once (else two
                // speakers that wait in turn would refuse each other for ever)
                cancel(retryTimer);
                retryTimer = null;
                transition(SessionState.ACTIVE, TransitionReason.RESTART);
                conn = new Conn(c, false);
                openSent(TransitionReason.TCP_ACCEPTED);
                break;
            case CONNECT:
            case ACTIVE:
                if (conn != null) {
                    conn.c.close(); // our own dial is given up for the peer's connection
                }
                cancel(retryTimer);
                retryTimer = null;
                conn = new Conn(c, false);
                openSent(TransitionReason.TCP_ACCEPTED);
                break;
            case OPEN_SENT:
            case OPEN_CONFIRM:
                Conn incoming = new Conn(c, false);
                if (rival != null || peerOpen != null && keepFirst(conn, incoming, peerOpen.bgpId())) {
                    // a third connection, or one that would lose against the one whose OPEN came
                    // (it has had no OPEN from us: the peer drops it without a collision of its own)
                    reject(c, Bgp.CONNECTION_COLLISION_RESOLUTION);
                } else {
                    rival = incoming;
                    sendOpen(rival);
                }
                break;
            case ESTABLISHED:
                reject(c, Bgp.CONNECTION_COLLISION_RESOLUTION);
                break;
            default:
                throw new IllegalStateException(state.toString());
        }
    }

    void closed(Connection c, String cause) {
        if (rival != null && rival.c == c) {
            rival = null;
            return;
        }
        if (conn == null || conn.c != c) {
            return;
        }
        LOG.debug("BGP {}: connection closed in {}: {}", name(), state, cause);
        switch (state) {
            case CONNECT:
                connectFailed(c, cause);
                break;
            case OPEN_SENT:
                if (rival != null) {
                    conn = rival; // the other connection of a collision goes on
                    rival = null;
                    localEndpoint = conn.c.local();
                    remoteEndpoint = conn.c.remote();
                    return;
                }
                cancelTimers();
                conn = null;
                transition(SessionState.ACTIVE, TransitionReason.TCP_CLOSED);
                retryTimer = scheduler.schedule(nextWait(), this::retryTimerExpired);
                break;
            case OPEN_CONFIRM:
                if (rival != null) {
                    conn = rival;
                    rival = null;
                    resetNegotiation();
                    openSentTimers();
                    transition(SessionState.OPEN_SENT, TransitionReason.COLLISION);
                    return;
                }
                conn = null;
                goIdle(TransitionReason.TCP_CLOSED);
                break;
            case ESTABLISHED:
                conn = null;
                goIdle(TransitionReason.TCP_CLOSED);
                break;
            default:
                break;
        }
    }

    void received(Connection c, ByteBuf frame) {
        Conn k = rival != null && rival.c == c ? rival : conn != null && conn.c == c ? conn : null;
        if (k == null || state == SessionState.CONNECT && k == conn) {
            return; // a connection already given up
        }
        messagesReceived++;
        Message m;
        try {
            m = Decoder.decode(frame, options);
        } catch (RuntimeException e) {
            // a decoder bug must not stop the session machine: treat it as a malformed message
            LOG.error("BGP {}: cannot decode a message", name(), e);
            m = new Message.Malformed(0, new MessageError(Bgp.MESSAGE_HEADER_ERROR, Bgp.UNSPECIFIC, NONE,
                    MessageError.Action.SESSION_RESET, "decoder failure: " + e));
        }
        if (m instanceof Message.Notification n) {
            BgpNotification bn = BgpNotification.of(n.code(), n.subcode(), n.data());
            lastReceivedNotification = bn;
            core.emit(new BgpEvent.NotificationReceived(neighbor.address(), scheduler.nanos(), bn));
            LOG.warn("BGP {}: received NOTIFICATION {}", name(), bn);
        }
        if (k == rival) {
            rivalReceived(m);
            return;
        }
        lastReceived = scheduler.nanos();
        if (m instanceof Message.Malformed bad) {
            MessageError e = bad.error();
            LOG.warn("BGP {}: malformed {} ({}): sending NOTIFICATION", name(), Bgp.typeName(bad.type()), e.reason());
            protocolError(e.notification());
            return;
        }
        if (m instanceof Message.Notification) {
            conn.c.close();
            conn = null;
            goIdle(TransitionReason.NOTIFICATION_RECEIVED);
            return;
        }
        switch (state) {
            case OPEN_SENT:
                if (m instanceof Message.Open open) {
                    openReceived(open);
                } else {
                    protocolError(Bgp.FSM_ERROR, Bgp.UNEXPECTED_IN_OPEN_SENT, new byte[] {(byte) typeOf(m)});
                }
                break;
            case OPEN_CONFIRM:
                if (m instanceof Message.Keepalive) {
                    established();
                } else {
                    protocolError(Bgp.FSM_ERROR, Bgp.UNEXPECTED_IN_OPEN_CONFIRM, new byte[] {(byte) typeOf(m)});
                }
                break;
            case ESTABLISHED:
                if (m instanceof Update u) {
                    updatesReceived++;
                    for (MessageError e : u.errors()) {
                        LOG.warn("BGP {}: UPDATE error tolerated ({}): {}", name(), e.action(), e.reason());
                        core.emit(new BgpEvent.UpdateErrorTolerated(neighbor.address(), scheduler.nanos(),
                                e.notification(), e.reason()));
                    }
                } else if (m instanceof Message.Open) {
                    protocolError(Bgp.FSM_ERROR, Bgp.UNEXPECTED_IN_ESTABLISHED, new byte[] {Bgp.OPEN});
                }
                // KEEPALIVE: the hold timer reads lastReceived; ROUTE-REFRESH: nothing to refresh from
                break;
            default:
                break;
        }
    }

    private static int typeOf(Message m) {
        if (m instanceof Message.Open) {
            return Bgp.OPEN;
        }
        if (m instanceof Update) {
            return Bgp.UPDATE;
        }
        if (m instanceof Message.Keepalive) {
            return Bgp.KEEPALIVE;
        }
        if (m instanceof Message.RouteRefresh) {
            return Bgp.ROUTE_REFRESH;
        }
        return Bgp.NOTIFICATION;
    }

    /**
     * A message on the second connection of a collision: only its OPEN is expected. RFC 4271 6.8:
     * the collision is resolved when both connections have had the peer's OPEN (the speaker does
     * not guess from one OPEN that the other connection will see one too: a peer may drop its own
     * dial for ours). So a first OPEN on the second connection makes it the session's connection
     * (it is further along), and an OPEN on the second connection while the first has had one
     * resolves the collision.
     */
    private void rivalReceived(Message m) {
        if (m instanceof Message.Open open) {
            MessageError e = checkOpen(open);
            if (e != null) {
                notifyAndClose(rival, e.notification());
                rival = null;
                return;
            }
            if (peerOpen == null) {
                // the session's connection has no OPEN yet: the other one goes first
                Conn waiting = conn;
                conn = rival;
                rival = waiting;
                lastReceived = scheduler.nanos();
                negotiate(open);
                transition(SessionState.OPEN_CONFIRM, TransitionReason.OPEN_RECEIVED);
                return;
            }
            if (keepFirst(conn, rival, open.bgpId())) {
                notifyAndClose(rival, Bgp.CEASE, Bgp.CONNECTION_COLLISION_RESOLUTION, NONE);
                rival = null;
                return;
            }
            LOG.info("BGP {}: connection collision: keeping the {} connection", name(),
                    rival.outgoing ? "outgoing" : "incoming");
            notifyAndClose(conn, Bgp.CEASE, Bgp.CONNECTION_COLLISION_RESOLUTION, NONE);
            conn = rival;
            rival = null;
            lastReceived = scheduler.nanos();
            negotiate(open); // still OPEN_CONFIRM, now on this connection
        } else if (m instanceof Message.Notification) {
            rival.c.close();
            rival = null;
        } else if (m instanceof Message.Malformed bad) {
            notifyAndClose(rival, bad.error().notification());
            rival = null;
        } else {
            notifyAndClose(rival, Bgp.FSM_ERROR, Bgp.UNEXPECTED_IN_OPEN_SENT, new byte[] {(byte) typeOf(m)});
            rival = null;
        }
    }

    /**
     * RFC 4271 6.8: of two connections, the one initiated by the speaker with the higher BGP
     * identifier stays (RFC 6286 2.3: on equal identifiers, the one with the larger AS). Whether
     * {@code first} stays against {@code second}; of two alike, the older (first).
     */
    private boolean keepFirst(Conn first, Conn second, int peerBgpId) {
        if (first.outgoing == second.outgoing) {
            return true;
        }
        long peerId = Integer.toUnsignedLong(peerBgpId);
        long ourId = Integer.toUnsignedLong(core.routerId);
        boolean keepOurs = ourId != peerId ? ourId > peerId : core.localAs > neighbor.remoteAs();
        return first.outgoing == keepOurs;
    }

    // ---- OPEN exchange ------------------------------------------------------------------------------

    private void openSent(TransitionReason reason) {
        localEndpoint = conn.c.local();
        remoteEndpoint = conn.c.remote();
        sendOpen(conn);
        openSentTimers();
        transition(SessionState.OPEN_SENT, reason);
    }

    private void openSentTimers() {
        cancelTimers();
        lastReceived = scheduler.nanos();
        holdNanos = OPEN_HOLD_NANOS;
        holdTimer = scheduler.schedule(holdNanos, this::holdTimerExpired);
    }

    private void sendOpen(Conn k) {
        ByteBuf out = Unpooled.buffer(64);
        Encoder.writeOpen(out, core.localAs, (int) neighbor.holdTime().toSeconds(), core.routerId, FAMILIES);
        send(k, out, 1);
    }

    /** The checks of the peer's OPEN that need the configuration, or null when it is fine. */
    private MessageError checkOpen(Message.Open open) {
        if (open.peerAs() != neighbor.remoteAs()) {
            byte[] data = open.fourOctetAs() >= 0 ? u32(open.fourOctetAs()) : new byte[] {(byte) (open.myAs() >>> 8),
                (byte) open.myAs()};
            return new MessageError(Bgp.OPEN_MESSAGE_ERROR, Bgp.BAD_PEER_AS, data, MessageError.Action.SESSION_RESET,
                    "peer AS " + open.peerAs() + ", configured " + neighbor.remoteAs());
        }
        if (internal && open.bgpId() == core.routerId) {
            return new MessageError(Bgp.OPEN_MESSAGE_ERROR, Bgp.BAD_BGP_IDENTIFIER, NONE,
                    MessageError.Action.SESSION_RESET, "internal peer with our BGP identifier");
        }
        return null;
    }

    private void openReceived(Message.Open open) {
        MessageError e = checkOpen(open);
        if (e != null) {
            LOG.warn("BGP {}: OPEN refused: {}", name(), e.reason());
            protocolError(e.notification());
            return;
        }
        // a second connection waiting for its OPEN stays: the collision is resolved if one comes
        negotiate(open);
        transition(SessionState.OPEN_CONFIRM, TransitionReason.OPEN_RECEIVED);
    }

    /** Takes the peer's OPEN: hold time, 4-octet AS, families; sends KEEPALIVE; starts the timers. */
    private void negotiate(Message.Open open) {
        peerOpen = open;
        localEndpoint = conn.c.local();
        remoteEndpoint = conn.c.remote();
        peerRouterId = Addresses.ofInt(open.bgpId());
        long offered = neighbor.holdTime().toSeconds();
        long hold = Math.min(offered, open.holdTime());
        negotiatedHold = Duration.ofSeconds(hold);
        fourOctet = open.fourOctetAs() >= 0;
        options = new Decoder.Options(fourOctet, internal);
        families = EnumSet.noneOf(AddressFamily.class);
        for (Message.Family f : open.families()) {
            if (f.equals(Message.Family.IPV4_UNICAST)) {
                families.add(AddressFamily.INET);
            } else if (f.equals(Message.Family.IPV6_UNICAST)) {
                families.add(AddressFamily.INET6);
            }
        }
        familiesView = Set.copyOf(sendingFamilies());
        cancelTimers();
        holdNanos = hold * 1_000_000_000L;
        keepaliveNanos = holdNanos / 3;
        sendKeepalive();
        if (holdNanos > 0) {
            holdTimer = scheduler.schedule(holdNanos, this::holdTimerExpired);
            keepaliveWait = jittered(keepaliveNanos);
            keepaliveTimer = scheduler.schedule(keepaliveWait, this::keepaliveTimerExpired);
        }
    }

    private void resetNegotiation() {
        peerOpen = null;
        peerRouterId = null;
        negotiatedHold = null;
        fourOctet = false;
        options = Decoder.Options.INITIAL;
        families = EnumSet.noneOf(AddressFamily.class);
        familiesView = Set.of();
    }

    private void established() {
        long now = scheduler.nanos();
        establishedAt = now;
        establishedTransitions++;
        if (rival != null) {
            notifyAndClose(rival, Bgp.CEASE, Bgp.CONNECTION_COLLISION_RESOLUTION, NONE);
            rival = null;
        }
        transition(SessionState.ESTABLISHED, TransitionReason.KEEPALIVE_RECEIVED);
        sync(true);
    }

    // ---- timers -------------------------------------------------------------------------------------

    private void holdTimerExpired() {
        holdTimer = null;
        if (conn == null || state.compareTo(SessionState.OPEN_SENT) < 0 || holdNanos == 0) {
            return;
        }
        long idle = scheduler.nanos() - lastReceived;
        if (idle < holdNanos) {
            holdTimer = scheduler.schedule(holdNanos - idle, this::holdTimerExpired);
            return;
        }
        LOG.warn("BGP {}: hold timer expired in {}", name(), state);
        notifyAndClose(conn, Bgp.HOLD_TIMER_EXPIRED, 0, NONE);
        conn = null;
        goIdle(TransitionReason.HOLD_TIMER_EXPIRED);
    }

    private void keepaliveTimerExpired() {
        keepaliveTimer = null;
        if (conn == null || state.compareTo(SessionState.OPEN_CONFIRM) < 0 || keepaliveNanos == 0) {
            return;
        }
        long since = scheduler.nanos() - lastSent;
        if (since >= keepaliveWait) {
            sendKeepalive();
            since = 0;
            keepaliveWait = jittered(keepaliveNanos);
        }
        keepaliveTimer = scheduler.schedule(Math.max(1, keepaliveWait - since), this::keepaliveTimerExpired);
    }

    private void cancelTimers() {
        cancel(holdTimer);
        cancel(keepaliveTimer);
        holdTimer = null;
        keepaliveTimer = null;
    }

    private static void cancel(Scheduler.Timer t) {
        if (t != null) {
            t.cancel();
        }
    }

    // ---- errors and leaving ---------------------------------------------------------------------

    /** The peer sent something wrong: NOTIFICATION, close, IDLE. */
    private void protocolError(int code, int subcode, byte[] data) {
        protocolError(BgpNotification.of(code, subcode, data));
    }

    private void protocolError(BgpNotification bn) {
        notifyAndClose(conn, bn);
        conn = null;
        goIdle(TransitionReason.PROTOCOL_ERROR);
    }

    private void reject(Connection c, int ceaseSubcode) {
        ByteBuf out = Unpooled.buffer(21);
        Encoder.writeNotification(out, Bgp.CEASE, ceaseSubcode, NONE);
        messagesSent++;
        c.send(out);
        c.close();
        BgpNotification bn = BgpNotification.of(Bgp.CEASE, ceaseSubcode, NONE);
        lastSentNotification = bn;
        core.emit(new BgpEvent.NotificationSent(neighbor.address(), scheduler.nanos(), bn));
    }

    private void notifyAndClose(Conn k, int code, int subcode, byte[] data) {
        notifyAndClose(k, BgpNotification.of(code, subcode, data));
    }

    private void notifyAndClose(Conn k, BgpNotification bn) {
        byte[] data = bn.data();
        ByteBuf out = Unpooled.buffer(21 + data.length);
        Encoder.writeNotification(out, bn.code(), bn.subcode(), data);
        send(k, out, 1);
        k.c.close();
        lastSentNotification = bn;
        LOG.warn("BGP {}: sent NOTIFICATION {}", name(), bn);
        core.emit(new BgpEvent.NotificationSent(neighbor.address(), scheduler.nanos(), bn));
    }

    /** Leaves for IDLE: closes what is open, forgets what was negotiated and announced, and (unless stopped) restarts later. */
    private void goIdle(TransitionReason reason) {
        cancelTimers();
        cancel(retryTimer);
        retryTimer = null;
        if (conn != null) {
            conn.c.close();
            conn = null;
        }
        if (rival != null) {
            rival.c.close();
            rival = null;
        }
        boolean wasEstablished = state == SessionState.ESTABLISHED;
        long up = wasEstablished ? scheduler.nanos() - establishedAt : 0;
        resetNegotiation();
        advertised.clear();
        announcedView = List.of();
        gracefulShutdownView = false;
        establishedAt = -1;
        localEndpoint = null;
        remoteEndpoint = null;
        transition(SessionState.IDLE, reason);
        if (enabled) {
            if (wasEstablished && up >= core.retryMaxNanos) {
                retryNanos = core.retryInitialNanos;
            }
            retryTimer = scheduler.schedule(nextWait(), this::retryTimerExpired);
        }
    }

    private void transition(SessionState to, TransitionReason reason) {
        SessionState from = state;
        io.lvs4j.internal.Preconditions.checkState(from.canTransitionTo(to), "transition", from + " -> " + to,
                "a legal BGP transition (see SessionState)");
        state = to;
        LOG.info("BGP {}: {} -> {} ({})", name(), from, to, reason);
        core.emit(new BgpEvent.StateChanged(neighbor.address(), scheduler.nanos(), from, to, reason));
    }

    // ---- sending ------------------------------------------------------------------------------------

    /** Sends {@code messages} messages on {@code k}. */
    private void send(Conn k, ByteBuf out, int messages) {
        messagesSent += messages;
        if (k == conn) {
            lastSent = scheduler.nanos();
        }
        k.c.send(out);
    }

    private void sendKeepalive() {
        ByteBuf out = Unpooled.buffer(19);
        Encoder.writeKeepalive(out);
        send(conn, out, 1);
    }

    // ---- routes -------------------------------------------------------------------------------------

    /** The families routes can go out in: negotiated, and with a next hop. */
    private Set<AddressFamily> sendingFamilies() {
        Set<AddressFamily> s = EnumSet.noneOf(AddressFamily.class);
        if (families.contains(AddressFamily.INET) && nextHop4() != null) {
            s.add(AddressFamily.INET);
        }
        if (families.contains(AddressFamily.INET6) && nextHop6() != null) {
            s.add(AddressFamily.INET6);
        }
        return s;
    }

    private Inet4Address nextHop4() {
        if (neighbor.ipv4NextHop().isPresent()) {
            return neighbor.ipv4NextHop().get();
        }
        InetSocketAddress local = conn == null ? null : conn.c.local();
        return local != null && local.getAddress() instanceof Inet4Address a ? a : null;
    }

    private Inet6Address nextHop6() {
        if (neighbor.ipv6NextHop().isPresent()) {
            return neighbor.ipv6NextHop().get();
        }
        InetSocketAddress local = conn == null ? null : conn.c.local();
        return local != null && local.getAddress() instanceof Inet6Address a && !a.isLinkLocalAddress()
                ? (Inet6Address) Addresses.of(a.getAddress()) : null;
    }

    /**
     * Brings the neighbour's Adj-RIB-Out to the speaker's routes: withdraws what went, announces what
     * is new or changed its GRACEFUL_SHUTDOWN state. {@code initial}: the first time after
     * ESTABLISHED, followed by End-of-RIB for each family sent (RFC 4724's recommendation).
     */
    void sync(boolean initial) {
        if (state != SessionState.ESTABLISHED || conn == null) {
            return;
        }
        Set<AddressFamily> sending = sendingFamilies();
        boolean gshut = core.gracefulShutdown();
        List<InetAddress> desired = core.desired();
        List<IpPrefix> withdraw4 = new ArrayList<>();
        List<IpPrefix> withdraw6 = new ArrayList<>();
        List<IpPrefix> announce4 = new ArrayList<>();
        List<IpPrefix> announce6 = new ArrayList<>();
        Set<InetAddress> wanted = new java.util.HashSet<>(desired);
        for (InetAddress a : advertised.keySet()) {
            if (!wanted.contains(a) || !sending.contains(AddressFamily.of(a))) {
                (a instanceof Inet4Address ? withdraw4 : withdraw6).add(IpPrefix.host(a));
            }
        }
        for (InetAddress a : desired) {
            if (sending.contains(AddressFamily.of(a)) && !Boolean.valueOf(gshut).equals(advertised.get(a))) {
                (a instanceof Inet4Address ? announce4 : announce6).add(IpPrefix.host(a));
            }
        }
        ByteBuf out = Unpooled.buffer();
        int updates = 0;
        updates += updates(out, withdraw4, false, null);
        updates += updates(out, withdraw6, false, null);
        Update.Builder attributes = attributes(gshut);
        updates += updates(out, announce4, true, attributes);
        updates += updates(out, announce6, true, attributes);
        if (initial) {
            for (AddressFamily f : sending) {
                Update.Builder eor = Update.builder();
                if (f == AddressFamily.INET6) {
                    eor.mpUnreach(new Update.MpUnreach(Message.Family.IPV6_UNICAST, List.of()));
                }
                Encoder.writeUpdate(out, eor.build(), fourOctet);
                updates++;
            }
        }
        if (updates == 0) {
            out.release();
            return;
        }
        List<InetAddress> withdrawn = new ArrayList<>();
        for (IpPrefix p : withdraw4) {
            withdrawn.add(p.address());
        }
        for (IpPrefix p : withdraw6) {
            withdrawn.add(p.address());
        }
        List<InetAddress> announced = new ArrayList<>();
        for (IpPrefix p : announce4) {
            announced.add(p.address());
        }
        for (IpPrefix p : announce6) {
            announced.add(p.address());
        }
        for (InetAddress a : withdrawn) {
            advertised.remove(a);
        }
        for (InetAddress a : announced) {
            advertised.put(a, gshut);
        }
        updatesSent += updates;
        send(conn, out, updates);
        announcedView = List.copyOf(advertised.keySet());
        gracefulShutdownView = gshut && !advertised.isEmpty();
        familiesView = Set.copyOf(sending);
        if (!announced.isEmpty() || !withdrawn.isEmpty()) {
            LOG.info("BGP {}: announced {} withdrew {}{}", name(), announced, withdrawn,
                    gshut && !announced.isEmpty() ? " (graceful shutdown)" : "");
            core.emit(new BgpEvent.RoutesAdvertised(neighbor.address(), scheduler.nanos(), announced, withdrawn,
                    gshut));
        }
    }

    /** The path attributes every route to this neighbour carries (RFC 4271 5.1, RFC 8326). */
    private Update.Builder attributes(boolean gshut) {
        Update.Builder b = Update.builder().origin(Bgp.ORIGIN_IGP)
                .asSequence(internal ? List.of() : List.of(core.localAs));
        if (neighbor.med().isPresent()) {
            b.med(neighbor.med().getAsLong());
        }
        if (internal) {
            // RFC 8326 4: an internal neighbour also gets LOCAL_PREF 0 while shutting down
            b.localPref(gshut ? 0 : neighbor.localPreference());
        }
        List<Integer> communities = new ArrayList<>();
        for (Community c : neighbor.communities()) {
            communities.add(c.bits());
        }
        if (gshut && !communities.contains(Community.GRACEFUL_SHUTDOWN.bits())) {
            communities.add(Community.GRACEFUL_SHUTDOWN.bits());
        }
        if (!communities.isEmpty()) {
            b.communities(communities);
        }
        return b;
    }

    /**
     * Writes UPDATEs for these prefixes of one family into {@code out}: announcements (with the
     * attributes) or withdrawals, as many per message as fit in 4096 bytes. The number of messages.
     */
    private int updates(ByteBuf out, List<IpPrefix> prefixes, boolean announce, Update.Builder attributes) {
        if (prefixes.isEmpty()) {
            return 0;
        }
        boolean v6 = prefixes.get(0).address() instanceof Inet6Address;
        int perPrefix = Encoder.prefixSize(prefixes.get(0));
        int base = size(message(List.of(), v6, announce, attributes));
        int room = Bgp.MAX_MESSAGE_LENGTH - base - 4; // an attribute header may grow to extended length
        int chunk = Math.max(1, room / perPrefix);
        int n = 0;
        for (int i = 0; i < prefixes.size(); i += chunk) {
            Encoder.writeUpdate(out, message(prefixes.subList(i, Math.min(prefixes.size(), i + chunk)), v6, announce,
                    attributes), fourOctet);
            n++;
        }
        return n;
    }

    private int size(Update u) {
        ByteBuf b = Unpooled.buffer();
        Encoder.writeUpdate(b, u, fourOctet);
        int n = b.readableBytes();
        b.release();
        return n;
    }

    private Update message(List<IpPrefix> prefixes, boolean v6, boolean announce, Update.Builder attributes) {
        Update.Builder b = Update.builder();
        if (announce) {
            Update template = attributes.build();
            b.origin(template.origin()).asPath(template.asPath());
            if (template.med() >= 0) {
                b.med(template.med());
            }
            if (template.localPref() >= 0) {
                b.localPref(template.localPref());
            }
            if (template.communities() != null) {
                b.communities(template.communities());
            }
            if (v6) {
                b.mpReach(new Update.MpReach(Message.Family.IPV6_UNICAST, List.of(nextHop6()), prefixes));
            } else {
                b.nextHop(nextHop4());
                for (IpPrefix p : prefixes) {
                    b.nlri(p);
                }
            }
        } else if (v6) {
            b.mpUnreach(new Update.MpUnreach(Message.Family.IPV6_UNICAST, prefixes));
        } else {
            for (IpPrefix p : prefixes) {
                b.withdrawn(p);
            }
        }
        return b.build();
    }

    // ---- snapshot -----------------------------------------------------------------------------------

    BgpSession snapshot() {
        SessionState s = state;
        long at = establishedAt;
        Duration uptime = s == SessionState.ESTABLISHED && at >= 0 ? Duration.ofNanos(scheduler.nanos() - at)
                : Duration.ZERO;
        return new BgpSession(neighbor, s, uptime, localEndpoint, remoteEndpoint, peerRouterId, negotiatedHold,
                fourOctet, familiesView, announcedView, gracefulShutdownView,
                new long[] {messagesReceived, messagesSent, updatesReceived, updatesSent, establishedTransitions},
                lastReceivedNotification, lastSentNotification);
    }

    private String name() {
        return Addresses.format(neighbor.address());
    }

    private static byte[] u32(long v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }
}
