package io.lvs4j.bgp;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.AddressFamily;
import io.lvs4j.bgp.internal.Bgp;
import io.lvs4j.bgp.internal.IpPrefix;
import io.lvs4j.bgp.internal.Message;
import io.lvs4j.bgp.internal.Update;
import io.lvs4j.internal.Addresses;
import io.lvs4j.time.VirtualClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The session state machine (RFC 4271 section 8) on the virtual clock, through the speaker with a
 * fake transport: the OPEN exchange, every transition, the hold and keepalive timers, connect
 * retry with backoff, errors and NOTIFICATIONs.
 */
class SessionTest extends SpeakerTestBase {
    // ---- the OPEN exchange ------------------------------------------------------------------------

    @Test
    void start_activeNeighbor_connectAndOneDialToPort179() throws Exception {
        BgpSpeaker s = start(neighbor().build());

        assertThat(state(s)).isEqualTo(SessionState.CONNECT);
        assertThat(t.dials).hasSize(1);
        assertThat(t.lastDial().remote).isEqualTo(new java.net.InetSocketAddress(ip(PEER), 179));
        assertThat(path()).isEqualTo("IDLE>CONNECT(START)");
    }

    @Test
    void start_passiveNeighbor_activeWithoutDialling() throws Exception {
        BgpSpeaker s = start(neighbor().passive(true).build());
        clock.advance(Duration.ofMinutes(10));

        assertThat(state(s)).isEqualTo(SessionState.ACTIVE);
        assertThat(t.dials).isEmpty();
        assertThat(t.listen.getPort()).isEqualTo(179);
    }

    @Test
    void connected_openSentWithOurSettingsAndNoGracefulRestart() throws Exception {
        BgpSpeaker s = start(neighbor().holdTime(Duration.ofSeconds(3)).build());

        t.lastDial().up();

        assertThat(state(s)).isEqualTo(SessionState.OPEN_SENT);
        Message.Open open = (Message.Open) t.lastDial().last();
        assertThat(open.peerAs()).isEqualTo(65001);
        assertThat(open.holdTime()).isEqualTo(3);
        assertThat(Addresses.ofInt(open.bgpId())).isEqualTo(ip("192.0.2.11"));
        assertThat(open.gracefulRestart()).isFalse();
        assertThat(open.families()).containsExactly(Message.Family.IPV4_UNICAST, Message.Family.IPV6_UNICAST);
    }

    @Test
    void openReceived_keepaliveSentAndOpenConfirm() throws Exception {
        BgpSpeaker s = start(neighbor().build());
        t.lastDial().up();

        t.lastDial().deliver(Peer.open(65000, 3, PEER));

        assertThat(state(s)).isEqualTo(SessionState.OPEN_CONFIRM);
        assertThat(t.lastDial().last()).isEqualTo(Message.Keepalive.INSTANCE);
    }

    @Test
    void keepaliveInOpenConfirm_establishedThroughEveryStateInOrder() throws Exception {
        BgpSpeaker s = established(neighbor().build());

        assertThat(path()).isEqualTo("IDLE>CONNECT(START) CONNECT>OPEN_SENT(TCP_CONNECTED) "
                + "OPEN_SENT>OPEN_CONFIRM(OPEN_RECEIVED) OPEN_CONFIRM>ESTABLISHED(KEEPALIVE_RECEIVED)");
        BgpSession session = s.sessions().get(0);
        assertThat(session.peerRouterId()).contains((java.net.Inet4Address) ip(PEER));
        assertThat(session.holdTime()).contains(Duration.ofSeconds(3));
        assertThat(session.fourOctetAs()).isTrue();
        assertThat(session.establishedTransitions()).isEqualTo(1);
        assertThat(session.families()).containsExactly(AddressFamily.INET);
    }

    @Test
    void established_nothingAnnounced_endOfRibForIpv4() throws Exception {
        established(neighbor().build());

        List<Update> updates = t.lastDial().sent(Update.class);
        assertThat(updates).hasSize(1);
        assertThat(updates.get(0).endOfRib()).isTrue();
    }

    @Test
    void listeners_calledAfterTheTransitionWithTheNewState() throws Exception {
        List<SessionState> seen = new ArrayList<>();
        BgpSpeaker[] holder = new BgpSpeaker[1];
        BgpSpeaker.Builder b = speakerBuilder(neighbor().build()).listener(e -> {
            if (e instanceof BgpEvent.StateChanged && holder[0] != null) {
                seen.add(holder[0].sessions().get(0).state());
            }
        });
        holder[0] = BgpSpeaker.create(b, t, () -> 1.0);
        holder[0].start();
        clock.runDue();
        t.lastDial().up();

        assertThat(seen).containsExactly(SessionState.CONNECT, SessionState.OPEN_SENT);
    }

    @Test
    void listenerThrows_sessionGoesOn() throws Exception {
        BgpSpeaker.Builder b = speakerBuilder(neighbor().build()).listener(e -> {
            throw new IllegalStateException("listener bug");
        });
        BgpSpeaker s = start(b);
        t.lastDial().up();
        t.lastDial().deliver(Peer.open(65000, 3, PEER));
        t.lastDial().deliver(Peer.keepalive());

        assertThat(state(s)).isEqualTo(SessionState.ESTABLISHED);
    }

    // ---- hold and keepalive timers ------------------------------------------------------------------

    @Test
    void keepaliveTimer_negotiatedHoldThreeSeconds_keepalivesAtMostOneSecondApart() throws Exception {
        established(neighbor().build()); // we offer 9, the peer 3: 3 it is
        FakeTransport.Conn c = t.lastDial();
        for (int i = 0; i < 20; i++) {
            clock.advance(Duration.ofMillis(500));
            c.deliver(Peer.keepalive()); // the peer keeps the session up
        }

        List<Long> times = new ArrayList<>();
        for (FakeTransport.Sent sent : c.sent) {
            if (sent.message() instanceof Message.Keepalive) {
                times.add(sent.nanos());
            }
        }
        assertThat(times).hasSizeGreaterThanOrEqualTo(10);
        for (int i = 1; i < times.size(); i++) {
            assertThat(times.get(i) - times.get(i - 1)).isLessThanOrEqualTo(Duration.ofSeconds(1).toNanos());
        }
    }

    @Test
    void keepaliveTimer_jitter_eachGapBetweenThreeQuartersAndAThirdOfTheHoldTime() throws Exception {
        double[] draws = {0.0, 0.5, 1.0, 0.2};
        int[] n = {0};
        BgpSpeaker.Builder b = speakerBuilder(neighbor().build());
        BgpSpeaker s = BgpSpeaker.create(b, t, () -> draws[n[0]++ % draws.length]);
        s.start();
        clock.runDue();
        n[0] = 0; // the dial's retry jitter drew already: the keepalives draw from the start of the list
        t.lastDial().up();
        t.lastDial().deliver(Peer.open(65000, 3, PEER)); // hold 3 s: keepalives every 0.75..1 s
        t.lastDial().deliver(Peer.keepalive());
        FakeTransport.Conn c = t.lastDial();
        long start = clock.nanos();
        for (int i = 0; i < 60; i++) { // 3 s
            clock.advance(Duration.ofMillis(50));
            if (i % 10 == 9) {
                c.deliver(Peer.keepalive());
            }
        }
        List<Long> gaps = new ArrayList<>();
        long prev = -1;
        for (FakeTransport.Sent sent : c.sent) {
            if (sent.message() instanceof Message.Keepalive && sent.nanos() >= start) {
                if (prev >= 0) {
                    gaps.add((sent.nanos() - prev) / 1_000_000);
                }
                prev = sent.nanos();
            }
        }
        // draws 0.0, 0.5, 1.0: 750, 875, 1000 ms (x0.75 + 0.25 r of hold/3)
        assertThat(gaps).startsWith(750L, 875L, 1000L);
    }

    @Test
    void holdTime_smallerOfTheTwoOffers() throws Exception {
        BgpSpeaker s = start(neighbor().holdTime(Duration.ofSeconds(4)).build());
        t.lastDial().up();
        t.lastDial().deliver(Peer.open(65000, 90, PEER));

        assertThat(s.sessions().get(0).holdTime()).contains(Duration.ofSeconds(4));
    }

    @Test
    void holdTimer_nothingFromThePeerForTheHoldTime_notificationAndIdle() throws Exception {
        BgpSpeaker s = established(neighbor().build());
        FakeTransport.Conn c = t.lastDial();

        clock.advance(Duration.ofMillis(2999));
        assertThat(state(s)).isEqualTo(SessionState.ESTABLISHED);
        clock.advance(Duration.ofMillis(1));

        assertThat(state(s)).isEqualTo(SessionState.IDLE);
        isNotification(c.last(), Bgp.HOLD_TIMER_EXPIRED, 0);
        assertThat(c.closed).isTrue();
        assertThat(transitions().get(transitions().size() - 1).reason()).isEqualTo(TransitionReason.HOLD_TIMER_EXPIRED);
    }

    @Test
    void holdTimer_restartedByEveryMessage() throws Exception {
        BgpSpeaker s = established(neighbor().build());
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofMillis(2900));
            t.lastDial().deliver(i % 2 == 0 ? Peer.keepalive() : Peer.update(Update.builder().build()));
        }

        assertThat(state(s)).isEqualTo(SessionState.ESTABLISHED);
    }

    @Test
    void holdTimeZero_noKeepalivesAndNoHoldTimer() throws Exception {
        BgpSpeaker s = start(neighbor().build());
        t.lastDial().up();
        t.lastDial().deliver(Peer.open(65000, 0, PEER));
        t.lastDial().deliver(Peer.keepalive());
        int sentBefore = t.lastDial().sent.size();

        clock.advance(Duration.ofHours(1));

        assertThat(state(s)).isEqualTo(SessionState.ESTABLISHED);
        assertThat(t.lastDial().sent).hasSize(sentBefore);
        assertThat(s.sessions().get(0).holdTime()).contains(Duration.ZERO);
    }

    @Test
    void openSentHoldTimer_noOpenForFourMinutes_holdTimerExpired() throws Exception {
        BgpSpeaker s = start(neighbor().build());
        t.lastDial().up();

        clock.advance(Duration.ofSeconds(239));
        assertThat(state(s)).isEqualTo(SessionState.OPEN_SENT);
        clock.advance(Duration.ofSeconds(1));

        isNotification(t.lastDial().last(), Bgp.HOLD_TIMER_EXPIRED, 0);
        assertThat(state(s)).isEqualTo(SessionState.IDLE);
    }

    @Test
    void openConfirm_noKeepaliveWithinHoldTime_holdTimerExpired() throws Exception {
        BgpSpeaker s = start(neighbor().build());
        t.lastDial().up();
        t.lastDial().deliver(Peer.open(65000, 3, PEER));

        clock.advance(Duration.ofSeconds(3));

        isNotification(t.lastDial().last(), Bgp.HOLD_TIMER_EXPIRED, 0);
        assertThat(state(s)).isEqualTo(SessionState.IDLE);
    }

    // ---- connect retry and backoff ----------------------------------------------------------------

    /** When each dial happened, in seconds (to the millisecond). */
    List<Double> dialTimes(List<Long> nanos) {
        List<Double> out = new ArrayList<>();
        for (long n : nanos) {
            out.add(Math.round(n / 1e6) / 1e3);
        }
        return out;
    }

    @Test
    void connectRefused_activeThenDialAgainWithDoublingWaitUpToTheMaximum() throws Exception {
        BgpSpeaker s = start(speakerBuilder(neighbor().build()).connectRetry(Duration.ofSeconds(1), Duration.ofSeconds(8)));
        List<Long> at = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            at.add(clock.nanos());
            t.lastDial().fail();
            assertThat(state(s)).isEqualTo(SessionState.ACTIVE);
            int dials = t.dials.size();
            for (int j = 0; j < 100 && t.dials.size() == dials; j++) {
                clock.advance(Duration.ofMillis(100));
            }
        }

        // waits 1, 2, 4, 8, 8, 8 s
        assertThat(dialTimes(at)).containsExactly(0.0, 1.0, 3.0, 7.0, 15.0, 23.0, 31.0);
        assertThat(path()).startsWith("IDLE>CONNECT(START) CONNECT>ACTIVE(TCP_CONNECT_FAILED) "
                + "ACTIVE>CONNECT(CONNECT_RETRY_EXPIRED) CONNECT>ACTIVE(TCP_CONNECT_FAILED)");
    }

    @Test
    void connectRetryJitter_randomZero_threeQuartersOfTheWait() throws Exception {
        random = 0.0;
        start(speakerBuilder(neighbor().build()).connectRetry(Duration.ofSeconds(4), Duration.ofSeconds(60)));
        t.lastDial().fail();

        clock.advance(Duration.ofMillis(2999));
        assertThat(t.dials).hasSize(1);
        clock.advance(Duration.ofMillis(1));

        assertThat(t.dials).hasSize(2); // 4 s x 0.75
    }

    @Test
    void dialNotUpWithinTheRetryTime_givenUpAndRetriedLater() throws Exception {
        BgpSpeaker s = start(neighbor().build());
        FakeTransport.Conn first = t.lastDial();

        clock.advance(Duration.ofSeconds(1));

        assertThat(first.closed).isTrue();
        assertThat(state(s)).isEqualTo(SessionState.ACTIVE);
        clock.advance(Duration.ofSeconds(2));
        assertThat(t.dials).hasSize(2);
        assertThat(state(s)).isEqualTo(SessionState.CONNECT);
        first.up(); // too late: ignored and closed
        assertThat(state(s)).isEqualTo(SessionState.CONNECT);
        assertThat(first.sent).isEmpty();
    }

    @Test
    void sessionDown_afterLongUptime_backoffStartsOverAtTheInitialWait() throws Exception {
        BgpSpeaker s = start(speakerBuilder(neighbor().build()).connectRetry(Duration.ofSeconds(1), Duration.ofSeconds(8)));
        t.lastDial().fail();
        clock.advance(Duration.ofSeconds(1));
        t.lastDial().fail();
        clock.advance(Duration.ofSeconds(2)); // now waiting 4 s next time
        t.lastDial().up();
        t.lastDial().deliver(Peer.open(65000, 0, PEER));
        t.lastDial().deliver(Peer.keepalive());
        clock.advance(Duration.ofSeconds(8)); // up for the maximum
        int dials = t.dials.size();

        t.lastDial().peerCloses();
        assertThat(state(s)).isEqualTo(SessionState.IDLE);
        clock.advance(Duration.ofSeconds(1));

        assertThat(t.dials).hasSize(dials + 1);
        assertThat(path()).endsWith("ESTABLISHED>IDLE(TCP_CLOSED) IDLE>CONNECT(RESTART)");
    }

    @Test
    void sessionDown_shortlyAfterComingUp_backoffKeepsGrowing() throws Exception {
        BgpSpeaker s = start(speakerBuilder(neighbor().build()).connectRetry(Duration.ofSeconds(1), Duration.ofSeconds(8)));
        for (int i = 0; i < 3; i++) {
            t.lastDial().up();
            t.lastDial().deliver(Peer.open(65000, 0, PEER));
            t.lastDial().deliver(Peer.keepalive());
            t.lastDial().deliver(Peer.notification(Bgp.CEASE, Bgp.ADMINISTRATIVE_RESET));
            int dials = t.dials.size();
            long start = clock.nanos();
            while (t.dials.size() == dials) {
                clock.advance(Duration.ofMillis(100));
            }
            assertThat(clock.nanos() - start).isEqualTo(Duration.ofSeconds(1L << i).toNanos());
        }
        assertThat(state(s)).isEqualTo(SessionState.CONNECT);
    }

    // ---- errors --------------------------------------------------------------------------------------

    @Test
    void open_wrongPeerAs_badPeerAsWithTheAsAndIdle() throws Exception {
        BgpSpeaker s = start(neighbor().build());
        t.lastDial().up();

        t.lastDial().deliver(Peer.open(65099, 3, PEER));

        Message.Notification n = notification(t.lastDial().last());
        assertThat(n.code() + "/" + n.subcode()).isEqualTo("2/2");
        assertThat(ByteBufUtil.hexDump(n.data())).isEqualTo("0000fe4b");
        assertThat(state(s)).isEqualTo(SessionState.IDLE);
        assertThat(transitions().get(transitions().size() - 1).reason()).isEqualTo(TransitionReason.PROTOCOL_ERROR);
        assertThat(s.sessions().get(0).lastNotificationSent().get().description()).isEqualTo("OPEN Message Error/Bad Peer AS");
    }

    @Test
    void open_internalPeerWithOurIdentifier_badBgpIdentifier() throws Exception {
        BgpSpeaker s = start(speakerBuilder(BgpNeighbor.builder(PEER).remoteAs(65001).build()));
        t.lastDial().up();

        t.lastDial().deliver(Peer.open(65001, 3, "192.0.2.11"));

        isNotification(t.lastDial().last(), 2, 3);
        assertThat(state(s)).isEqualTo(SessionState.IDLE);
    }

    @Test
    void open_externalPeerWithOurIdentifier_accepted() throws Exception {
        BgpSpeaker s = start(neighbor().build());
        t.lastDial().up();

        t.lastDial().deliver(Peer.open(65000, 3, "192.0.2.11"));

        assertThat(state(s)).isEqualTo(SessionState.OPEN_CONFIRM);
    }

    @Test
    void open_unsupportedVersion_answeredWithVersion4() throws Exception {
        BgpSpeaker s = start(neighbor().build());
        t.lastDial().up();
        ByteBuf open = Peer.open(65000, 3, PEER);
        open.setByte(19, 3);

        t.lastDial().deliver(open);

        Message.Notification n = notification(t.lastDial().last());
        assertThat(n.code() + "/" + n.subcode() + " " + ByteBufUtil.hexDump(n.data())).isEqualTo("2/1 0004");
        assertThat(state(s)).isEqualTo(SessionState.IDLE);
    }

    @Test
    void keepaliveInOpenSent_fsmErrorUnexpectedInOpenSent() throws Exception {
        start(neighbor().build());
        t.lastDial().up();

        t.lastDial().deliver(Peer.keepalive());

        Message.Notification n = notification(t.lastDial().last());
        assertThat(n.code() + "/" + n.subcode() + " " + ByteBufUtil.hexDump(n.data())).isEqualTo("5/1 04");
    }

    @Test
    void updateInOpenConfirm_fsmErrorUnexpectedInOpenConfirm() throws Exception {
        start(neighbor().build());
        t.lastDial().up();
        t.lastDial().deliver(Peer.open(65000, 3, PEER));

        t.lastDial().deliver(Peer.update(Update.builder().build()));

        isNotification(t.lastDial().last(), Bgp.FSM_ERROR, Bgp.UNEXPECTED_IN_OPEN_CONFIRM);
    }

    @Test
    void openInEstablished_fsmErrorUnexpectedInEstablished() throws Exception {
        BgpSpeaker s = established(neighbor().build());

        t.lastDial().deliver(Peer.open(65000, 3, PEER));

        isNotification(t.lastDial().last(), Bgp.FSM_ERROR, Bgp.UNEXPECTED_IN_ESTABLISHED);
        assertThat(state(s)).isEqualTo(SessionState.IDLE);
    }

    @Test
    void notificationFromPeer_idleAndReported() throws Exception {
        BgpSpeaker s = established(neighbor().build());
        ByteBuf n = Unpooled.buffer();
        io.lvs4j.bgp.internal.Encoder.writeNotification(n, 6, 2, new byte[] {5, 'm', 'a', 'i', 'n', 't'});

        t.lastDial().deliver(n);

        assertThat(state(s)).isEqualTo(SessionState.IDLE);
        assertThat(t.lastDial().closed).isTrue();
        BgpNotification got = s.sessions().get(0).lastNotificationReceived().get();
        assertThat(got.toString()).isEqualTo("6/2 Cease/Administrative Shutdown: \"maint\"");
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOf(BgpEvent.NotificationReceived.class));
        assertThat(transitions().get(transitions().size() - 1).reason())
                .isEqualTo(TransitionReason.NOTIFICATION_RECEIVED);
    }

    @Test
    void connectionClosedInEstablished_idleThenRestart() throws Exception {
        BgpSpeaker s = established(neighbor().build());

        t.lastDial().peerCloses();
        assertThat(state(s)).isEqualTo(SessionState.IDLE);
        assertThat(s.sessions().get(0).announced()).isEmpty();
        clock.advance(Duration.ofSeconds(1));

        assertThat(state(s)).isEqualTo(SessionState.CONNECT);
        assertThat(t.dials).hasSize(2);
    }

    @Test
    void connectionClosedInOpenSent_active() throws Exception {
        BgpSpeaker s = start(neighbor().build());
        t.lastDial().up();

        t.lastDial().peerCloses();

        assertThat(state(s)).isEqualTo(SessionState.ACTIVE);
        assertThat(path()).endsWith("OPEN_SENT>ACTIVE(TCP_CLOSED)");
    }

    @Test
    void malformedUpdate_sessionResetError_notificationAndIdle() throws Exception {
        BgpSpeaker s = established(neighbor().build());

        // withdrawn routes length overrunning the message: 3/1
        ByteBuf bad = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("ffffffffffffffffffffffffffffffff0017020010" + "0000"));
        t.lastDial().deliver(bad);

        isNotification(t.lastDial().last(), 3, 1);
        assertThat(state(s)).isEqualTo(SessionState.IDLE);
    }

    @Test
    void malformedHeader_connectionNotSynchronizedAndIdle() throws Exception {
        BgpSpeaker s = established(neighbor().build());
        ByteBuf bad = Peer.keepalive();
        bad.setByte(0, 0);

        t.lastDial().deliver(bad);

        isNotification(t.lastDial().last(), 1, 1);
        assertThat(state(s)).isEqualTo(SessionState.IDLE);
    }

    @Test
    void updateWithTreatAsWithdrawError_sessionStaysAndTheErrorIsReported() throws Exception {
        BgpSpeaker s = established(neighbor().build());
        // ORIGIN 7 with a route
        ByteBuf u = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("ffffffffffffffffffffffffffffffff" + "0037" + "02"
                + "0000" + "001b" + "40010107" + "40020602010000fde8" + "400304c0000201" + "c0080400000001"
                + "20cb007109"));

        t.lastDial().deliver(u);

        assertThat(state(s)).isEqualTo(SessionState.ESTABLISHED);
        assertThat(events).anySatisfy(e -> {
            assertThat(e).isInstanceOf(BgpEvent.UpdateErrorTolerated.class);
            assertThat(((BgpEvent.UpdateErrorTolerated) e).error().description())
                    .isEqualTo("UPDATE Message Error/Invalid ORIGIN Attribute");
        });
        assertThat(s.sessions().get(0).updatesReceived()).isEqualTo(1);
    }

    @Test
    void routesFromThePeer_acceptedAndIgnored() throws Exception {
        BgpSpeaker s = established(neighbor().build());
        t.lastDial().deliver(Peer.update(Update.builder().origin(0).asSequence(List.of(65000L))
                .nextHop((java.net.Inet4Address) ip(PEER)).nlri(IpPrefix.host(ip("203.0.113.5"))).build()));
        t.lastDial().deliver(Peer.update(Update.builder().build()));
        ByteBuf refresh = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("ffffffffffffffffffffffffffffffff001705"
                + "00010001"));
        t.lastDial().deliver(refresh);

        assertThat(state(s)).isEqualTo(SessionState.ESTABLISHED);
        assertThat(s.sessions().get(0).updatesReceived()).isEqualTo(2);
        assertThat(t.lastDial().sent(Message.Notification.class)).isEmpty();
    }

    // ---- stop -----------------------------------------------------------------------------------------

    @Test
    void close_established_ceaseAdministrativeShutdownAndTransportClosed() throws Exception {
        BgpSpeaker s = established(neighbor().build());

        s.close();

        Message.Notification n = notification(t.lastDial().last());
        assertThat(BgpNotification.of(n.code(), n.subcode(), n.data()).toString())
                .isEqualTo("6/2 Cease/Administrative Shutdown: \"lvs4j: shutdown\"");
        assertThat(t.lastDial().closed).isTrue();
        assertThat(t.closed).isTrue();
        assertThat(state(s)).isEqualTo(SessionState.IDLE);
        clock.advance(Duration.ofMinutes(5));
        assertThat(t.dials).hasSize(1);
    }

    @Test
    void close_whileDialling_dialAbandonedWithoutNotification() throws Exception {
        BgpSpeaker s = start(neighbor().build());

        s.close();

        assertThat(t.lastDial().closed).isTrue();
        assertThat(t.lastDial().sent).isEmpty();
        assertThat(path()).isEqualTo("IDLE>CONNECT(START) CONNECT>IDLE(STOP)");
    }

    // ---- the state table ---------------------------------------------------------------------------

    @Test
    void sessionState_legalTransitions_asRfc4271WithCollisionStepBack() {
        StringBuilder sb = new StringBuilder();
        for (SessionState from : SessionState.values()) {
            sb.append(from).append(':');
            for (SessionState to : SessionState.values()) {
                if (from.canTransitionTo(to)) {
                    sb.append(' ').append(to);
                }
            }
            sb.append('\n');
        }
        assertThat(sb.toString()).isEqualTo("IDLE: CONNECT ACTIVE\n"
                + "CONNECT: IDLE ACTIVE OPEN_SENT\n"
                + "ACTIVE: IDLE CONNECT OPEN_SENT\n"
                + "OPEN_SENT: IDLE ACTIVE OPEN_CONFIRM\n"
                + "OPEN_CONFIRM: IDLE OPEN_SENT ESTABLISHED\n"
                + "ESTABLISHED: IDLE\n");
    }
}
