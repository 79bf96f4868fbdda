package io.lvs4j.bgp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.bgp.internal.Captures.Captured;
import io.lvs4j.internal.Addresses;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Messages BIRD 2.0.12 and FRR 8.4.4 sent each other ({@code captures/}), decoded. The expected
 * values are what tcpdump 4.99 printed for the same packets.
 */
class CaptureDecodeTest {
    private static final Decoder.Options EBGP4 = new Decoder.Options(true, false);

    private static InetAddress ip(String s) {
        return Addresses.parse(s, "test");
    }

    private static IpPrefix prefix(String s) {
        int slash = s.indexOf('/');
        return new IpPrefix(ip(s.substring(0, slash)), Integer.parseInt(s.substring(slash + 1)));
    }

    private static Message decode(Captured c, Decoder.Options o) {
        return Decoder.decode(c.buf(), o);
    }

    private static int community(int asn, int value) {
        return asn << 16 | value;
    }

    @Test
    void decode_birdOpen_capabilitiesAsTcpdumpShowed() {
        Message m = decode(Captures.from("bird-frr-ebgp.txt", "192.0.2.1", "OPEN").get(0), Decoder.Options.INITIAL);

        assertThat(m).isInstanceOf(Message.Open.class);
        Message.Open o = (Message.Open) m;
        assertThat(o.myAs()).isEqualTo(65000);
        assertThat(o.holdTime()).isEqualTo(9);
        assertThat(Addresses.ofInt(o.bgpId())).isEqualTo(ip("192.0.2.1"));
        assertThat(o.multiprotocol()).containsExactly(Message.Family.IPV4_UNICAST, Message.Family.IPV6_UNICAST);
        assertThat(o.fourOctetAs()).isEqualTo(65000);
        assertThat(o.routeRefresh()).isTrue();
        assertThat(o.gracefulRestart()).isTrue();
        assertThat(o.capabilityCodes()).containsExactly(1, 1, 2, 64, 65, 70, 71);
    }

    @Test
    void decode_frrOpen_oneCapabilityPerParameter() {
        Message.Open o = (Message.Open) decode(Captures.from("bird-frr-ebgp.txt", "192.0.2.2", "OPEN").get(0),
                Decoder.Options.INITIAL);

        assertThat(o.myAs()).isEqualTo(65001);
        assertThat(o.peerAs()).isEqualTo(65001);
        assertThat(o.holdTime()).isEqualTo(9);
        assertThat(Addresses.ofInt(o.bgpId())).isEqualTo(ip("192.0.2.2"));
        assertThat(o.families()).containsExactly(Message.Family.IPV4_UNICAST, Message.Family.IPV6_UNICAST);
        assertThat(o.capabilityCodes()).containsExactly(1, 1, 128, 2, 70, 65, 6, 69, 73, 64, 71);
        assertThat(o.gracefulRestart()).isTrue();
    }

    @Test
    void decode_keepalives_keepalive() {
        for (Captured c : Captures.from("bird-frr-ebgp.txt", "192.0.2.2", "KEEPALIVE")) {
            assertThat(decode(c, EBGP4)).isEqualTo(Message.Keepalive.INSTANCE);
        }
    }

    @Test
    void decode_frrIpv4Update_extendedLengthAsPathAndMed() {
        Update u = (Update) decode(Captures.from("bird-frr-ebgp.txt", "192.0.2.2", "UPDATE").get(0), EBGP4);

        assertThat(u.origin()).isEqualTo(Bgp.ORIGIN_IGP);
        assertThat(u.asPath()).containsExactly(new Update.Segment(Bgp.AS_SEQUENCE, List.of(65001L)));
        assertThat(u.nextHop()).isEqualTo(ip("192.0.2.2"));
        assertThat(u.med()).isZero();
        assertThat(u.nlri()).containsExactly(prefix("203.0.113.9/32"));
        assertThat(u.errors()).isEmpty();
        assertThat(u.endOfRib()).isFalse();
    }

    @Test
    void decode_frrIpv6Update_mpReachWithLinkLocalNextHopFirst() {
        Update u = (Update) decode(Captures.from("bird-frr-ebgp.txt", "192.0.2.2", "UPDATE").get(1), EBGP4);

        assertThat(u.mpReach().family()).isEqualTo(Message.Family.IPV6_UNICAST);
        assertThat(u.mpReach().nextHops()).containsExactly(ip("2001:db8::2"), ip("fe80::286f:3eff:fe71:cb2b"));
        assertThat(u.mpReach().nlri()).containsExactly(prefix("2001:db8:9::9/128"));
        assertThat(u.asPath()).containsExactly(new Update.Segment(Bgp.AS_SEQUENCE, List.of(65001L)));
        assertThat(u.nextHop()).isNull();
        assertThat(u.nlri()).isEmpty();
        assertThat(u.errors()).isEmpty();
    }

    @Test
    void decode_endOfRibMarkers_recognised() {
        List<Captured> updates = Captures.from("bird-frr-ebgp.txt", "192.0.2.2", "UPDATE");
        Update v4 = (Update) decode(updates.get(2), EBGP4);
        Update v6 = (Update) decode(updates.get(3), EBGP4);

        assertThat(v4.endOfRib()).isTrue();
        assertThat(v6.endOfRib()).isTrue();
        assertThat(v6.mpUnreach().family()).isEqualTo(Message.Family.IPV6_UNICAST);
    }

    @Test
    void decode_birdUpdates_communitiesIncludingGracefulShutdownAndMed() {
        List<Captured> updates = Captures.from("bird-frr-ebgp.txt", "192.0.2.1", "UPDATE");
        Update v4 = (Update) decode(updates.get(0), EBGP4);
        Update v6 = (Update) decode(updates.get(2), EBGP4);

        assertThat(v4.nlri()).containsExactly(prefix("198.51.100.7/32"));
        assertThat(v4.nextHop()).isEqualTo(ip("192.0.2.1"));
        assertThat(v4.med()).isEqualTo(50);
        assertThat(v4.communities()).containsExactly(community(65000, 100), community(65535, 0));
        assertThat(v6.mpReach().nextHops()).containsExactly(ip("2001:db8::1"), ip("fe80::cca5:22ff:fee3:38c2"));
        assertThat(v6.mpReach().nlri()).containsExactly(prefix("2001:db8:7::7/128"));
        assertThat(v6.communities()).containsExactly(community(65000, 100), community(65535, 0));
    }

    @Test
    void decode_withdrawals_ipv4FieldAndMpUnreach() {
        List<Captured> updates = Captures.from("bird-frr-ebgp.txt", "192.0.2.2", "UPDATE");
        Update v4 = (Update) decode(updates.get(6), EBGP4);
        Update v6 = (Update) decode(updates.get(7), EBGP4);

        assertThat(v4.withdrawn()).containsExactly(prefix("203.0.113.9/32"));
        assertThat(v4.nlri()).isEmpty();
        assertThat(v4.origin()).isEqualTo(-1);
        assertThat(v6.mpUnreach().withdrawn()).containsExactly(prefix("2001:db8:9::9/128"));
        assertThat(v6.endOfRib()).isFalse();
    }

    @Test
    void decode_birdShutdownNotification_ceaseWithShutdownCommunication() {
        Message m = decode(Captures.from("bird-frr-ebgp.txt", "192.0.2.1", "NOTIFICATION").get(0), EBGP4);

        Message.Notification n = (Message.Notification) m;
        assertThat(n.code()).isEqualTo(Bgp.CEASE);
        assertThat(n.subcode()).isEqualTo(Bgp.ADMINISTRATIVE_SHUTDOWN);
        assertThat(n.data()[0]).isEqualTo((byte) 18);
        assertThat(new String(n.data(), 1, 18, StandardCharsets.UTF_8)).isEqualTo("maintenance window");
    }

    @Test
    void decode_ibgpUpdate_localPrefAndEmptyAsPath() {
        Captured c = Captures.from("bird-frr-ibgp.txt", "192.0.2.2", "UPDATE").get(0);

        Update internal = (Update) decode(c, new Decoder.Options(true, true));
        Update external = (Update) decode(c, EBGP4);

        assertThat(internal.localPref()).isEqualTo(100);
        assertThat(internal.asPath()).isEmpty();
        assertThat(internal.med()).isZero();
        assertThat(internal.nlri()).containsExactly(prefix("203.0.113.9/32"));
        assertThat(internal.errors()).isEmpty();
        // RFC 7606 7.5: LOCAL_PREF from an external peer is discarded
        assertThat(external.localPref()).isEqualTo(-1);
        assertThat(external.errors()).isEmpty();
    }

    @Test
    void decode_as4Capture_asTransInOpenAndAs4PathReconstructed() {
        Message.Open bird = (Message.Open) decode(Captures.from("bird-frr-as4.txt", "192.0.2.1", "OPEN").get(0),
                Decoder.Options.INITIAL);
        Message.Open frr = (Message.Open) decode(Captures.from("bird-frr-as4.txt", "192.0.2.2", "OPEN").get(0),
                Decoder.Options.INITIAL);
        Update fromBird = (Update) decode(Captures.from("bird-frr-as4.txt", "192.0.2.1", "UPDATE").get(0),
                Decoder.Options.INITIAL);
        Update fromFrr = (Update) decode(Captures.from("bird-frr-as4.txt", "192.0.2.2", "UPDATE").get(2),
                Decoder.Options.INITIAL);

        assertThat(bird.myAs()).isEqualTo(Bgp.AS_TRANS);
        assertThat(bird.fourOctetAs()).isEqualTo(4_200_000_000L);
        assertThat(bird.peerAs()).isEqualTo(4_200_000_000L);
        assertThat(frr.capabilityCodes()).isEmpty();
        assertThat(frr.fourOctetAs()).isEqualTo(-1);
        assertThat(frr.peerAs()).isEqualTo(65001);
        assertThat(frr.families()).containsExactly(Message.Family.IPV4_UNICAST);
        assertThat(fromBird.asPath()).containsExactly(new Update.Segment(Bgp.AS_SEQUENCE, List.of(23456L)));
        assertThat(fromBird.as4Path()).containsExactly(new Update.Segment(Bgp.AS_SEQUENCE, List.of(4_200_000_000L)));
        assertThat(fromBird.reconstructedAsPath())
                .containsExactly(new Update.Segment(Bgp.AS_SEQUENCE, List.of(4_200_000_000L)));
        assertThat(fromFrr.asPath()).containsExactly(new Update.Segment(Bgp.AS_SEQUENCE, List.of(65001L, 23456L)));
        assertThat(fromFrr.reconstructedAsPath()).isEqualTo(fromFrr.asPath());
    }

    @Test
    void decode_as4PathFromFourOctetSession_ignored() {
        // RFC 6793: a 4-octet speaker receiving AS4_PATH from a 4-octet peer discards it
        Update u = (Update) decode(Captures.from("bird-frr-as4.txt", "192.0.2.1", "UPDATE").get(0), EBGP4);

        assertThat(u.as4Path()).isNull();
    }

    @Test
    void decode_everyCapturedMessage_noMalformed() {
        for (String file : List.of("bird-frr-ebgp.txt", "bird-frr-ibgp.txt", "bird-frr-as4.txt")) {
            for (Captured c : Captures.load(file)) {
                Decoder.Options o = file.contains("as4") ? Decoder.Options.INITIAL
                        : new Decoder.Options(true, file.contains("ibgp"));
                Message m = decode(c, o);
                assertThat(m).as("%s %s %s", file, c.type(), c.hex()).isNotInstanceOf(Message.Malformed.class);
                if (m instanceof Update u) {
                    assertThat(u.errors()).as("%s %s", file, c.hex()).isEmpty();
                }
            }
        }
    }

    @Test
    void frameLength_capturedStreamConcatenated_splitsIntoTheMessages() {
        List<Captured> all = Captures.load("bird-frr-ebgp.txt");
        ByteBuf stream = Unpooled.buffer();
        for (Captured c : all) {
            stream.writeBytes(c.bytes());
        }
        int i = 0;
        int n;
        while ((n = Decoder.frameLength(stream)) > 0) {
            assertThat(ByteBufUtil.hexDump(stream.readSlice(n))).isEqualTo(all.get(i++).hex());
        }
        assertThat(i).isEqualTo(all.size());
        assertThat(stream.readableBytes()).isZero();
    }
}
