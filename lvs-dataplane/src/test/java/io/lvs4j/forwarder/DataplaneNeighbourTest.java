package io.lvs4j.forwarder;

import static io.lvs4j.forwarder.NeighbourFrames.DIRECTOR_MAC;
import static io.lvs4j.forwarder.NeighbourFrames.OTHER_MAC;
import static io.lvs4j.forwarder.NeighbourFrames.SERVER_MAC;
import static io.lvs4j.forwarder.NeighbourFrames.hex;
import static io.lvs4j.forwarder.NeighbourFrames.withChecksum;
import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.RealServer;
import io.lvs4j.Scheduler;
import io.lvs4j.VirtualService;
import io.lvs4j.conn.ConnectionTable;
import io.lvs4j.internal.Addresses;
import io.lvs4j.netlink.internal.PacketSocket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which ARP and neighbour discovery frames may set a real server's MAC, with golden frames written
 * by hand from RFC 826 and RFC 4861 ({@link NeighbourFrames}) and edits of them: replies and
 * requests for the director's address and gratuitous ARP yes, ARP between other hosts no;
 * advertisements only when valid by RFC 4861 7.1.2 and allowed by 7.2.5. Every refusal is counted
 * by reason.
 */
class DataplaneNeighbourTest {
    private static final int DIRECTOR = 0xC6336401; // 198.51.100.1/24
    private static final int SERVER = 0xC633640B; // 198.51.100.11
    private static final InetAddress SERVER4 = Addresses.parse("198.51.100.11", "rs");
    private static final InetAddress SERVER6 = Addresses.parse("2001:db8::11", "rs");
    private static final int PAD = 64;

    private Dataplane plane;
    private int svc4;
    private int svc6;

    @BeforeEach
    void plane() {
        plane = new Dataplane(new PacketSocket[0], new long[] {DIRECTOR_MAC}, new int[][] {{DIRECTOR}},
                new int[][] {{24}}, new long[][] {{0x2001_0db8_0000_0000L}}, new long[][] {{1L}}, new int[][] {{64}},
                true, ConnectionTable.builder().build());
        svc4 = plane.addService(VirtualService.tcp("192.0.2.10", 80).scheduler(Scheduler.RR).build());
        plane.addRealServer(svc4, RealServer.of("198.51.100.11", 80).masquerade().build());
        svc6 = plane.addService(VirtualService.tcp("2001:db8:1::10", 80).scheduler(Scheduler.RR).build());
        plane.addRealServer(svc6, RealServer.of("2001:db8::11", 80).masquerade().build());
    }

    private boolean take(byte[] frame) {
        ByteBuf b = Unpooled.buffer(PAD + frame.length + PAD);
        b.setBytes(PAD, frame);
        return plane.neighbourFrame(0, null, b, PAD, frame.length);
    }

    private long mac4() {
        return plane.realServerMac(svc4, SERVER4, 80);
    }

    private long mac6() {
        return plane.realServerMac(svc6, SERVER6, 80);
    }

    private Map<NeighbourRefusal, Long> refused() {
        return plane.neighbourRefused();
    }

    // ---- ARP

    @Test
    void arpReply_fromARealServerToUs_resolvesIt() {
        assertThat(take(hex(NeighbourFrames.ARP_REPLY))).isTrue();
        assertThat(mac4()).isEqualTo(SERVER_MAC);
        assertThat(plane.unresolvedServers()).isEqualTo(1); // the IPv6 one
        assertThat(refused()).isEmpty();
    }

    @Test
    void arpRequest_fromARealServerForOurAddress_resolvesIt() {
        // RFC 826: the target of a request takes in the sender ("who has 198.51.100.1, tell .11")
        take(NeighbourFrames.arp(-1L >>> 16, SERVER_MAC, 1, SERVER_MAC, SERVER, 0, DIRECTOR));
        assertThat(mac4()).isEqualTo(SERVER_MAC);
        assertThat(refused()).isEmpty();
    }

    @Test
    void arpRequest_namingARealServerForAnotherHost_isRefusedAndCounted() {
        // "who has 198.51.100.7, tell 198.51.100.11" is between other hosts, whoever sent it
        take(NeighbourFrames.arp(-1L >>> 16, OTHER_MAC, 1, OTHER_MAC, SERVER, 0, 0xC6336407));
        assertThat(mac4()).isZero();
        assertThat(refused()).containsExactly(Map.entry(NeighbourRefusal.NOT_FOR_US, 1L));
    }

    @Test
    void arpRequest_namingAResolvedRealServerForAnotherHost_doesNotPoisonItsMac() {
        take(hex(NeighbourFrames.ARP_REPLY));
        take(NeighbourFrames.arp(-1L >>> 16, OTHER_MAC, 1, OTHER_MAC, SERVER, 0, 0xC6336407));
        assertThat(mac4()).isEqualTo(SERVER_MAC);
        assertThat(refused()).containsExactly(Map.entry(NeighbourRefusal.NOT_FOR_US, 1L));
    }

    @Test
    void arpRequest_unicastToAnotherHostsMac_isRefused() {
        take(NeighbourFrames.arp(OTHER_MAC, SERVER_MAC, 1, SERVER_MAC, SERVER, 0, DIRECTOR));
        assertThat(mac4()).isZero();
        assertThat(refused()).containsExactly(Map.entry(NeighbourRefusal.NOT_FOR_US, 1L));
    }

    @Test
    void gratuitousArp_broadcastByARealServer_isLearnt() {
        take(NeighbourFrames.arp(-1L >>> 16, SERVER_MAC, 1, SERVER_MAC, SERVER, 0, SERVER));
        assertThat(mac4()).isEqualTo(SERVER_MAC);
        take(NeighbourFrames.arp(-1L >>> 16, OTHER_MAC, 2, OTHER_MAC, SERVER, -1L >>> 16, SERVER)); // moved (reply form)
        assertThat(mac4()).isEqualTo(OTHER_MAC);
        assertThat(refused()).isEmpty();
    }

    @Test
    void arpReply_toAnotherHostsMac_isRefused() {
        byte[] f = hex(NeighbourFrames.ARP_REPLY);
        NeighbourFrames.putMac(f, 0, OTHER_MAC);
        take(f);
        assertThat(mac4()).isZero();
        assertThat(refused()).containsExactly(Map.entry(NeighbourRefusal.NOT_FOR_US, 1L));
    }

    @Test
    void arpReply_forAnAddressNotOurs_isRefused() {
        take(NeighbourFrames.arp(DIRECTOR_MAC, SERVER_MAC, 2, SERVER_MAC, SERVER, DIRECTOR_MAC, 0xC6336407));
        assertThat(mac4()).isZero();
        assertThat(refused()).containsExactly(Map.entry(NeighbourRefusal.NOT_FOR_US, 1L));
    }

    @Test
    void arpReply_withAMulticastSenderMac_isRefused() {
        take(NeighbourFrames.arp(DIRECTOR_MAC, SERVER_MAC, 2, 0x01_00_5E_00_00_01L, SERVER, DIRECTOR_MAC, DIRECTOR));
        assertThat(mac4()).isZero();
        assertThat(refused()).containsExactly(Map.entry(NeighbourRefusal.BAD_LINK_ADDRESS, 1L));
    }

    @Test
    void arp_notIpv4OverEthernet_isRefusedAsMalformed() {
        byte[] f = hex(NeighbourFrames.ARP_REPLY);
        f[18] = 8; // hardware address length
        take(f);
        assertThat(mac4()).isZero();
        assertThat(refused()).containsExactly(Map.entry(NeighbourRefusal.MALFORMED, 1L));
    }

    @Test
    void arp_aboutNoRealServer_isNotCounted() {
        take(NeighbourFrames.arp(-1L >>> 16, OTHER_MAC, 1, OTHER_MAC, 0xC6336407, 0, DIRECTOR));
        assertThat(refused()).isEmpty();
    }

    // ---- neighbour advertisements

    @Test
    void neighbourAdvertisement_solicitedOverride_resolvesIt() {
        assertThat(take(hex(NeighbourFrames.NA))).isTrue();
        assertThat(mac6()).isEqualTo(SERVER_MAC);
        assertThat(refused()).isEmpty();
    }

    @Test
    void neighbourAdvertisement_hopLimitBelow255_isRefused() {
        byte[] f = hex(NeighbourFrames.NA);
        f[21] = (byte) 254; // not in the checksum
        take(f);
        assertThat(mac6()).isZero();
        assertThat(refused()).containsExactly(Map.entry(NeighbourRefusal.HOP_LIMIT, 1L));
    }

    @Test
    void neighbourAdvertisement_badChecksum_isRefused() {
        byte[] f = hex(NeighbourFrames.NA);
        f[57] ^= 1;
        take(f);
        assertThat(mac6()).isZero();
        assertThat(refused()).containsExactly(Map.entry(NeighbourRefusal.CHECKSUM, 1L));
    }

    @Test
    void neighbourAdvertisement_codeNotZero_isRefused() {
        byte[] f = hex(NeighbourFrames.NA);
        f[55] = 1;
        take(withChecksum(f));
        assertThat(mac6()).isZero();
        assertThat(refused()).containsExactly(Map.entry(NeighbourRefusal.CODE, 1L));
    }

    @Test
    void neighbourAdvertisement_withoutTargetLinkAddress_isNotTakenFromTheEthernetSource() {
        byte[] f = Arrays.copyOf(hex(NeighbourFrames.NA), 78); // no option
        f[19] = 24;
        take(withChecksum(f));
        assertThat(mac6()).isZero();
        assertThat(refused()).containsExactly(Map.entry(NeighbourRefusal.NO_LINK_ADDRESS_OPTION, 1L));
    }

    @Test
    void neighbourAdvertisement_neitherSolicitedNorOverride_doesNotResolve() {
        byte[] f = hex(NeighbourFrames.NA);
        f[58] = 0;
        take(withChecksum(f));
        assertThat(mac6()).isZero();
        assertThat(refused()).containsExactly(Map.entry(NeighbourRefusal.NOT_OVERRIDE, 1L));
    }

    @Test
    void neighbourAdvertisement_solicitedWithoutOverride_keepsAKnownMac() {
        take(hex(NeighbourFrames.NA));
        byte[] f = hex(NeighbourFrames.NA);
        NeighbourFrames.putMac(f, 80, OTHER_MAC);
        f[58] = 0x40; // solicited only
        take(withChecksum(f));
        assertThat(mac6()).isEqualTo(SERVER_MAC);
        assertThat(refused()).containsExactly(Map.entry(NeighbourRefusal.NOT_OVERRIDE, 1L));
        f[58] = 0x20; // unsolicited, override
        take(withChecksum(f));
        assertThat(mac6()).isEqualTo(OTHER_MAC);
    }

    @Test
    void neighbourAdvertisement_solicitedToMulticast_isRefused() {
        byte[] f = hex(NeighbourFrames.NA);
        byte[] allNodes = hex("ff020000000000000000000000000001");
        System.arraycopy(allNodes, 0, f, 38, 16);
        NeighbourFrames.putMac(f, 0, 0x33_33_00_00_00_01L);
        take(withChecksum(f));
        assertThat(mac6()).isZero();
        assertThat(refused()).containsExactly(Map.entry(NeighbourRefusal.MALFORMED, 1L));
    }

    @Test
    void neighbourAdvertisement_unsolicitedOverrideToAllNodes_resolvesIt() {
        byte[] f = hex(NeighbourFrames.NA);
        System.arraycopy(hex("ff020000000000000000000000000001"), 0, f, 38, 16);
        NeighbourFrames.putMac(f, 0, 0x33_33_00_00_00_01L);
        f[58] = 0x20; // override only: an announcement (RFC 4861 7.2.6)
        take(withChecksum(f));
        assertThat(mac6()).isEqualTo(SERVER_MAC);
        assertThat(refused()).isEmpty();
    }

    @Test
    void neighbourAdvertisement_truncatedBelowItsPayloadLength_isRefused() {
        take(Arrays.copyOf(hex(NeighbourFrames.NA), 85));
        assertThat(mac6()).isZero();
        assertThat(refused()).containsExactly(Map.entry(NeighbourRefusal.MALFORMED, 1L));
    }

    @Test
    void neighbourAdvertisement_toAnotherHostsMac_isRefused() {
        byte[] f = hex(NeighbourFrames.NA);
        NeighbourFrames.putMac(f, 0, OTHER_MAC);
        take(f);
        assertThat(mac6()).isZero();
        assertThat(refused()).containsExactly(Map.entry(NeighbourRefusal.NOT_FOR_US, 1L));
    }

    @Test
    void neighbourAdvertisement_zeroLengthOption_isRefused() {
        byte[] f = hex(NeighbourFrames.NA);
        f[79] = 0;
        take(withChecksum(f));
        assertThat(mac6()).isZero();
        assertThat(refused()).containsExactly(Map.entry(NeighbourRefusal.MALFORMED, 1L));
    }

    // ---- solicitations for a virtual address

    @Test
    void neighbourSolicitation_forAVirtualAddressWithHopLimitBelow255_isNotAnswered() {
        byte[] f = hex(NeighbourFrames.NS);
        byte[] vip = hex("20010db8000100000000000000000010");
        System.arraycopy(vip, 0, f, 62, 16);
        f[21] = 64;
        take(withChecksum(f)); // answering would need a socket: none is given
        assertThat(plane.counters()[7]).as("answered").isZero();
        assertThat(refused()).containsExactly(Map.entry(NeighbourRefusal.HOP_LIMIT, 1L));
    }

    @Test
    void neighbourSolicitation_duplicateAddressDetectionOfAVirtualAddress_isNotAnsweredNorCounted() {
        byte[] f = hex(NeighbourFrames.DAD_NS);
        System.arraycopy(hex("20010db8000100000000000000000010"), 0, f, 62, 16); // target 2001:db8:1::10
        System.arraycopy(hex("ff0200000000000000000001ff000010"), 0, f, 38, 16); // its solicited-node group
        NeighbourFrames.putMac(f, 0, 0x33_33_ff_00_00_10L);
        assertThat(take(withChecksum(f))).isTrue(); // answering would need a socket: none is given
        assertThat(plane.counters()[7]).as("answered").isZero();
        assertThat(refused()).isEmpty();
    }
}
