package io.lvs4j.bgp;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.bgp.internal.Bgp;
import io.lvs4j.bgp.internal.Message;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Connection collision detection (RFC 4271 section 6.8) and incoming connections: when both sides
 * dial, the connection initiated by the speaker with the higher BGP identifier stays, the other
 * gets a Cease (Connection Collision Resolution). The speaker is 192.0.2.11; a peer of 192.0.2.1
 * loses to it, one of 192.0.2.99 wins.
 */
class CollisionTest extends SpeakerTestBase {
    static final String LOWER = "192.0.2.1";
    static final String HIGHER = "192.0.2.99";

    /** Dials, connects, sends OPEN; then the peer dials in: the incoming connection gets our OPEN too. */
    FakeTransport.Conn[] bothDial(BgpSpeaker s) {
        FakeTransport.Conn ours = t.lastDial();
        ours.up();
        FakeTransport.Conn theirs = t.connectIn(PEER, "192.0.2.11");
        assertThat(state(s)).isEqualTo(SessionState.OPEN_SENT);
        assertThat(theirs.messages()).singleElement().isInstanceOf(Message.Open.class);
        return new FakeTransport.Conn[] {ours, theirs};
    }

    static void collisionCease(FakeTransport.Conn c) {
        isNotification(c.last(), Bgp.CEASE, Bgp.CONNECTION_COLLISION_RESOLUTION);
        assertThat(c.closed).isTrue();
    }

    @Test
    void peerOpenOnIncomingFirst_weHaveTheHigherId_incomingGoesOnUntilOursHasItsOpenThenClosed() throws Exception {
        BgpSpeaker s = start(neighbor().build());
        FakeTransport.Conn[] c = bothDial(s);

        c[1].deliver(Peer.open(65000, 3, LOWER));
        // no guess from one OPEN: the incoming connection is further along and goes first
        assertThat(state(s)).isEqualTo(SessionState.OPEN_CONFIRM);
        assertThat(c[1].last()).isEqualTo(Message.Keepalive.INSTANCE);
        assertThat(c[0].closed).isFalse();
        c[0].deliver(Peer.open(65000, 3, LOWER));

        collisionCease(c[1]);
        assertThat(c[0].last()).isEqualTo(Message.Keepalive.INSTANCE);
        assertThat(state(s)).isEqualTo(SessionState.OPEN_CONFIRM);
        c[0].deliver(Peer.keepalive());
        assertThat(state(s)).isEqualTo(SessionState.ESTABLISHED);
        assertThat(c[0].closed).isFalse();
        assertThat(s.sessions().get(0).localEndpoint().get().getPort()).isEqualTo(c[0].local.getPort());
    }

    @Test
    void peerOpenOnIncomingFirst_peerHasTheHigherId_incomingConfirmedOursClosedWhenEstablished() throws Exception {
        BgpSpeaker s = start(neighbor().build());
        FakeTransport.Conn[] c = bothDial(s);

        c[1].deliver(Peer.open(65000, 3, HIGHER));

        assertThat(c[1].last()).isEqualTo(Message.Keepalive.INSTANCE);
        assertThat(state(s)).isEqualTo(SessionState.OPEN_CONFIRM);
        assertThat(c[0].closed).isFalse();
        c[1].deliver(Peer.keepalive());
        assertThat(state(s)).isEqualTo(SessionState.ESTABLISHED);
        collisionCease(c[0]);
        assertThat(path()).isEqualTo("IDLE>CONNECT(START) CONNECT>OPEN_SENT(TCP_CONNECTED) "
                + "OPEN_SENT>OPEN_CONFIRM(OPEN_RECEIVED) OPEN_CONFIRM>ESTABLISHED(KEEPALIVE_RECEIVED)");
        c[0].peerCloses(); // the closed loser's last event changes nothing
        assertThat(state(s)).isEqualTo(SessionState.ESTABLISHED);
    }

    @Test
    void peerOpenOnOursFirst_peerHasTheHigherId_oursConfirmedThenClosedWhenTheIncomingHasItsOpen() throws Exception {
        BgpSpeaker s = start(neighbor().build());
        FakeTransport.Conn[] c = bothDial(s);

        c[0].deliver(Peer.open(65000, 3, HIGHER));
        assertThat(state(s)).isEqualTo(SessionState.OPEN_CONFIRM);
        assertThat(c[0].closed).isFalse();
        assertThat(c[1].closed).isFalse();
        c[1].deliver(Peer.open(65000, 3, HIGHER));

        collisionCease(c[0]);
        assertThat(c[1].last()).isEqualTo(Message.Keepalive.INSTANCE);
        assertThat(state(s)).isEqualTo(SessionState.OPEN_CONFIRM);
        c[1].deliver(Peer.keepalive());
        assertThat(state(s)).isEqualTo(SessionState.ESTABLISHED);
    }

    @Test
    void peerDropsItsOwnDialForOurs_oursGoesOnWhateverTheIds() throws Exception {
        // the peer (higher ID) accepted our connection and gave up its own dial before any OPEN:
        // no OPEN ever comes on its connection, so ours must not be closed for it
        BgpSpeaker s = start(neighbor().build());
        FakeTransport.Conn[] c = bothDial(s);

        c[0].deliver(Peer.open(65000, 3, HIGHER));
        c[1].peerCloses();
        c[0].deliver(Peer.keepalive());

        assertThat(state(s)).isEqualTo(SessionState.ESTABLISHED);
        assertThat(c[0].closed).isFalse();
        assertThat(c[0].sent(Message.Notification.class)).isEmpty();
    }

    @Test
    void peerOpenOnOursFirst_weHaveTheHigherId_incomingClosedWhenItHasItsOpen() throws Exception {
        BgpSpeaker s = start(neighbor().build());
        FakeTransport.Conn[] c = bothDial(s);

        c[0].deliver(Peer.open(65000, 3, LOWER));
        assertThat(c[1].closed).isFalse();
        c[1].deliver(Peer.open(65000, 3, LOWER));

        collisionCease(c[1]);
        assertThat(state(s)).isEqualTo(SessionState.OPEN_CONFIRM);
        assertThat(c[0].closed).isFalse();
    }

    @Test
    void equalIdentifiers_theLargerAsKeepsItsConnection() throws Exception {
        // RFC 6286 2.3: we are AS 65001, the peer AS 65000, both 192.0.2.11
        BgpSpeaker s = start(neighbor().build());
        FakeTransport.Conn[] c = bothDial(s);

        c[1].deliver(Peer.open(65000, 3, "192.0.2.11"));
        c[0].deliver(Peer.open(65000, 3, "192.0.2.11"));

        collisionCease(c[1]);
        assertThat(c[0].closed).isFalse();
    }

    @Test
    void incomingInOpenConfirm_weHaveTheHigherId_rejectedAtOnceWithoutOpen() throws Exception {
        BgpSpeaker s = start(neighbor().build());
        t.lastDial().up();
        t.lastDial().deliver(Peer.open(65000, 3, LOWER));

        FakeTransport.Conn theirs = t.connectIn(PEER, "192.0.2.11");

        assertThat(theirs.messages()).singleElement().isInstanceOf(Message.Notification.class);
        collisionCease(theirs);
        assertThat(state(s)).isEqualTo(SessionState.OPEN_CONFIRM);
    }

    @Test
    void incomingInOpenConfirm_peerHasTheHigherId_incomingTakesOverInOpenConfirm() throws Exception {
        BgpSpeaker s = start(neighbor().build());
        FakeTransport.Conn ours = t.lastDial();
        ours.up();
        ours.deliver(Peer.open(65000, 3, HIGHER));
        FakeTransport.Conn theirs = t.connectIn(PEER, "192.0.2.11");
        int transitions = transitions().size();

        theirs.deliver(Peer.open(65000, 3, HIGHER));

        collisionCease(ours);
        assertThat(theirs.last()).isEqualTo(Message.Keepalive.INSTANCE);
        assertThat(state(s)).isEqualTo(SessionState.OPEN_CONFIRM);
        assertThat(transitions()).hasSize(transitions);
        theirs.deliver(Peer.keepalive());
        assertThat(state(s)).isEqualTo(SessionState.ESTABLISHED);
    }

    @Test
    void openConfirmConnectionClosedWhileTheOtherWaits_backToOpenSentOnTheOther() throws Exception {
        BgpSpeaker s = start(neighbor().build());
        FakeTransport.Conn ours = t.lastDial();
        ours.up();
        ours.deliver(Peer.open(65000, 3, HIGHER));
        FakeTransport.Conn theirs = t.connectIn(PEER, "192.0.2.11");

        ours.peerCloses(); // the peer resolved the collision its way first

        assertThat(state(s)).isEqualTo(SessionState.OPEN_SENT);
        assertThat(path()).endsWith("OPEN_CONFIRM>OPEN_SENT(COLLISION)");
        theirs.deliver(Peer.open(65000, 3, HIGHER));
        theirs.deliver(Peer.keepalive());
        assertThat(state(s)).isEqualTo(SessionState.ESTABLISHED);
    }

    @Test
    void openSentConnectionClosedWhileTheOtherWaits_theOtherGoesOn() throws Exception {
        BgpSpeaker s = start(neighbor().build());
        FakeTransport.Conn[] c = bothDial(s);

        c[0].deliver(Peer.notification(Bgp.CEASE, Bgp.CONNECTION_COLLISION_RESOLUTION));
        // a NOTIFICATION on the session's own connection ends the session (RFC 4271 8.2.2)
        assertThat(state(s)).isEqualTo(SessionState.IDLE);
        assertThat(c[1].closed).isTrue();
    }

    @Test
    void openSentConnectionDropsWhileTheOtherWaits_theOtherGoesOn() throws Exception {
        BgpSpeaker s = start(neighbor().build());
        FakeTransport.Conn[] c = bothDial(s);

        c[0].peerCloses();

        assertThat(state(s)).isEqualTo(SessionState.OPEN_SENT);
        c[1].deliver(Peer.open(65000, 3, HIGHER));
        c[1].deliver(Peer.keepalive());
        assertThat(state(s)).isEqualTo(SessionState.ESTABLISHED);
    }

    @Test
    void notificationOnTheWaitingConnection_dropsItOnly() throws Exception {
        BgpSpeaker s = start(neighbor().build());
        FakeTransport.Conn[] c = bothDial(s);

        c[1].deliver(Peer.notification(Bgp.CEASE, Bgp.CONNECTION_COLLISION_RESOLUTION));

        assertThat(c[1].closed).isTrue();
        assertThat(state(s)).isEqualTo(SessionState.OPEN_SENT);
        c[0].deliver(Peer.open(65000, 3, LOWER));
        assertThat(state(s)).isEqualTo(SessionState.OPEN_CONFIRM);
    }

    @Test
    void thirdConnection_rejectedWithCollisionCease() throws Exception {
        BgpSpeaker s = start(neighbor().build());
        bothDial(s);

        FakeTransport.Conn third = t.connectIn(PEER, "192.0.2.11");

        collisionCease(third);
    }

    @Test
    void incomingWhileEstablished_newConnectionClosedEstablishedKept() throws Exception {
        BgpSpeaker s = established(neighbor().build());

        FakeTransport.Conn theirs = t.connectIn(PEER, "192.0.2.11");

        collisionCease(theirs);
        assertThat(state(s)).isEqualTo(SessionState.ESTABLISHED);
        assertThat(t.lastDial().closed).isFalse();
    }

    @Test
    void establishedWithAConnectionWaiting_theWaitingOneClosed() throws Exception {
        BgpSpeaker s = start(neighbor().build());
        FakeTransport.Conn ours = t.lastDial();
        ours.up();
        FakeTransport.Conn theirs = t.connectIn(PEER, "192.0.2.11");
        ours.deliver(Peer.open(65000, 3, HIGHER)); // ours confirmed; theirs waits for its OPEN
        theirs.deliver(Peer.open(65000, 3, HIGHER)); // both have OPENs: the peer's wins
        theirs.deliver(Peer.keepalive());

        assertThat(state(s)).isEqualTo(SessionState.ESTABLISHED);
        assertThat(ours.closed).isTrue();
        assertThat(theirs.closed).isFalse();
    }

    @Test
    void incomingWhileConnecting_dialAbandonedForIt() throws Exception {
        BgpSpeaker s = start(neighbor().build());
        FakeTransport.Conn dial = t.lastDial();

        FakeTransport.Conn theirs = t.connectIn(PEER, "192.0.2.11");

        assertThat(dial.closed).isTrue();
        assertThat(state(s)).isEqualTo(SessionState.OPEN_SENT);
        assertThat(theirs.messages()).singleElement().isInstanceOf(Message.Open.class);
        assertThat(path()).endsWith("CONNECT>OPEN_SENT(TCP_ACCEPTED)");
        clock.advance(Duration.ofSeconds(5)); // no retry timer left running
        assertThat(t.dials).hasSize(1);
    }

    @Test
    void incomingToPassiveSpeaker_openSent() throws Exception {
        BgpSpeaker s = start(neighbor().passive(true).build());

        FakeTransport.Conn theirs = t.connectIn(PEER, "192.0.2.11");
        theirs.deliver(Peer.open(65000, 3, PEER));
        theirs.deliver(Peer.keepalive());

        assertThat(state(s)).isEqualTo(SessionState.ESTABLISHED);
        assertThat(path()).startsWith("IDLE>ACTIVE(START) ACTIVE>OPEN_SENT(TCP_ACCEPTED)");
    }

    @Test
    void incomingWhileIdleWaitingToStartAgain_takenAtOnce() throws Exception {
        BgpSpeaker s = start(neighbor().build());
        t.lastDial().up();
        t.lastDial().deliver(Peer.notification(Bgp.CEASE, Bgp.CONNECTION_REJECTED)); // IDLE for a while
        assertThat(state(s)).isEqualTo(SessionState.IDLE);

        FakeTransport.Conn theirs = t.connectIn(PEER, "192.0.2.11");
        theirs.deliver(Peer.open(65000, 3, PEER));
        theirs.deliver(Peer.keepalive());

        assertThat(state(s)).isEqualTo(SessionState.ESTABLISHED);
        assertThat(path()).contains("IDLE>ACTIVE(RESTART) ACTIVE>OPEN_SENT(TCP_ACCEPTED)");
        clock.advance(Duration.ofSeconds(2)); // the restart that was due (in 1 s) does not dial
        assertThat(t.dials).hasSize(1);
    }

    @Test
    void incomingFromAnUnknownAddress_connectionRejected() throws Exception {
        start(neighbor().build());

        FakeTransport.Conn stranger = t.connectIn("192.0.2.77", "192.0.2.11");

        isNotification(stranger.last(), Bgp.CEASE, Bgp.CONNECTION_REJECTED);
        assertThat(stranger.closed).isTrue();
    }
}
