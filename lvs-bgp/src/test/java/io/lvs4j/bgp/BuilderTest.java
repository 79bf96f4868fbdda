package io.lvs4j.bgp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.internal.Addresses;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The builders check each setting at once, naming it (and the neighbour), and the combination in build(). */
class BuilderTest {
    static BgpNeighbor.Builder n() {
        return BgpNeighbor.builder("192.0.2.1");
    }

    static BgpNeighbor neighbor() {
        return n().remoteAs(65000).build();
    }

    static void refused(Runnable r, String message) {
        assertThatThrownBy(r::run).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    // ---- BgpNeighbor --------------------------------------------------------------------------------

    @Test
    void neighbor_defaults() {
        BgpNeighbor x = neighbor();

        assertThat(x.address()).isEqualTo(Addresses.parse("192.0.2.1", "a"));
        assertThat(x.port()).isEqualTo(179);
        assertThat(x.holdTime()).isEqualTo(Duration.ofSeconds(90));
        assertThat(x.passive()).isFalse();
        assertThat(x.hasPassword()).isFalse();
        assertThat(x.localAddress()).isEmpty();
        assertThat(x.communities()).isEmpty();
        assertThat(x.med()).isEmpty();
        assertThat(x.localPreference()).isEqualTo(100);
        assertThat(x.ipv4NextHop()).isEmpty();
        assertThat(x.ipv6NextHop()).isEmpty();
    }

    @Test
    void neighbor_addressNotALiteralOrNotUnicast_refused() {
        refused(() -> BgpNeighbor.builder("router.example"),
                "neighbor address: \"router.example\" (expected: an IPv4 or IPv6 address literal)");
        refused(() -> BgpNeighbor.builder("0.0.0.0"), "neighbor address: \"0.0.0.0\" (expected: a unicast address)");
        refused(() -> BgpNeighbor.builder("ff02::2"), "neighbor address: \"ff02::2\" (expected: a unicast address)");
    }

    @Test
    void neighbor_remoteAsOutOfRangeOrAsTrans_refusedNamingTheNeighbor() {
        refused(() -> n().remoteAs(0), "neighbor 192.0.2.1 remoteAs: 0 (expected: 1..4294967295)");
        refused(() -> n().remoteAs(4_294_967_296L), "neighbor 192.0.2.1 remoteAs: 4294967296 (expected: 1..4294967295)");
        refused(() -> n().remoteAs(23456), "neighbor 192.0.2.1 remoteAs: 23456 (expected: not 23456 (AS_TRANS))");
    }

    @Test
    void neighbor_withoutRemoteAs_buildRefused() {
        assertThatThrownBy(() -> n().build()).isInstanceOf(IllegalStateException.class)
                .hasMessage("neighbor 192.0.2.1 remoteAs: null (expected: set)");
    }

    @Test
    void neighbor_holdTimeOfOneTwoOrFractionalSeconds_refused() {
        refused(() -> n().holdTime(Duration.ofSeconds(2)),
                "neighbor 192.0.2.1 holdTime: PT2S (expected: 0 or 3..65535 whole seconds)");
        refused(() -> n().holdTime(Duration.ofMillis(3500)),
                "neighbor 192.0.2.1 holdTime: PT3.5S (expected: 0 or 3..65535 whole seconds)");
        refused(() -> n().holdTime(Duration.ofSeconds(65536)),
                "neighbor 192.0.2.1 holdTime: PT18H12M16S (expected: 0 or 3..65535 whole seconds)");
        refused(() -> n().holdTime(Duration.ofSeconds(-3)),
                "neighbor 192.0.2.1 holdTime: PT-3S (expected: 0 or 3..65535 whole seconds)");
        assertThat(n().holdTime(Duration.ZERO).remoteAs(1).build().holdTime()).isZero();
        assertThat(n().holdTime(Duration.ofSeconds(3)).remoteAs(1).build().holdTime()).hasSeconds(3);
    }

    @Test
    void neighbor_portOutOfRange_refused() {
        refused(() -> n().port(0), "neighbor 192.0.2.1 port: 0 (expected: 1..65535)");
        refused(() -> n().port(65536), "neighbor 192.0.2.1 port: 65536 (expected: 1..65535)");
    }

    @Test
    void neighbor_localAddressOfTheOtherFamily_refused() {
        refused(() -> n().localAddress("2001:db8::11"),
                "neighbor 192.0.2.1 localAddress: \"2001:db8::11\" (expected: a unicast IPv4 address, as the neighbor's)");
        refused(() -> BgpNeighbor.builder("2001:db8::1").localAddress("192.0.2.11"),
                "neighbor 2001:db8::1 localAddress: \"192.0.2.11\" (expected: a unicast IPv6 address, as the neighbor's)");
    }

    @Test
    void neighbor_passwordEmptyOrOver80Bytes_refused() {
        refused(() -> n().password(""), "neighbor 192.0.2.1 password length in bytes: 0 (expected: 1..80)");
        refused(() -> n().password("é".repeat(41)), "neighbor 192.0.2.1 password length in bytes: 82 (expected: 1..80)");
        assertThat(n().remoteAs(1).password("x".repeat(80)).build().hasPassword()).isTrue();
    }

    @Test
    void neighbor_toString_passwordHidden() {
        BgpNeighbor x = n().remoteAs(65000).password("very-secret").build();

        assertThat(x.toString()).contains("password=***").doesNotContain("very-secret");
        assertThat(x.toString()).isEqualTo("BgpNeighbor[192.0.2.1:179 remoteAs=65000 holdTime=90s password=***]");
    }

    @Test
    void neighbor_communityTwiceOrMalformed_refused() {
        refused(() -> n().community("65000:1").community(Community.of(65000, 1)),
                "neighbor 192.0.2.1 community: \"65000:1\" (expected: each community once)");
        refused(() -> n().community("65000:70000"),
                "community: \"65000:70000\" (expected: ASN:VALUE with each 0..65535, e.g. 65000:100)");
        assertThatThrownBy(() -> n().communities(Arrays.asList(Community.NO_EXPORT, null)))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("neighbor 192.0.2.1 community: null (expected: non-null)");
    }

    @Test
    void neighbor_medAndLocalPreferenceRange_checked() {
        refused(() -> n().med(-1), "neighbor 192.0.2.1 med: -1 (expected: 0..4294967295)");
        refused(() -> n().localPreference(4_294_967_296L),
                "neighbor 192.0.2.1 localPreference: 4294967296 (expected: 0..4294967295)");
    }

    @Test
    void neighbor_nextHopsOfTheWrongFamilyOrLinkLocal_refused() {
        refused(() -> n().ipv4NextHop("2001:db8::1"),
                "neighbor 192.0.2.1 ipv4NextHop: \"2001:db8::1\" (expected: a unicast IPv4 address)");
        refused(() -> n().ipv6NextHop("fe80::1"),
                "neighbor 192.0.2.1 ipv6NextHop: \"fe80::1\" (expected: a global unicast IPv6 address)");
        refused(() -> n().ipv6NextHop("192.0.2.11"),
                "neighbor 192.0.2.1 ipv6NextHop: \"192.0.2.11\" (expected: a global unicast IPv6 address)");
    }

    @Test
    void neighbor_toBuilder_equalCopy() {
        BgpNeighbor x = n().remoteAs(4_200_000_000L).port(1179).localAddress("192.0.2.11")
                .holdTime(Duration.ofSeconds(3)).passive(true).password("k").community("65000:1").med(5)
                .localPreference(300).ipv4NextHop("192.0.2.12").ipv6NextHop("2001:db8::12").build();

        assertThat(x.toBuilder().build()).isEqualTo(x).hasSameHashCodeAs(x);
        assertThat(x.toBuilder().port(179).build()).isNotEqualTo(x);
    }

    // ---- BgpSpeaker ---------------------------------------------------------------------------------

    static BgpSpeaker.Builder b() {
        return BgpSpeaker.builder().routerId("192.0.2.11").localAs(65001).neighbor(neighbor());
    }

    @Test
    void speaker_routerIdNotANonZeroIpv4Address_refused() {
        refused(() -> BgpSpeaker.builder().routerId("0.0.0.0"),
                "routerId: \"0.0.0.0\" (expected: a non-zero IPv4 address)");
        refused(() -> BgpSpeaker.builder().routerId("2001:db8::1"),
                "routerId: \"2001:db8::1\" (expected: an IPv4 address literal)");
    }

    @Test
    void speaker_localAsOutOfRange_refused() {
        refused(() -> BgpSpeaker.builder().localAs(0), "localAs: 0 (expected: 1..4294967295)");
        refused(() -> BgpSpeaker.builder().localAs(23456), "localAs: 23456 (expected: not 23456 (AS_TRANS))");
    }

    @Test
    void speaker_requiredSettingsMissing_buildRefused() {
        assertThatThrownBy(() -> BgpSpeaker.builder().localAs(1).neighbor(neighbor()).build())
                .isInstanceOf(IllegalStateException.class).hasMessage("routerId: null (expected: set)");
        assertThatThrownBy(() -> BgpSpeaker.builder().routerId("192.0.2.11").neighbor(neighbor()).build())
                .isInstanceOf(IllegalStateException.class).hasMessage("localAs: null (expected: set)");
        assertThatThrownBy(() -> BgpSpeaker.builder().routerId("192.0.2.11").localAs(1).build())
                .isInstanceOf(IllegalStateException.class).hasMessage("neighbors: \"none\" (expected: at least one)");
    }

    @Test
    void speaker_sameNeighborTwice_refused() {
        refused(() -> b().neighbor(n().remoteAs(65002).build()),
                "neighbor: \"192.0.2.1\" (expected: each neighbor address once)");
    }

    @Test
    void speaker_passiveNeighborWithoutListening_buildRefused() {
        assertThatThrownBy(() -> BgpSpeaker.builder().routerId("192.0.2.11").localAs(65001)
                .neighbor(n().remoteAs(65000).passive(true).build()).listen(false).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("neighbor 192.0.2.1 passive: true (expected: a speaker that listens (listen(true)))");
    }

    @Test
    void speaker_localPreferenceForAnExternalNeighbor_buildRefused() {
        assertThatThrownBy(() -> BgpSpeaker.builder().routerId("192.0.2.11").localAs(65001)
                .neighbor(n().remoteAs(65000).localPreference(200).build()).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("neighbor 192.0.2.1 localPreference: 200 (expected: only for an internal neighbor (remoteAs 65001))");
        assertThat(BgpSpeaker.builder().routerId("192.0.2.11").localAs(65001)
                .neighbor(n().remoteAs(65001).localPreference(200).build()).build()).isNotNull();
    }

    @Test
    void speaker_connectRetryOutOfRangeOrMaxBelowInitial_refused() {
        refused(() -> b().connectRetry(Duration.ofMillis(1), Duration.ofSeconds(1)),
                "connectRetry: PT0.001S (expected: 10 ms..1 h)");
        refused(() -> b().connectRetry(Duration.ofSeconds(5), Duration.ofSeconds(2)),
                "connectRetry max: PT2S (expected: >= the initial PT5S)");
    }

    @Test
    void speaker_listenPortAndNamespace_checked() {
        refused(() -> b().listenPort(0), "listenPort: 0 (expected: 1..65535)");
        refused(() -> b().networkNamespace("../x"),
                "networkNamespace: \"../x\" (expected: a name under /run/netns, without '/')");
        refused(() -> b().listenAddress("ff02::1"), "listenAddress: \"ff02::1\" (expected: a unicast or wildcard address)");
    }

    @Test
    void speaker_nullsNamed() {
        BgpSpeaker.Builder empty = BgpSpeaker.builder();
        assertThatThrownBy(() -> empty.neighbors(Arrays.asList(neighbor(), null)))
                .isInstanceOf(NullPointerException.class).hasMessage("neighbor: null (expected: non-null)");
        // nothing half-applied: the first neighbour was not added
        assertThat(empty.routerId("192.0.2.11").localAs(1).neighbor(neighbor()).build().neighbors()).hasSize(1);
        assertThatThrownBy(() -> b().scheduler(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("scheduler: null (expected: non-null)");
        assertThatThrownBy(() -> b().listener(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("listener: null (expected: non-null)");
    }

    @Test
    void speaker_built_settingsReadBackAndNotStarted() {
        BgpSpeaker s = b().neighbors(List.of(BgpNeighbor.builder("2001:db8::1").remoteAs(65000).build())).build();

        assertThat(s.routerId()).isEqualTo(Addresses.parse("192.0.2.11", "a"));
        assertThat(s.localAs()).isEqualTo(65001);
        assertThat(s.neighbors()).extracting(BgpNeighbor::address)
                .containsExactly(Addresses.parse("192.0.2.1", "a"), Addresses.parse("2001:db8::1", "a"));
        assertThat(s.toString()).isEqualTo("BgpSpeaker[192.0.2.11 AS65001 new neighbors=2]");
        s.close();
        assertThat(s.toString()).isEqualTo("BgpSpeaker[192.0.2.11 AS65001 closed neighbors=2]");
    }

    @Test
    void speaker_toBuilder_sameSettingsForANewSpeaker() {
        BgpSpeaker s = b().listenAddress("192.0.2.11").listenPort(1179).networkNamespace("ns1")
                .connectRetry(Duration.ofSeconds(2), Duration.ofSeconds(20)).build();

        BgpSpeaker copy = s.toBuilder().build();
        BgpSpeaker other = s.toBuilder().localAs(65009).build();

        assertThat(copy.routerId()).isEqualTo(s.routerId());
        assertThat(copy.localAs()).isEqualTo(65001);
        assertThat(copy.neighbors()).isEqualTo(s.neighbors());
        assertThat(other.localAs()).isEqualTo(65009);
        refused(() -> s.toBuilder().neighbor(neighbor()), "neighbor: \"192.0.2.1\" (expected: each neighbor address once)");
    }

    @Test
    void speaker_startedTwice_refused() throws Exception {
        BgpSpeaker s = BgpSpeaker.create(b().scheduler(new io.lvs4j.time.VirtualClock()),
                new FakeTransport(new io.lvs4j.time.VirtualClock()), () -> 1.0);
        s.start();

        assertThatThrownBy(s::start).isInstanceOf(IllegalStateException.class)
                .hasMessage("speaker: \"running\" (expected: new (start once))");
    }

    // ---- Community and BgpNotification ------------------------------------------------------------

    @Test
    void community_parseFormatAndWellKnownNames() {
        assertThat(Community.parse("65000:100")).isEqualTo(Community.of(65000, 100));
        assertThat(Community.parse("65000:100").bits()).isEqualTo(0xFDE80064);
        assertThat(Community.parse("graceful-shutdown")).isEqualTo(Community.GRACEFUL_SHUTDOWN);
        assertThat(Community.GRACEFUL_SHUTDOWN.toString()).isEqualTo("65535:0");
        assertThat(Community.NO_EXPORT.toString()).isEqualTo("65535:65281");
        assertThat(Community.BLACKHOLE.toString()).isEqualTo("65535:666");
        refused(() -> Community.parse("1:2:3"), "community: \"1:2:3\" (expected: ASN:VALUE with each 0..65535, e.g. 65000:100)");
        refused(() -> Community.of(-1, 0), "community AS: -1 (expected: 0..65535)");
    }

    @Test
    void notification_describedAndShutdownCommunicationRead() {
        assertThat(BgpNotification.of(4, 0, new byte[0]).toString()).isEqualTo("4/0 Hold Timer Expired/Unspecific");
        assertThat(BgpNotification.of(6, 4, new byte[] {3, 'b', 'y', 'e'}).shutdownCommunication()).contains("bye");
        assertThat(BgpNotification.of(6, 4, new byte[] {9, 'b'}).shutdownCommunication()).isEmpty();
        assertThat(BgpNotification.of(3, 11, new byte[] {1, 2}).toString())
                .isEqualTo("3/11 UPDATE Message Error/Malformed AS_PATH data=0102");
        assertThat(BgpNotification.of(9, 9, new byte[0]).description()).isEqualTo("code 9/subcode 9");
    }
}
