package io.lvs4j.vrrp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.vrrp.DropReason;
import io.lvs4j.vrrp.spi.Ipv6Ancillary;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Golden bytes come from {@code src/test/python/golden.py}, which packs the RFC layouts with
 * Python's struct module and computes checksums and the HMAC-MD5-96 ICV with Python's own code.
 */
class AdvertCodecTest {
    static final String V2_NONE = "45c0002c00010000ff70188dc0000201e0000012213364020001f5fec0000264c00002650000000000000000";
    static final String V2_PASS = "45c0002800010000ff701891c0000201e0000012210796010103e16cc63364077365637265740000";
    static final String V2_AH = "45c0004000010000ff3318b6c0000201e000001270040000c0000201000000013d26248f07ca33ef6e3c383d"
            + "2109c80102010af30a0000010000000000000000";
    static final String V3_IPV4 = "45c0002000010000ff701899c0000201e00000123133fe0100646b71c0000264";
    static final String V3_IPV4_UNICAST = "45c0002000010000ff7036a9c0000201c00002023133fe0100648981c0000264";
    static final String V3_IPV6 = "3101640200323e6120010db8000000000000000000000100fe800000000000000000000000000100";

    static final byte[] SRC = ip("192.0.2.1");
    static final byte[] GROUP = ip("224.0.0.18");

    static byte[] ip(String s) {
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] concat(String... addresses) {
        byte[] out = new byte[0];
        for (String a : addresses) {
            byte[] b = ip(a);
            byte[] n = Arrays.copyOf(out, out.length + b.length);
            System.arraycopy(b, 0, n, out.length, b.length);
            out = n;
        }
        return out;
    }

    static byte[] key(String password) {
        return Arrays.copyOf(password.getBytes(StandardCharsets.US_ASCII), 8);
    }

    static AdvertCodec.Config v2None() {
        return new AdvertCodec.Config(false, 2, 51, 100, 0, new byte[8], SRC, concat("192.0.2.100", "192.0.2.101"),
                false, List.of());
    }

    static AdvertCodec.Config v2Pass(String password) {
        return new AdvertCodec.Config(false, 2, 7, 300, 1, key(password), SRC, concat("198.51.100.7"), false, List.of());
    }

    static AdvertCodec.Config v2Ah(String password) {
        return new AdvertCodec.Config(false, 2, 9, 100, 2, key(password), SRC, concat("10.0.0.1"), false, List.of());
    }

    static AdvertCodec.Config v3Ipv4(boolean unicast, List<byte[]> peers) {
        return new AdvertCodec.Config(false, 3, 51, 100, 0, new byte[8], SRC, concat("192.0.2.100"), unicast, peers);
    }

    static AdvertCodec.Config v3Ipv6() {
        return new AdvertCodec.Config(true, 3, 1, 50, 0, new byte[8], ip("fe80::1"), concat("2001:db8::100", "fe80::100"),
                false, List.of());
    }

    static String encode(AdvertCodec.Config config, int priority, byte[] destination) {
        AdvertCodec codec = new AdvertCodec(config);
        ByteBuf out = Unpooled.buffer();
        codec.encode(out, priority, destination);
        return ByteBufUtil.hexDump(out);
    }

    static ByteBuf bytes(String hex) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex));
    }

    static String patch(String hex, int offset, int value) {
        byte[] b = ByteBufUtil.decodeHexDump(hex);
        b[offset] = (byte) value;
        return ByteBufUtil.hexDump(b);
    }

    static Ipv6Ancillary ancillary(int hopLimit) {
        return new Ipv6Ancillary((Inet6Address) addr("fe80::1"), (Inet6Address) addr("ff02::12"), hopLimit);
    }

    static InetAddress addr(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static DropReason decode(AdvertCodec.Config config, String hex) {
        return new AdvertCodec(config).decode(bytes(hex), null, new Advert());
    }

    @Test
    void encode_v2NoAuth_matchesRfc3768Layout() {
        assertThat(encode(v2None(), 100, GROUP)).isEqualTo(V2_NONE);
    }

    @Test
    void encode_v2Pass_passwordPaddedTo8Bytes() {
        assertThat(encode(v2Pass("secret"), 150, GROUP)).isEqualTo(V2_PASS);
    }

    @Test
    void encode_v2Ah_keepalivedLayoutAndHmacMd596() {
        assertThat(encode(v2Ah("ahkey"), 200, GROUP)).isEqualTo(V2_AH);
    }

    @Test
    void encode_v3Ipv4_checksumCoversPseudoHeader() {
        assertThat(encode(v3Ipv4(false, List.of()), 254, GROUP)).isEqualTo(V3_IPV4);
        assertThat(encode(v3Ipv4(true, List.of(ip("192.0.2.2"))), 254, ip("192.0.2.2"))).isEqualTo(V3_IPV4_UNICAST);
    }

    @Test
    void encode_v3Ipv6_vrrpPartWithIpv6PseudoHeaderChecksum() {
        assertThat(encode(v3Ipv6(), 100, ip("ff02::12"))).isEqualTo(V3_IPV6);
    }

    @Test
    void encode_secondPacket_nextIpIdAndAhSequence() {
        AdvertCodec codec = new AdvertCodec(v2Ah("ahkey"));
        ByteBuf out = Unpooled.buffer();
        codec.encode(out, 200, GROUP);
        int second = out.writerIndex();
        codec.encode(out, 200, GROUP);
        assertThat(out.getUnsignedShort(second + 4)).isEqualTo(2);
        assertThat(out.getInt(second + 20 + 8)).isEqualTo(2);
        assertThat(new AdvertCodec(v2Ah("ahkey")).decode(out.slice(second, out.writerIndex() - second), null,
                new Advert())).isNull();
    }

    @Test
    void decode_v2NoAuth_fields() {
        Advert a = new Advert();
        assertThat(new AdvertCodec(v2None()).decode(bytes(V2_NONE), null, a)).isNull();
        assertThat(a.version()).isEqualTo(2);
        assertThat(a.vrid()).isEqualTo(51);
        assertThat(a.priority()).isEqualTo(100);
        assertThat(a.count()).isEqualTo(2);
        assertThat(a.authType()).isZero();
        assertThat(a.intervalCentis()).isEqualTo(100);
        assertThat(a.ttl()).isEqualTo(255);
        assertThat(a.source()).isEqualTo(SRC);
        assertThat(a.destination()).isEqualTo(GROUP);
        assertThat(a.address(0)).isEqualTo(ip("192.0.2.100"));
        assertThat(a.address(1)).isEqualTo(ip("192.0.2.101"));
        assertThat(a.checksum()).isEqualTo(0xf5fe);
    }

    @Test
    void decode_v2PassAndAh_valid() {
        assertThat(decode(v2Pass("secret"), V2_PASS)).isNull();
        Advert a = new Advert();
        assertThat(new AdvertCodec(v2Ah("ahkey")).decode(bytes(V2_AH), null, a)).isNull();
        assertThat(a.ahSequence()).isEqualTo(1);
        assertThat(a.priority()).isEqualTo(200);
    }

    @Test
    void decode_v3Ipv4_intervalInCentiseconds() {
        Advert a = new Advert();
        assertThat(new AdvertCodec(v3Ipv4(false, List.of())).decode(bytes(V3_IPV4), null, a)).isNull();
        assertThat(a.intervalCentis()).isEqualTo(100);
        assertThat(a.priority()).isEqualTo(254);
    }

    @Test
    void decode_v3Ipv6_withAncillaryData() {
        Advert a = new Advert();
        assertThat(new AdvertCodec(v3Ipv6()).decode(bytes(V3_IPV6), ancillary(255), a)).isNull();
        assertThat(a.intervalCentis()).isEqualTo(50);
        assertThat(a.address(1)).isEqualTo(ip("fe80::100"));
        assertThat(a.source()).isEqualTo(ip("fe80::1"));
    }

    @Test
    void decode_v3Ipv6_hopLimitNot255_dropped() {
        assertThat(new AdvertCodec(v3Ipv6()).decode(bytes(V3_IPV6), ancillary(64), new Advert()))
                .isEqualTo(DropReason.TTL_NOT_255);
        assertThat(new AdvertCodec(v3Ipv6()).decode(bytes(V3_IPV6), null, new Advert()))
                .isEqualTo(DropReason.MISSING_ANCILLARY_DATA);
    }

    @Test
    void decode_v3Ipv6_corruptedByte_badChecksum() {
        assertThat(new AdvertCodec(v3Ipv6()).decode(bytes(patch(V3_IPV6, 39, 1)), ancillary(255), new Advert()))
                .isEqualTo(DropReason.BAD_CHECKSUM);
    }

    @Test
    void decode_ttl254_dropped() {
        assertThat(decode(v2None(), patch(V2_NONE, 8, 254))).isEqualTo(DropReason.TTL_NOT_255);
    }

    @Test
    void decode_ttl254Unicast_notChecked() {
        assertThat(decode(v3Ipv4(true, List.of(SRC)), patch(V3_IPV4_UNICAST, 8, 254))).isNull();
    }

    @Test
    void decode_versionOrTypeOrVrid_wrong_dropped() {
        assertThat(decode(v3Ipv4(false, List.of()), V2_NONE)).isEqualTo(DropReason.VERSION_MISMATCH);
        assertThat(decode(v2None(), patch(V2_NONE, 20, 0x22))).isEqualTo(DropReason.NOT_ADVERTISEMENT);
        assertThat(decode(v2None(), patch(V2_NONE, 21, 52))).isEqualTo(DropReason.VRID_MISMATCH);
    }

    @Test
    void decode_countDisagreesWithLength_dropped() {
        assertThat(decode(v2None(), patch(V2_NONE, 23, 3))).isEqualTo(DropReason.LENGTH_MISMATCH);
        assertThat(decode(v2None(), patch(V2_NONE, 23, 1))).isEqualTo(DropReason.LENGTH_MISMATCH);
    }

    @Test
    void decode_corruptedAddress_badChecksum() {
        assertThat(decode(v2None(), patch(V2_NONE, 31, 0x65))).isEqualTo(DropReason.BAD_CHECKSUM);
        assertThat(decode(v3Ipv4(false, List.of()), patch(V3_IPV4, 31, 0x65))).isEqualTo(DropReason.BAD_CHECKSUM);
    }

    @Test
    void decode_v3WithPseudoHeaderOfOtherDestination_badChecksum() {
        // the unicast packet's checksum covers 192.0.2.2; rewrite its destination to the group
        String moved = patch(patch(patch(patch(V3_IPV4_UNICAST, 16, 224), 17, 0), 18, 0), 19, 18);
        assertThat(decode(v3Ipv4(false, List.of()), moved)).isEqualTo(DropReason.BAD_CHECKSUM);
    }

    @Test
    void decode_wrongPassword_authFailure() {
        assertThat(decode(v2Pass("secreT"), V2_PASS)).isEqualTo(DropReason.AUTH_FAILURE);
        assertThat(decode(v2Pass("secret1"), V2_PASS)).isEqualTo(DropReason.AUTH_FAILURE);
    }

    @Test
    void decode_authTypes_mismatch() {
        assertThat(decode(v2Pass("secret"), patch(V2_PASS, 21, 51))).isEqualTo(DropReason.VRID_MISMATCH);
        AdvertCodec.Config passOn51 = new AdvertCodec.Config(false, 2, 51, 100, 1, key("x"), SRC,
                concat("192.0.2.100", "192.0.2.101"), false, List.of());
        assertThat(decode(passOn51, V2_NONE)).isEqualTo(DropReason.AUTH_TYPE_MISMATCH);
        assertThat(decode(v2None(), V2_AH)).isEqualTo(DropReason.AUTH_TYPE_MISMATCH);
        assertThat(decode(v2Ah("ahkey"), V2_NONE)).isEqualTo(DropReason.AUTH_TYPE_MISMATCH);
    }

    @Test
    void decode_ahWrongKeyOrTampered_authFailure() {
        assertThat(decode(v2Ah("other"), V2_AH)).isEqualTo(DropReason.AUTH_FAILURE);
        // IP id is covered by the ICV; TOS is a mutable field and is not
        assertThat(decode(v2Ah("ahkey"), patch(V2_AH, 5, 2))).isEqualTo(DropReason.AUTH_FAILURE);
        assertThat(decode(v2Ah("ahkey"), patch(V2_AH, 1, 0))).isNull();
    }

    @Test
    void decode_ahSameSequenceTwice_replayDropped() {
        AdvertCodec codec = new AdvertCodec(v2Ah("ahkey"));
        assertThat(codec.decode(bytes(V2_AH), null, new Advert())).isNull();
        assertThat(codec.decode(bytes(V2_AH), null, new Advert())).isEqualTo(DropReason.AH_REPLAY);
    }

    /** keepalived's one counter: what a restarted router accepts sets what it sends next. */
    @Test
    void ahCounter_acceptedSequenceTakenOver_nextSentIsNewerForThePeer() {
        AdvertCodec peer = new AdvertCodec(v2Ah("ahkey"));
        peer.txSequence(41);
        ByteBuf fromPeer = Unpooled.buffer();
        peer.encode(fromPeer, 200, GROUP);
        assertThat(fromPeer.getUnsignedInt(20 + 8)).isEqualTo(42);
        AdvertCodec restarted = new AdvertCodec(v2Ah("ahkey"));

        assertThat(restarted.decode(fromPeer, null, new Advert())).isNull();

        assertThat(restarted.ahCounter()).isEqualTo(42);
        ByteBuf next = Unpooled.buffer();
        restarted.encode(next, 100, GROUP);
        assertThat(next.getUnsignedInt(20 + 8)).isEqualTo(43);
        assertThat(peer.decode(next, null, new Advert())).isNull();
    }

    @Test
    void ahCounter_atItsEnd_stopsCountingUntilBecomingMaster() {
        AdvertCodec codec = new AdvertCodec(v2Ah("ahkey"));
        codec.txSequence(0xFFFFFFFDL);
        for (int i = 0; i < 2; i++) {
            ByteBuf out = Unpooled.buffer();
            codec.encode(out, 100, GROUP);
            assertThat(out.getUnsignedInt(20 + 8)).isEqualTo(0xFFFFFFFEL);
        }
        codec.becomingMaster();
        ByteBuf out = Unpooled.buffer();
        codec.encode(out, 100, GROUP);
        assertThat(out.getUnsignedInt(20 + 8)).isEqualTo(1);
    }

    @Test
    void decode_ahNextHeaderNotVrrp_notVrrp() {
        assertThat(decode(v2Ah("ahkey"), patch(V2_AH, 20, 6))).isEqualTo(DropReason.NOT_VRRP);
    }

    @Test
    void decode_v2IntervalDiffers_dropped() {
        AdvertCodec.Config twoSeconds = new AdvertCodec.Config(false, 2, 51, 200, 0, new byte[8], SRC,
                concat("192.0.2.100", "192.0.2.101"), false, List.of());
        assertThat(decode(twoSeconds, V2_NONE)).isEqualTo(DropReason.INTERVAL_MISMATCH);
    }

    @Test
    void decode_v3IntervalDiffers_acceptedAndReported() {
        AdvertCodec.Config other = new AdvertCodec.Config(false, 3, 51, 25, 0, new byte[8], SRC,
                concat("192.0.2.100"), false, List.of());
        Advert a = new Advert();
        assertThat(new AdvertCodec(other).decode(bytes(V3_IPV4), null, a)).isNull();
        assertThat(a.intervalCentis()).isEqualTo(100);
    }

    @Test
    void decode_v3IntervalZero_invalid() {
        AdvertCodec.Config zero = new AdvertCodec.Config(false, 3, 51, 0, 0, new byte[8], SRC,
                concat("192.0.2.100"), false, List.of());
        ByteBuf out = Unpooled.buffer();
        new AdvertCodec(zero).encode(out, 100, GROUP);
        assertThat(new AdvertCodec(v3Ipv4(false, List.of())).decode(out, null, new Advert()))
                .isEqualTo(DropReason.INVALID_INTERVAL);
    }

    @Test
    void decode_unicastPacketWhileMulticast_andUnknownPeer_dropped() {
        assertThat(decode(v3Ipv4(false, List.of()), V3_IPV4_UNICAST)).isEqualTo(DropReason.DESTINATION_MISMATCH);
        assertThat(decode(v3Ipv4(true, List.of(SRC)), V3_IPV4)).isEqualTo(DropReason.DESTINATION_MISMATCH);
        assertThat(decode(v3Ipv4(true, List.of(ip("192.0.2.9"))), V3_IPV4_UNICAST))
                .isEqualTo(DropReason.UNKNOWN_UNICAST_SOURCE);
    }

    /** v3 IPv4 unicast config whose one peer, 192.0.2.1 (the golden packet's source), has these bounds. */
    static AdvertCodec.Config unicastBounds(int min, int max) {
        return new AdvertCodec.Config(false, 3, 51, 100, 0, new byte[8], ip("192.0.2.2"), concat("192.0.2.100"), true,
                List.of(SRC), new int[] {min << 8 | max});
    }

    @Test
    void decode_unicastTtlOutsidePeerBounds_ttlOutOfBounds() {
        // the golden unicast packet arrives with TTL 255 (byte 8); a router on the way lowers it
        assertThat(decode(unicastBounds(0, 255), V3_IPV4_UNICAST)).isNull();
        assertThat(decode(unicastBounds(250, 255), patch(V3_IPV4_UNICAST, 8, 250))).isNull();
        assertThat(decode(unicastBounds(250, 255), patch(V3_IPV4_UNICAST, 8, 249)))
                .isEqualTo(DropReason.TTL_OUT_OF_BOUNDS);
        assertThat(decode(unicastBounds(0, 254), V3_IPV4_UNICAST)).isEqualTo(DropReason.TTL_OUT_OF_BOUNDS);
        assertThat(decode(unicastBounds(0, 254), patch(V3_IPV4_UNICAST, 8, 1))).isNull();
        // no bounds given: any TTL passes, as keepalived (the 255 check is for multicast only)
        assertThat(decode(v3Ipv4(true, List.of(SRC)), patch(V3_IPV4_UNICAST, 8, 3))).isNull();
    }

    @Test
    void encode_unicastTtl_inTheIpv4Header_multicastAlways255() {
        List<byte[]> peer = List.of(ip("192.0.2.1"));
        for (boolean unicast : new boolean[] {true, false}) {
            AdvertCodec.Config c = new AdvertCodec.Config(false, 3, 51, 100, 0, new byte[8], ip("192.0.2.2"),
                    concat("192.0.2.100"), unicast, unicast ? peer : List.of(), unicast ? new int[] {255} : new int[0], 64);
            ByteBuf out = Unpooled.buffer();
            new AdvertCodec(c).encode(out, 100, unicast ? ip("192.0.2.1") : ip("224.0.0.18"));
            assertThat((int) out.getUnsignedByte(8)).as("unicast %s", unicast).isEqualTo(unicast ? 64 : 255);
            // the header checksum covers the TTL: a peer's decoder accepts the packet, within its bounds
            AdvertCodec.Config receiver = new AdvertCodec.Config(false, 3, 51, 100, 0, new byte[8], ip("192.0.2.1"),
                    concat("192.0.2.100"), unicast, unicast ? List.of(ip("192.0.2.2")) : List.of(),
                    unicast ? new int[] {64 << 8 | 64} : new int[0]);
            if (unicast) {
                assertThat(new AdvertCodec(receiver).decode(out.duplicate(), null, new Advert())).isNull();
            }
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new AdvertCodec.Config(false, 3, 51, 100, 0,
                new byte[8], SRC, concat("192.0.2.100"), true, List.of(SRC), new int[] {255}, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("unicastTtl: 0 (expected: 1..255)");
    }

    @Test
    void decode_unicastTtlOfUnknownSource_unknownSourceFirst() {
        AdvertCodec.Config other = new AdvertCodec.Config(false, 3, 51, 100, 0, new byte[8], ip("192.0.2.2"),
                concat("192.0.2.100"), true, List.of(ip("192.0.2.9")), new int[] {255 << 8 | 255});
        assertThat(decode(other, patch(V3_IPV4_UNICAST, 8, 7))).isEqualTo(DropReason.UNKNOWN_UNICAST_SOURCE);
    }

    @Test
    void decode_unicastIpv6HopLimitOutsideBounds_ttlOutOfBounds() {
        byte[] peer = ip("2001:db8::1");
        byte[] me = ip("2001:db8::2");
        AdvertCodec.Config sender = new AdvertCodec.Config(true, 3, 1, 100, 0, new byte[8], peer,
                concat("2001:db8::100"), true, List.of(me));
        AdvertCodec.Config receiver = new AdvertCodec.Config(true, 3, 1, 100, 0, new byte[8], me,
                concat("2001:db8::100"), true, List.of(peer), new int[] {254 << 8 | 255});
        ByteBuf out = Unpooled.buffer();
        new AdvertCodec(sender).encode(out, 100, me);
        for (int hop : new int[] {255, 254, 253, 64}) {
            Ipv6Ancillary a = new Ipv6Ancillary((Inet6Address) addr("2001:db8::1"), (Inet6Address) addr("2001:db8::2"),
                    hop);
            assertThat(new AdvertCodec(receiver).decode(out.duplicate(), a, new Advert())).as("hop limit %d", hop)
                    .isEqualTo(hop >= 254 ? null : DropReason.TTL_OUT_OF_BOUNDS);
        }
    }

    @Test
    void config_peerTtlsOfOtherLength_refused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new AdvertCodec.Config(false, 3, 51, 100, 0,
                new byte[8], SRC, concat("192.0.2.100"), true, List.of(SRC), new int[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("peerTtls: 0 (expected: one per peer)");
    }

    @Test
    void decode_brokenIpHeader_dropped() {
        assertThat(decode(v2None(), V2_NONE.substring(0, 30))).isEqualTo(DropReason.TRUNCATED);
        assertThat(decode(v2None(), patch(V2_NONE, 0, 0x65))).isEqualTo(DropReason.MALFORMED_IP_HEADER);
        assertThat(decode(v2None(), patch(V2_NONE, 0, 0x44))).isEqualTo(DropReason.MALFORMED_IP_HEADER);
        assertThat(decode(v2None(), patch(V2_NONE, 3, 0x2d))).isEqualTo(DropReason.MALFORMED_IP_HEADER);
        assertThat(decode(v2None(), patch(V2_NONE, 9, 6))).isEqualTo(DropReason.NOT_VRRP);
        assertThat(decode(v2None(), V2_NONE.substring(0, 50) .replace("45c0002c", "45c00019"))).isEqualTo(DropReason.TRUNCATED);
    }

    @Test
    void decode_ethernetPadding_accepted() {
        assertThat(decode(v3Ipv4(false, List.of()), V3_IPV4 + "0000000000000000000000000000")).isNull();
        assertThat(decode(v2None(), V2_NONE + "00000000")).isEqualTo(DropReason.MALFORMED_IP_HEADER);
    }

    @Test
    void sameAddresses_anyOrder() {
        AdvertCodec codec = new AdvertCodec(v2None());
        Advert a = new Advert();
        codec.decode(bytes(V2_NONE), null, a);
        assertThat(codec.sameAddresses(a)).isTrue();
        AdvertCodec.Config swapped = new AdvertCodec.Config(false, 2, 51, 100, 0, new byte[8], SRC,
                concat("192.0.2.101", "192.0.2.100"), false, List.of());
        assertThat(new AdvertCodec(swapped).sameAddresses(a)).isTrue();
        AdvertCodec.Config other = new AdvertCodec.Config(false, 2, 51, 100, 0, new byte[8], SRC,
                concat("192.0.2.101", "192.0.2.102"), false, List.of());
        assertThat(new AdvertCodec(other).sameAddresses(a)).isFalse();
    }
}
