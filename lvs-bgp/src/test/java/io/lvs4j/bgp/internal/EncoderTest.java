package io.lvs4j.bgp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.internal.Addresses;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the speaker writes: OPEN, KEEPALIVE and NOTIFICATION against bytes worked out by hand from
 * RFC 4271/5492/6793, and UPDATEs against the bytes BIRD 2 sent for the same routes
 * ({@code captures/}).
 */
class EncoderTest {
    private static final String MARKER = "ffffffffffffffffffffffffffffffff";
    private static final List<Message.Family> BOTH = List.of(Message.Family.IPV4_UNICAST, Message.Family.IPV6_UNICAST);

    private static InetAddress ip(String s) {
        return Addresses.parse(s, "test");
    }

    private static String hex(java.util.function.Consumer<ByteBuf> write) {
        ByteBuf b = Unpooled.buffer();
        write.accept(b);
        return ByteBufUtil.hexDump(b);
    }

    private static String update(Update u, boolean fourOctet) {
        return hex(b -> Encoder.writeUpdate(b, u, fourOctet));
    }

    @Test
    void writeOpen_twoOctetAs_versionAsHoldIdAndThreeCapabilities() {
        String open = hex(b -> Encoder.writeOpen(b, 65001, 3, Addresses.toInt(Addresses.parse4("192.0.2.11", "id")),
                BOTH));

        assertThat(open).isEqualTo(MARKER + "0031" + "01" + "04" + "fde9" + "0003" + "c000020b" + "14" + "0212"
                + "010400010001" + "010400020001" + "41040000fde9");
    }

    @Test
    void writeOpen_fourOctetAs_asTransInMyAsAndTheRealOneInTheCapability() {
        String open = hex(b -> Encoder.writeOpen(b, 4_200_000_001L, 90, Addresses.toInt(Addresses.parse4("192.0.2.11",
                "id")), BOTH));

        assertThat(open).isEqualTo(MARKER + "0031" + "01" + "04" + "5ba0" + "005a" + "c000020b" + "14" + "0212"
                + "010400010001" + "010400020001" + "4104fa56ea01");
    }

    @Test
    void writeOpen_decodedBack_sameSettingsAndNoGracefulRestart() {
        ByteBuf b = Unpooled.buffer();
        Encoder.writeOpen(b, 4_200_000_001L, 3, 0x0a000001, BOTH);

        Message.Open o = (Message.Open) Decoder.decode(b, Decoder.Options.INITIAL);

        assertThat(o.peerAs()).isEqualTo(4_200_000_001L);
        assertThat(o.holdTime()).isEqualTo(3);
        assertThat(o.bgpId()).isEqualTo(0x0a000001);
        assertThat(o.families()).containsExactlyElementsOf(BOTH);
        assertThat(o.gracefulRestart()).isFalse();
        assertThat(o.capabilityCodes()).containsExactly(1, 1, 65);
    }

    @Test
    void writeKeepalive_headerOnly() {
        assertThat(hex(Encoder::writeKeepalive)).isEqualTo(MARKER + "0013" + "04");
    }

    @Test
    void writeNotification_ceaseWithShutdownCommunication() {
        assertThat(hex(b -> Encoder.writeNotification(b, 6, 2, new byte[] {2, 'h', 'i'})))
                .isEqualTo(MARKER + "0018" + "03" + "0602" + "026869");
    }

    @Test
    void writeNotification_dataBeyond4096_cut() {
        ByteBuf b = Unpooled.buffer();
        Encoder.writeNotification(b, 3, 1, new byte[5000]);

        assertThat(b.readableBytes()).isEqualTo(4096);
        assertThat(b.getUnsignedShort(16)).isEqualTo(4096);
    }

    @Test
    void writeUpdate_birdsIpv4Announcement_sameBytesAsBird() {
        Update u = Update.builder().origin(Bgp.ORIGIN_IGP).asSequence(List.of(65000L))
                .nextHop((Inet4Address) ip("192.0.2.1")).med(50)
                .communities(List.of(65000 << 16 | 100, 0xFFFF0000)).nlri(IpPrefix.host(ip("198.51.100.7"))).build();

        assertThat(update(u, true)).isEqualTo(Captures.from("bird-frr-ebgp.txt", "192.0.2.1", "UPDATE").get(0).hex());
    }

    @Test
    void writeUpdate_birdsIbgpAnnouncement_emptyAsPathAndLocalPref() {
        Update u = Update.builder().origin(Bgp.ORIGIN_IGP).asSequence(List.of())
                .nextHop((Inet4Address) ip("192.0.2.1")).localPref(100).nlri(IpPrefix.host(ip("198.51.100.7"))).build();

        assertThat(update(u, true)).isEqualTo(Captures.from("bird-frr-ibgp.txt", "192.0.2.1", "UPDATE").get(0).hex());
    }

    @Test
    void writeUpdate_fourOctetAsToTwoOctetPeer_asTransAndAs4PathAsBirdSent() {
        Update u = Update.builder().origin(Bgp.ORIGIN_IGP).asSequence(List.of(4_200_000_000L))
                .nextHop((Inet4Address) ip("192.0.2.1")).nlri(IpPrefix.host(ip("198.51.100.7"))).build();

        assertThat(update(u, false)).isEqualTo(Captures.from("bird-frr-as4.txt", "192.0.2.1", "UPDATE").get(0).hex());
    }

    @Test
    void writeUpdate_twoOctetAsToTwoOctetPeer_noAs4Path() {
        Update u = Update.builder().origin(Bgp.ORIGIN_IGP).asSequence(List.of(65001L))
                .nextHop((Inet4Address) ip("192.0.2.2")).nlri(IpPrefix.host(ip("203.0.113.9"))).build();

        assertThat(update(u, false)).isEqualTo(MARKER + "002e" + "02" + "0000" + "0012" + "40010100"
                + "40020402" + "01fde9" + "400304c0000202" + "20cb007109");
    }

    @Test
    void writeUpdate_withdrawalsAndEndOfRib_sameBytesAsBird() {
        List<Captures.Captured> bird = Captures.from("bird-frr-ebgp.txt", "192.0.2.1", "UPDATE");

        assertThat(update(Update.builder().withdrawn(IpPrefix.host(ip("198.51.100.7"))).build(), true))
                .isEqualTo(bird.get(4).hex());
        assertThat(update(Update.builder().build(), true)).isEqualTo(bird.get(1).hex());
        assertThat(update(Update.builder().mpUnreach(new Update.MpUnreach(Message.Family.IPV6_UNICAST, List.of()))
                .build(), true)).isEqualTo(bird.get(3).hex());
    }

    @Test
    void writeUpdate_ipv6Announcement_mpReachWithOneNextHop() {
        Update u = Update.builder().origin(Bgp.ORIGIN_IGP).asSequence(List.of(65001L))
                .mpReach(new Update.MpReach(Message.Family.IPV6_UNICAST, List.of(ip("2001:db8::11")),
                        List.of(IpPrefix.host(ip("2001:db8::10"))))).build();

        assertThat(update(u, true)).isEqualTo(MARKER + "004d" + "02" + "0000" + "0036" + "40010100"
                + "40020602010000fde9" + "800e26" + "000201" + "10" + "20010db8000000000000000000000011" + "00"
                + "80" + "20010db8000000000000000000000010");
    }

    @Test
    void writeUpdate_decodedBack_sameContent() {
        Update u = Update.builder().origin(Bgp.ORIGIN_IGP).asSequence(List.of(4_200_000_000L))
                .nextHop((Inet4Address) ip("192.0.2.11")).med(7).communities(List.of(0xFFFF0000))
                .nlri(IpPrefix.host(ip("198.51.100.1"))).nlri(IpPrefix.host(ip("198.51.100.2")))
                .withdrawn(IpPrefix.host(ip("198.51.100.3")))
                .mpReach(new Update.MpReach(Message.Family.IPV6_UNICAST, List.of(ip("2001:db8::11")),
                        List.of(IpPrefix.host(ip("2001:db8::10"))))).build();
        ByteBuf b = Unpooled.buffer();
        Encoder.writeUpdate(b, u, true);

        Update d = (Update) Decoder.decode(b, new Decoder.Options(true, false));

        assertThat(d.toString()).isEqualTo(u.toString());
        assertThat(d.errors()).isEmpty();
    }

    @Test
    void writeUpdate_longCommunityList_extendedLengthFlag() {
        List<Integer> many = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            many.add(65000 << 16 | i);
        }
        ByteBuf b = Unpooled.buffer();
        Encoder.writeUpdate(b, Update.builder().communities(many).build(), true);

        assertThat((int) b.getUnsignedByte(23)).isEqualTo(0xd0); // optional, transitive, extended length
        assertThat(b.getUnsignedShort(25)).isEqualTo(400);
        assertThat(((Update) Decoder.decode(b, new Decoder.Options(true, false))).communities()).isEqualTo(many);
    }

    @Test
    void writeUpdate_over4096Bytes_refused() {
        Update.Builder u = Update.builder();
        for (int i = 0; i < 1000; i++) {
            u.withdrawn(IpPrefix.host(Addresses.ofInt(0xc6336400 + i)));
        }

        assertThatThrownBy(() -> Encoder.writeUpdate(Unpooled.buffer(), u.build(), true))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("5023 bytes");
    }
}
