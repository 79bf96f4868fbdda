package io.lvs4j.bgp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.AddressFamily;
import io.lvs4j.bgp.internal.Bgp;
import io.lvs4j.bgp.internal.Decoder;
import io.lvs4j.bgp.internal.IpPrefix;
import io.lvs4j.bgp.internal.Message;
import io.lvs4j.bgp.internal.Update;
import io.lvs4j.internal.Addresses;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * What goes out in UPDATEs: the routes announced and withdrawn, their path attributes (identical
 * for every speaker: ORIGIN IGP, AS_PATH of the local AS, the session's address as next hop), the
 * families, and the planned stop with GRACEFUL_SHUTDOWN.
 */
class RoutesTest extends SpeakerTestBase {
    static final InetAddress VIP = ip("198.51.100.10");
    static final InetAddress VIP6 = ip("2001:db8:100::10");

    List<Update> updates() {
        return t.lastDial().sent(Update.class);
    }

    Update lastUpdate() {
        List<Update> u = updates();
        return u.get(u.size() - 1);
    }

    @Test
    void announceBeforeStart_sentOnceEstablishedThenEndOfRib() throws Exception {
        BgpSpeaker s = BgpSpeaker.create(speakerBuilder(neighbor().build()), t, () -> 1.0);
        s.announce(VIP);
        clock.runDue();
        s.start();
        t.lastDial().up();
        t.lastDial().deliver(Peer.open(65000, 3, PEER));
        t.lastDial().deliver(Peer.keepalive());

        assertThat(updates()).hasSize(2);
        Update u = updates().get(0);
        assertThat(u.nlri()).containsExactly(IpPrefix.host(VIP));
        assertThat(u.origin()).isEqualTo(Bgp.ORIGIN_IGP);
        assertThat(u.asPath()).containsExactly(new Update.Segment(Bgp.AS_SEQUENCE, List.of(65001L)));
        assertThat(u.nextHop()).isEqualTo(ip("192.0.2.11")); // the session's local address
        assertThat(u.med()).isEqualTo(-1);
        assertThat(u.localPref()).isEqualTo(-1);
        assertThat(u.communities()).isNull();
        assertThat(updates().get(1).endOfRib()).isTrue();
        assertThat(s.sessions().get(0).announced()).containsExactly(VIP);
    }

    @Test
    void announceAndWithdrawWhileEstablished_oneUpdateEach() throws Exception {
        BgpSpeaker s = established(neighbor().build());

        assertThat(s.announce(VIP)).isTrue();
        assertThat(s.announce(VIP)).isFalse();
        clock.runDue();
        assertThat(lastUpdate().nlri()).containsExactly(IpPrefix.host(VIP));
        assertThat(s.withdraw(VIP)).isTrue();
        assertThat(s.withdraw(VIP)).isFalse();
        clock.runDue();

        assertThat(lastUpdate().withdrawn()).containsExactly(IpPrefix.host(VIP));
        assertThat(lastUpdate().nlri()).isEmpty();
        assertThat(updates()).hasSize(3); // End-of-RIB, announcement, withdrawal
        assertThat(s.sessions().get(0).announced()).isEmpty();
        assertThat(s.sessions().get(0).updatesSent()).isEqualTo(3);
        assertThat(events).filteredOn(e -> e instanceof BgpEvent.RoutesAdvertised).hasSize(2);
    }

    @Test
    void eventsOfAnAnnouncement_routesAdvertisedWithTheAddresses() throws Exception {
        BgpSpeaker s = established(neighbor().build());
        events.clear();

        s.announce(VIP);

        clock.runDue();

        assertThat(events).singleElement().isEqualTo(new BgpEvent.RoutesAdvertised(ip(PEER), clock.nanos(),
                List.of(VIP), List.of(), false));
    }

    @Test
    void ipv6OverIpv4Session_withoutIpv6NextHop_notSent() throws Exception {
        BgpSpeaker s = established(neighbor().build());

        s.announce(VIP6);

        clock.runDue();

        assertThat(updates()).hasSize(1); // End-of-RIB only
        assertThat(s.sessions().get(0).families()).containsExactly(AddressFamily.INET);
        assertThat(s.sessions().get(0).announced()).isEmpty();
    }

    @Test
    void ipv6OverIpv4Session_withIpv6NextHop_mpReachAndEndOfRibForBoth() throws Exception {
        BgpSpeaker s = established(neighbor().ipv6NextHop("2001:db8::11").build());
        int before = updates().size();

        s.announce(VIP6);

        clock.runDue();

        assertThat(before).isEqualTo(2); // End-of-RIB for IPv4 and IPv6
        assertThat(updates().get(1).mpUnreach().family()).isEqualTo(Message.Family.IPV6_UNICAST);
        Update u = lastUpdate();
        assertThat(u.mpReach().family()).isEqualTo(Message.Family.IPV6_UNICAST);
        assertThat(u.mpReach().nextHops()).containsExactly(ip("2001:db8::11"));
        assertThat(u.mpReach().nlri()).containsExactly(IpPrefix.host(VIP6));
        assertThat(u.nextHop()).isNull();
        s.withdraw(VIP6);
        clock.runDue();
        assertThat(lastUpdate().mpUnreach().withdrawn()).containsExactly(IpPrefix.host(VIP6));
        assertThat(s.sessions().get(0).families()).containsExactly(AddressFamily.INET, AddressFamily.INET6);
    }

    @Test
    void ipv6Session_localAddressIsTheNextHop() throws Exception {
        BgpNeighbor n = BgpNeighbor.builder("2001:db8::1").remoteAs(65000).localAddress("2001:db8::11").build();
        BgpSpeaker s = start(n);
        t.lastDial().up();
        t.lastDial().deliver(Peer.open(65000, 3, PEER));
        t.lastDial().deliver(Peer.keepalive());

        s.announce(VIP6);

        clock.runDue();
        s.announce(VIP);
        clock.runDue();

        assertThat(lastUpdate().mpReach().nextHops()).containsExactly(ip("2001:db8::11"));
        assertThat(s.sessions().get(0).families()).containsExactly(AddressFamily.INET6);
    }

    @Test
    void peerWithoutIpv6Capability_ipv6NotSent() throws Exception {
        BgpSpeaker s = start(neighbor().ipv6NextHop("2001:db8::11").build());
        t.lastDial().up();
        t.lastDial().deliver(Peer.open(65000, 3, PEER, List.of(Message.Family.IPV4_UNICAST)));
        t.lastDial().deliver(Peer.keepalive());

        s.announce(VIP6);

        clock.runDue();
        s.announce(VIP);
        clock.runDue();

        assertThat(lastUpdate().nlri()).containsExactly(IpPrefix.host(VIP));
        assertThat(updates()).noneMatch(u -> u.mpReach() != null);
    }

    @Test
    void fourOctetLocalAsToATwoOctetPeer_asTransAndAs4Path() throws Exception {
        BgpSpeaker s = start(speakerBuilder(neighbor().build()).localAs(4_200_000_001L));
        t.lastDial().up();
        t.lastDial().deliver(Peer.oldOpen(65000, 3, PEER));
        t.lastDial().deliver(Peer.keepalive());

        s.announce(VIP);

        clock.runDue();

        assertThat(s.sessions().get(0).fourOctetAs()).isFalse();
        byte[] raw = t.lastDial().sent.get(t.lastDial().sent.size() - 1).bytes();
        Update u = (Update) Decoder.decode(Unpooled.wrappedBuffer(raw), Decoder.Options.INITIAL);
        assertThat(u.asPath()).containsExactly(new Update.Segment(Bgp.AS_SEQUENCE, List.of((long) Bgp.AS_TRANS)));
        assertThat(u.as4Path()).containsExactly(new Update.Segment(Bgp.AS_SEQUENCE, List.of(4_200_000_001L)));
        assertThat(u.reconstructedAsPath()).containsExactly(new Update.Segment(Bgp.AS_SEQUENCE,
                List.of(4_200_000_001L)));
        Message.Open ours = (Message.Open) t.lastDial().sent.get(0).message();
        assertThat(ours.myAs()).isEqualTo(Bgp.AS_TRANS);
    }

    @Test
    void internalNeighbor_emptyAsPathAndLocalPref() throws Exception {
        BgpSpeaker s = start(speakerBuilder(BgpNeighbor.builder(PEER).remoteAs(65001).localPreference(200).build()));
        t.lastDial().up();
        t.lastDial().deliver(Peer.open(65001, 3, PEER));
        t.lastDial().deliver(Peer.keepalive());

        s.announce(VIP);

        clock.runDue();

        byte[] raw = t.lastDial().sent.get(t.lastDial().sent.size() - 1).bytes();
        Update u = (Update) Decoder.decode(Unpooled.wrappedBuffer(raw), new Decoder.Options(true, true));
        assertThat(u.asPath()).isEmpty();
        assertThat(u.localPref()).isEqualTo(200);
        assertThat(u.errors()).isEmpty();
    }

    @Test
    void communitiesAndMed_sentWithEveryRoute() throws Exception {
        BgpSpeaker s = established(neighbor().community("65001:100").community(Community.NO_EXPORT).med(10).build());

        s.announce(VIP);

        clock.runDue();

        assertThat(lastUpdate().communities()).containsExactly(65001 << 16 | 100, Community.NO_EXPORT.bits());
        assertThat(lastUpdate().med()).isEqualTo(10);
    }

    @Test
    void manyRoutes_splitIntoUpdatesOfAtMost4096Bytes() throws Exception {
        BgpSpeaker s = established(neighbor().community("65001:100").build());
        List<InetAddress> vips = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            vips.add(Addresses.ofInt(0xc6330000 + i)); // 198.51.0.0 + i
        }
        for (int i = 0; i < 300; i++) {
            vips.add(Addresses.of(ByteBufUtil.decodeHexDump(String.format("20010db8010000000000000000%06x", i))));
        }
        for (InetAddress a : vips) {
            s.announce(a);
            if (vips.indexOf(a) % 7 == 0) {
                clock.runDue();
            }
        }
        clock.runDue();
        List<IpPrefix> seen = new ArrayList<>();
        for (FakeTransport.Sent sent : t.lastDial().sent) {
            assertThat(sent.bytes().length).isLessThanOrEqualTo(4096);
            if (sent.message() instanceof Update u) {
                seen.addAll(u.nlri());
            }
        }
        assertThat(seen).hasSize(2000);
    }

    @Test
    void manyRoutesAnnouncedAtOnceFromAnotherThread_packedIntoFewUpdates() throws Exception {
        BgpSpeaker s = established(neighbor().ipv6NextHop("2001:db8::11").build());
        int before = updates().size();
        Thread other = new Thread(() -> {
            for (int i = 0; i < 1000; i++) {
                s.announce(Addresses.ofInt(0xc6330000 + i));
            }
            for (int i = 0; i < 300; i++) {
                s.announce(Addresses.of(ByteBufUtil.decodeHexDump(String.format("20010db8010000000000000000%06x", i))));
            }
        });
        other.start();
        other.join();
        clock.runDue();

        List<Update> sent = updates().subList(before, updates().size());
        int v4 = 0;
        int v6 = 0;
        for (Update u : sent) {
            v4 += u.nlri().size();
            v6 += u.mpReach() == null ? 0 : u.mpReach().nlri().size();
        }
        assertThat(v4).isEqualTo(1000);
        assertThat(v6).isEqualTo(300);
        assertThat(sent).hasSizeLessThanOrEqualTo(4); // 1000 x 5 bytes and 300 x 17 bytes: two messages each
        for (FakeTransport.Sent m : t.lastDial().sent) {
            assertThat(m.bytes().length).isLessThanOrEqualTo(4096);
        }
    }

    @Test
    void sessionDown_adjRibOutForgottenAndEverythingSentAgainOnTheNextSession() throws Exception {
        BgpSpeaker s = established(neighbor().build());
        s.announce(VIP);
        clock.runDue();
        t.lastDial().peerCloses();
        clock.advance(Duration.ofSeconds(1));

        t.lastDial().up();
        t.lastDial().deliver(Peer.open(65000, 3, PEER));
        t.lastDial().deliver(Peer.keepalive());

        assertThat(updates().get(0).nlri()).containsExactly(IpPrefix.host(VIP));
        assertThat(s.sessions().get(0).establishedTransitions()).isEqualTo(2);
    }

    @Test
    void shutdown_gracefulShutdownCommunityThenAfterTheDrainWithdrawalAndCease() throws Exception {
        BgpSpeaker s = established(neighbor().community("65001:7").build());
        s.announce(VIP);
        clock.runDue();
        FakeTransport.Conn c = t.lastDial();
        int before = c.sent.size();

        CompletableFuture<Void> done = s.shutdown(Duration.ofSeconds(10));

        Update gshut = lastUpdate();
        assertThat(gshut.nlri()).containsExactly(IpPrefix.host(VIP));
        assertThat(gshut.communities()).containsExactly(65001 << 16 | 7, 0xFFFF0000);
        assertThat(s.sessions().get(0).gracefulShutdown()).isTrue();
        assertThat(done).isNotDone();
        for (int i = 0; i < 9; i++) {
            clock.advance(Duration.ofSeconds(1));
            c.deliver(Peer.keepalive());
        }
        assertThat(c.sent.subList(before, c.sent.size())).filteredOn(m -> m.message() instanceof Update).hasSize(1);
        clock.advance(Duration.ofSeconds(1));

        Message withdraw = c.sent.get(c.sent.size() - 2).message();
        assertThat(((Update) withdraw).withdrawn()).containsExactly(IpPrefix.host(VIP));
        Message.Notification cease = (Message.Notification) c.last();
        assertThat(BgpNotification.of(cease.code(), cease.subcode(), cease.data()).toString())
                .isEqualTo("6/2 Cease/Administrative Shutdown: \"lvs4j: shutdown\"");
        assertThat(c.closed).isTrue();
        assertThat(t.closed).isTrue();
        assertThat(done).isDone();
        assertThat(s.shutdown(Duration.ZERO)).isSameAs(done);
    }

    @Test
    void shutdownToAnInternalNeighbor_localPrefZeroWithTheCommunity() throws Exception {
        BgpSpeaker s = start(speakerBuilder(BgpNeighbor.builder(PEER).remoteAs(65001).build()));
        t.lastDial().up();
        t.lastDial().deliver(Peer.open(65001, 3, PEER));
        t.lastDial().deliver(Peer.keepalive());
        s.announce(VIP);
        clock.runDue();

        s.shutdown(Duration.ofSeconds(5));

        byte[] raw = t.lastDial().sent.get(t.lastDial().sent.size() - 1).bytes();
        Update u = (Update) Decoder.decode(Unpooled.wrappedBuffer(raw), new Decoder.Options(true, true));
        assertThat(u.localPref()).isZero();
        assertThat(u.communities()).containsExactly(0xFFFF0000);
    }

    @Test
    void shutdown_sessionComingUpDuringTheDrain_announcesWithTheCommunity() throws Exception {
        BgpSpeaker s = start(neighbor().build());
        s.announce(VIP);
        clock.runDue();
        s.shutdown(Duration.ofSeconds(10));

        t.lastDial().up();
        t.lastDial().deliver(Peer.open(65000, 3, PEER));
        t.lastDial().deliver(Peer.keepalive());

        assertThat(updates().get(0).communities()).containsExactly(0xFFFF0000);
    }

    @Test
    void afterShutdownOrClose_announceRefused() throws Exception {
        BgpSpeaker s = established(neighbor().build());
        s.shutdown(Duration.ofSeconds(1));

        assertThatThrownBy(() -> s.announce(VIP)).isInstanceOf(IllegalStateException.class)
                .hasMessage("speaker: \"shutting down\" (expected: new or running)");
        clock.advance(Duration.ofSeconds(1));
        assertThatThrownBy(() -> s.withdraw(VIP)).isInstanceOf(IllegalStateException.class)
                .hasMessage("speaker: \"closed\" (expected: new or running)");
        s.close(); // idempotent
    }

    @Test
    void announce_loopbackMulticastOrWildcard_refused() {
        BgpSpeaker s = BgpSpeaker.create(speakerBuilder(neighbor().build()), t, () -> 1.0);

        assertThatThrownBy(() -> s.announce(ip("127.0.0.1"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("address: \"127.0.0.1\" (expected: a unicast address, not loopback)");
        assertThatThrownBy(() -> s.announce(ip("ff02::1"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.announce(ip("0.0.0.0"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.announce(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("address: null (expected: non-null)");
    }

    @Test
    void twoNeighbors_sameRoutesToEachWithItsOwnNextHop() throws Exception {
        BgpSpeaker s = start(speakerBuilder(neighbor().localAddress("192.0.2.11").build())
                .neighbor(BgpNeighbor.builder("198.51.100.1").remoteAs(65000).localAddress("198.51.100.11").build()));
        s.announce(VIP);
        clock.runDue();
        for (FakeTransport.Conn c : List.copyOf(t.dials)) {
            c.up();
            c.deliver(Peer.open(65000, 3, Addresses.format(c.remote.getAddress())));
            c.deliver(Peer.keepalive());
        }

        assertThat(s.sessions()).extracting(BgpSession::state).containsOnly(SessionState.ESTABLISHED);
        Update a = t.dials.get(0).sent(Update.class).get(0);
        Update b = t.dials.get(1).sent(Update.class).get(0);
        assertThat(a.nextHop()).isEqualTo(ip("192.0.2.11"));
        assertThat(b.nextHop()).isEqualTo(ip("198.51.100.11"));
        assertThat(a.asPath()).isEqualTo(b.asPath());
        assertThat(a.nlri()).isEqualTo(b.nlri());
    }

    @Test
    void sessionsSnapshot_uptimeCountersAndEndpoints() throws Exception {
        BgpSpeaker s = established(neighbor().build());
        s.announce(VIP);
        clock.runDue();
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(1));
            t.lastDial().deliver(Peer.keepalive());
        }

        BgpSession session = s.sessions().get(0);

        assertThat(session.uptime()).isEqualTo(Duration.ofSeconds(5));
        assertThat(session.messagesReceived()).isEqualTo(7); // OPEN, 6 KEEPALIVEs
        assertThat(session.messagesSent()).isEqualTo(t.lastDial().sent.size());
        assertThat(session.localEndpoint().get().getAddress()).isEqualTo(ip("192.0.2.11"));
        assertThat(session.remoteEndpoint().get().getPort()).isEqualTo(179);
        assertThat(session.announced()).containsExactly(VIP);
        assertThat(session.toString()).startsWith("BgpSession[192.0.2.1 AS65000 ESTABLISHED up 5000 ms announced=1");
        assertThat(s.announced()).containsExactly(VIP);
    }

    @Test
    void sessionsBeforeStart_idle() {
        BgpSpeaker s = BgpSpeaker.create(speakerBuilder(neighbor().build()), t, () -> 1.0);

        assertThat(s.sessions()).singleElement().satisfies(x -> {
            assertThat(x.state()).isEqualTo(SessionState.IDLE);
            assertThat(x.uptime()).isZero();
        });
    }

    @Test
    void md5Keys_givenToTheListenerAndTheDial() throws Exception {
        start(neighbor().password("s3cret").build());

        assertThat(t.keys).containsOnlyKeys(ip(PEER));
        assertThat(new String(t.keys.get(ip(PEER)), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("s3cret");
        assertThat(new String(t.lastDial().md5Key, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("s3cret");
    }
}
