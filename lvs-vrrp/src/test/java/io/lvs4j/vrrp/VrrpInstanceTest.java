package io.lvs4j.vrrp;

import static io.lvs4j.vrrp.Sim.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.time.VirtualClock;
import io.lvs4j.vrrp.memory.InMemoryNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class VrrpInstanceTest {
    static VrrpInstance.Builder base() {
        return VrrpInstance.builder("VI_1").interfaceName("eth0").virtualRouterId(51).sourceAddress(ip("192.0.2.1"))
                .virtualAddress("192.0.2.100");
    }

    @Test
    void defaults_areKeepalivedDefaults() {
        VrrpInstance i = base().build();
        assertThat(i.version()).isEqualTo(2);
        assertThat(i.priority()).isEqualTo(100);
        assertThat(i.advertInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(i.initialState()).isEqualTo(InitialState.BACKUP);
        assertThat(i.nopreempt()).isFalse();
        assertThat(i.preemptDelay()).isZero();
        assertThat(i.acceptMode()).isFalse();
        assertThat(i.authentication()).isEmpty();
        assertThat(i.unicastPeers()).isEmpty();
        assertThat(i.excludedAddresses()).isEmpty();
        assertThat(i.garp()).isEqualTo(GarpSettings.DEFAULTS);
        assertThat(i.trackedInterfaces()).isEmpty();
        assertThat(i.trackedScripts()).isEmpty();
        assertThat(i.dontTrackPrimary()).isFalse();
        assertThat(i.notifyMaster()).isEmpty();
        assertThat(i.useVmac()).isFalse();
        assertThat(base().priority(255).build().acceptMode()).isTrue();
    }

    @Test
    void setters_rejectOutOfRange_namingTheInstanceAndSetting() {
        assertThatThrownBy(() -> base().priority(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("vrrp_instance VI_1 priority: 0 (expected: 1..255)");
        assertThatThrownBy(() -> base().virtualRouterId(300))
                .hasMessage("vrrp_instance VI_1 virtual_router_id: 300 (expected: 1..255)");
        assertThatThrownBy(() -> base().version(4)).hasMessage("vrrp_instance VI_1 version: 4 (expected: 2..3)");
        assertThatThrownBy(() -> base().advertInterval(Duration.ofMillis(15)))
                .hasMessage("vrrp_instance VI_1 advert_int: PT0.015S (expected: a multiple of 10ms from 10ms to 255s)");
        assertThatThrownBy(() -> base().advertInterval(Duration.ofSeconds(256)))
                .hasMessage("vrrp_instance VI_1 advert_int: PT4M16S (expected: a multiple of 10ms from 10ms to 255s)");
        assertThatThrownBy(() -> base().preemptDelay(Duration.ofSeconds(1001)))
                .hasMessage("vrrp_instance VI_1 preempt_delay: PT16M41S (expected: 0s..1000s)");
        assertThatThrownBy(() -> base().interfaceName("a/b"))
                .hasMessage("vrrp_instance VI_1 interface: \"a/b\" (expected: an interface name of 1 to 15 characters"
                        + " without '/' or blanks)");
        assertThatThrownBy(() -> base().interfaceName("sixteen-chars-xx")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> base().virtualAddress("192.0.2.300/24"))
                .hasMessage("vrrp_instance VI_1 virtual_ipaddress: \"192.0.2.300/24\" (expected: an IPv4 or IPv6"
                        + " address literal with an optional /prefix length)");
        assertThatThrownBy(() -> base().virtualAddress("192.0.2.1/33"))
                .hasMessage("vrrp_instance VI_1 virtual_ipaddress: \"192.0.2.1/33\" (expected: a prefix length 0..32)");
        assertThatThrownBy(() -> base().excludedAddress("2001:db8::1/129"))
                .hasMessage("vrrp_instance VI_1 virtual_ipaddress: \"2001:db8::1/129\" (expected: a prefix length"
                        + " 0..128)");
        assertThatThrownBy(() -> base().unicastPeer("peer.example"))
                .hasMessageStartingWith("vrrp_instance VI_1 unicast_peer: \"peer.example\"");
        assertThatThrownBy(() -> base().sourceAddress("192.0.2"))
                .hasMessageStartingWith("vrrp_instance VI_1 unicast_src_ip: \"192.0.2\"");
        assertThatThrownBy(() -> base().trackInterface("eth1", 255))
                .hasMessage("vrrp_instance VI_1 track_interface eth1 weight: 255 (expected: -254..254)");
        assertThatThrownBy(() -> base().trackScript("chk", -255, true))
                .hasMessage("vrrp_instance VI_1 track_script chk weight: -255 (expected: -254..254)");
        assertThatThrownBy(() -> base().trackScript(" "))
                .hasMessage("vrrp_instance VI_1 track_script: \" \" (expected: a name)");
        assertThatThrownBy(() -> base().notifyMaster("/bin/x \"y"))
                .hasMessage("vrrp_instance VI_1 notify_master: \"/bin/x \"y\" (expected: a program and its arguments,"
                        + " quotes balanced)");
        assertThatThrownBy(() -> base().notifyAny(" ")).hasMessageStartingWith("vrrp_instance VI_1 notify: ");
        assertThatThrownBy(() -> base().vmacInterface("")).hasMessageStartingWith("vrrp_instance VI_1 use_vmac: \"\"");
        assertThatThrownBy(() -> VrrpInstance.builder("VI 1")).hasMessage(
                "vrrp_instance: \"VI 1\" (expected: a name without blanks)");
    }

    @Test
    void setters_rejectNull_namingTheInstanceAndSetting() {
        assertThatThrownBy(() -> base().interfaceName(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("vrrp_instance VI_1 interface: null (expected: non-null)");
        assertThatThrownBy(() -> base().virtualAddress((VirtualAddress) null))
                .hasMessage("vrrp_instance VI_1 virtual_ipaddress: null (expected: non-null)");
        assertThatThrownBy(() -> base().virtualAddresses(java.util.Arrays.asList(VirtualAddress.of("192.0.2.2"), null)))
                .hasMessage("vrrp_instance VI_1 virtual_ipaddress: null (expected: non-null)");
        assertThatThrownBy(() -> base().authentication(null))
                .hasMessage("vrrp_instance VI_1 authentication: null (expected: non-null)");
        assertThatThrownBy(() -> base().garp(null)).hasMessage("vrrp_instance VI_1 garp: null (expected: non-null)");
        assertThatThrownBy(() -> base().initialState(null))
                .hasMessage("vrrp_instance VI_1 state: null (expected: non-null)");
    }

    @Test
    void build_rejectsConflictsAndMissingSettings() {
        assertThatThrownBy(() -> base().advertInterval(Duration.ofMillis(1500)).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("vrrp_instance VI_1 advert_int: PT1.5S (expected: whole seconds 1..255 for VRRPv2)");
        assertThatThrownBy(() -> base().version(3).advertInterval(Duration.ofSeconds(41)).build())
                .hasMessage("vrrp_instance VI_1 advert_int: PT41S (expected: 10ms..40.95s for VRRPv3)");
        assertThatThrownBy(() -> base().version(3).authentication(VrrpAuthentication.ah("x")).build())
                .hasMessage("vrrp_instance VI_1 authentication: VrrpAuthentication[type=AH, password=<redacted>]"
                        + " (expected: none for VRRPv3 (RFC 5798 removed it))");
        VrrpInstance.Builder v6 = VrrpInstance.builder("VI_6").interfaceName("eth0").virtualRouterId(6)
                .virtualAddress("2001:db8::1/64");
        assertThatThrownBy(v6::build)
                .hasMessage("vrrp_instance VI_6 version: 2 (expected: 3 for IPv6 (RFC 3768 is IPv4 only))");
        assertThat(v6.version(3).build().ipv6()).isTrue();
        assertThatThrownBy(() -> base().virtualAddress("2001:db8::1").build())
                .hasMessage("vrrp_instance VI_1 virtual_ipaddress: \"2001:db8::1\" (expected: IPv4 like the first"
                        + " virtual address (other families: excludedAddress))");
        assertThatThrownBy(() -> base().sourceAddress("fe80::1").build())
                .hasMessage("vrrp_instance VI_1 unicast_src_ip: \"fe80::1\" (expected: IPv4 like the virtual addresses)");
        assertThatThrownBy(() -> base().unicastPeer("2001:db8::2").build())
                .hasMessage("vrrp_instance VI_1 unicast_peer: \"2001:db8::2\" (expected: IPv4 like the virtual"
                        + " addresses)");
        assertThatThrownBy(() -> base().nopreempt(true).initialState(InitialState.MASTER).build())
                .hasMessage("vrrp_instance VI_1 nopreempt: \"with state MASTER\" (expected: initial state BACKUP"
                        + " (keepalived: nopreempt needs it))");
        assertThatThrownBy(() -> base().priority(255).trackScript("chk", -10).build())
                .hasMessage("vrrp_instance VI_1 track_script chk weight: -10 (expected: 0 for the address owner"
                        + " (priority 255))");
        assertThatThrownBy(() -> VrrpInstance.builder("x").virtualRouterId(1).virtualAddress("192.0.2.1").build())
                .hasMessage("vrrp_instance x interface: null (expected: an interface name)");
        assertThatThrownBy(() -> VrrpInstance.builder("x").interfaceName("eth0").virtualAddress("192.0.2.1").build())
                .hasMessage("vrrp_instance x virtual_router_id: null (expected: 1..255)");
        assertThatThrownBy(() -> VrrpInstance.builder("x").interfaceName("eth0").virtualRouterId(1).build())
                .hasMessage("vrrp_instance x virtual_ipaddress: \"[]\" (expected: at least one address)");
    }

    @Test
    void build_addressOwnerWithUnweightedTracking_accepted() {
        VrrpInstance owner = base().priority(255).trackInterface("eth1").trackScript("chk").trackInterface("eth2", 0)
                .build();
        assertThat(owner.trackedInterfaces()).extracting(Track::toString).containsExactly("eth1", "eth2 weight 0");
        assertThat(owner.trackedScripts()).extracting(Track::name).containsExactly("chk");
        assertThatThrownBy(() -> base().priority(255).trackInterface("eth1").trackInterface("eth2", 5).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("vrrp_instance VI_1 track_interface eth2 weight: 5 (expected: 0 for the address owner"
                        + " (priority 255))");
    }

    @Test
    void build_excludedAddressesOfTheOtherFamily_accepted() {
        VrrpInstance i = base().excludedAddress("2001:db8::10/64").excludedAddress("198.51.100.1").build();
        assertThat(i.excludedAddresses()).extracting(VirtualAddress::toString)
                .containsExactly("2001:db8::10/64", "198.51.100.1/32");
    }

    @Test
    void authentication_passwordChecked_andRedacted() {
        assertThatThrownBy(() -> VrrpAuthentication.pass("123456789"))
                .hasMessage("auth_pass: \"<redacted>\" (expected: 1 to 8 ISO-8859-1 characters)");
        assertThatThrownBy(() -> VrrpAuthentication.ah("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VrrpAuthentication.pass(null))
                .hasMessage("auth_pass: null (expected: a password of 1 to 8 characters)");
        String s = base().authentication(VrrpAuthentication.pass("hunter2")).build().toString();
        assertThat(s).doesNotContain("hunter2").contains("<redacted>");
        assertThat(VrrpAuthentication.ah("hunter2").toString()).doesNotContain("hunter2");
    }

    @Test
    void everySetting_keptAndRebuiltByToBuilder() {
        VrrpInstance i = VrrpInstance.builder("VI_9").interfaceName("eth0").virtualRouterId(9).version(3).priority(150)
                .advertInterval(Duration.ofMillis(500)).initialState(InitialState.BACKUP).nopreempt(true)
                .preemptDelay(Duration.ofSeconds(3)).acceptMode(true).sourceAddress("192.0.2.1")
                .virtualAddress(VirtualAddress.builder("192.0.2.9/24").device("eth1").label("eth1:9").scope("link")
                        .broadcast("192.0.2.255").build())
                .virtualAddress("192.0.2.10").excludedAddress("2001:db8::9/64").unicastPeer("192.0.2.2")
                .garp(GarpSettings.builder().masterDelay(Duration.ofSeconds(1)).masterRepeat(3).build())
                .higherPrioritySendAdvert(true).trackInterface("eth1").trackInterface("eth2", -20, true)
                .trackScript("chk").trackScript("chk2", 0).dontTrackPrimary(true).notifyMaster("/bin/m")
                .notifyBackup("/bin/b").notifyFault("/bin/f").notifyStop("/bin/s").notifyAny("/bin/n x")
                .build();
        assertThat(i.virtualRouterId()).isEqualTo(9);
        assertThat(i.priority()).isEqualTo(150);
        assertThat(i.advertIntervalCentis()).isEqualTo(50);
        assertThat(i.nopreempt()).isTrue();
        assertThat(i.acceptMode()).isTrue();
        assertThat(i.sourceAddress()).contains(ip("192.0.2.1"));
        assertThat(i.unicastPeers()).containsExactly(ip("192.0.2.2"));
        VirtualAddress v = i.virtualAddresses().get(0);
        assertThat(v.prefixLength()).isEqualTo(24);
        assertThat(v.device()).contains("eth1");
        assertThat(v.label()).contains("eth1:9");
        assertThat(v.scope()).isEqualTo(VirtualAddress.SCOPE_LINK);
        assertThat(v.broadcast()).contains(ip("192.0.2.255"));
        assertThat(i.virtualAddresses().get(1).prefixLength()).isEqualTo(32);
        assertThat(i.garp().masterRepeat()).isEqualTo(3);
        assertThat(i.garp().lowerPrioRepeat()).isEqualTo(3);
        assertThat(i.higherPrioritySendAdvert()).isTrue();
        assertThat(i.trackedInterfaces()).extracting(Track::toString).containsExactly("eth1", "eth2 weight -20 reverse");
        assertThat(i.trackedScripts().get(0).weight()).isEqualTo(OptionalInt.empty());
        assertThat(i.trackedScripts().get(1).weight()).isEqualTo(OptionalInt.of(0));
        assertThat(i.notifyAny()).contains("/bin/n x");
        assertThat(i.notifyStop()).contains("/bin/s");
        assertThat(i.toBuilder().build()).isEqualTo(i).hasSameHashCodeAs(i);
        assertThat(i.toBuilder().priority(151).build()).isNotEqualTo(i);
        assertThat(i.toBuilder().build().toString()).isEqualTo(i.toString());
    }

    @Test
    void toBuilder_acceptModeLeftToDefault_followsANewPriority() {
        VrrpInstance owner = base().priority(255).build();
        assertThat(owner.toBuilder().priority(100).build().acceptMode()).isFalse();
    }

    @Test
    void vmac_setByEitherSetter() {
        assertThat(base().useVmac().build().useVmac()).isTrue();
        VrrpInstance named = base().vmacInterface("vrrp.51").build();
        assertThat(named.useVmac()).isTrue();
        assertThat(named.vmacInterface()).contains("vrrp.51");
    }

    @Test
    void vmacName_defaultOrGiven_isKeepalivedsName() {
        assertThat(base().useVmac().build().vmacName()).contains("vrrp.51");
        assertThat(base().vmacInterface("vip0").build().vmacName()).contains("vip0");
        assertThat(base().build().vmacName()).isEmpty();
    }

    @Test
    void virtualMac_ipv6_is00005e0002Vrid() {
        // RFC 5798 section 7.3: 00-00-5E-00-02-{VRID} for IPv6
        assertThat(VrrpInstance.builder("VI_6").interfaceName("eth0").virtualRouterId(7).version(3)
                .virtualAddress("2001:db8::1/64").useVmac().build().virtualMac())
                .containsExactly(0x00, 0x00, 0x5e, 0x00, 0x02, 0x07);
    }

    @Test
    void virtualMac_ipv4_is00005e0001Vrid() {
        assertThat(base().virtualRouterId(200).useVmac().build().virtualMac())
                .containsExactly(0x00, 0x00, 0x5e, 0x00, 0x01, 0xc8);
    }

    @Test
    void vmacTransmitOnBase_withoutUseVmac_rejected() {
        assertThat(base().useVmac().vmacTransmitOnBase(true).build().vmacTransmitOnBase()).isTrue();
        assertThat(base().useVmac().build().vmacTransmitOnBase()).isFalse();
        assertThatThrownBy(() -> base().vmacTransmitOnBase(true).build()).isInstanceOf(IllegalStateException.class)
                .hasMessage("vrrp_instance VI_1 vmac_xmit_base: true (expected: use_vmac as well)");
    }

    @Test
    void useVmac_withUnicastPeersButNoTransmitOnBase_rejectedAsKeepalivedDocuments() {
        assertThatThrownBy(() -> base().useVmac().unicastPeer("192.0.2.2").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("vrrp_instance VI_1 use_vmac: \"vrrp.51\" (expected: vmac_xmit_base as well with unicast peers)");
        assertThat(base().useVmac().vmacTransmitOnBase(true).unicastPeer("192.0.2.2").build().unicastPeers()).hasSize(1);
    }

    @Test
    void toBuilder_keepsVmacSettings() {
        VrrpInstance i = base().vmacInterface("vip0").vmacTransmitOnBase(true).build();
        assertThat(i.toBuilder().build()).isEqualTo(i);
        assertThat(i.toBuilder().vmacTransmitOnBase(false).build()).isNotEqualTo(i);
    }

    @Test
    void unicastTtl_outOfRangeOrWithoutPeers_rejected() {
        assertThatThrownBy(() -> base().unicastTtl(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("vrrp_instance VI_1 unicast_ttl: 0 (expected: 1..255)");
        assertThatThrownBy(() -> base().unicastTtl(256))
                .hasMessage("vrrp_instance VI_1 unicast_ttl: 256 (expected: 1..255)");
        assertThatThrownBy(() -> base().unicastTtl(200).build()).isInstanceOf(IllegalStateException.class)
                .hasMessage("vrrp_instance VI_1 unicast_ttl: 200 (expected: 255 without unicast peers (multicast"
                        + " adverts carry 255))");
        VrrpInstance i = base().unicastPeer("192.0.2.2").unicastTtl(200).build();
        assertThat(i.unicastTtl()).isEqualTo(200);
        assertThat(i.toBuilder().build()).isEqualTo(i).isNotEqualTo(base().unicastPeer("192.0.2.2").build());
        assertThat(base().build().unicastTtl()).isEqualTo(255);
    }

    @Test
    void router_unicastTtl_sentInTheIpv4HeaderOfEachUnicastAdvert() {
        VirtualClock clock = new VirtualClock();
        List<byte[]> sent = new ArrayList<>();
        io.lvs4j.vrrp.spi.VrrpTransport capture = new io.lvs4j.vrrp.spi.VrrpTransport() {
            @Override
            public void open(Receiver receiver) {}

            @Override
            public void send(io.netty.buffer.ByteBuf packet, java.net.InetAddress destination) {
                byte[] b = new byte[packet.readableBytes()];
                packet.getBytes(packet.readerIndex(), b);
                sent.add(b);
            }

            @Override
            public void close() {}
        };
        for (int ttl : new int[] {200, 255, 1}) {
            sent.clear();
            VrrpRouter r = VrrpRouter.create(base().priority(255).initialState(InitialState.MASTER)
                    .unicastPeer("192.0.2.2").unicastTtl(ttl).build(), capture, clock);
            r.start();
            clock.advance(Duration.ofSeconds(3));
            assertThat(sent).as("adverts at TTL %d", ttl).hasSizeGreaterThanOrEqualTo(2);
            assertThat(sent).allSatisfy(p -> assertThat(p[8] & 0xff).isEqualTo(ttl));
            r.stop();
        }
    }

    @Test
    void router_instanceWithoutSourceAddress_rejected() {
        VirtualClock clock = new VirtualClock();
        VrrpInstance i = VrrpInstance.builder("x").interfaceName("eth0").virtualRouterId(1).virtualAddress("192.0.2.1")
                .build();
        assertThatThrownBy(() -> VrrpRouter.create(i, new InMemoryNetwork(clock).attach("n", ip("192.0.2.2")), clock))
                .hasMessage("vrrp_instance x source address: null (expected: an address (VrrpNode takes the"
                        + " interface's))");
    }

    @Test
    void excludedAddresses_heldAndAnnouncedButNotAdvertised() {
        Sim sim = new Sim();
        VrrpRouter a = sim.router("A", "192.0.2.1", 200, b -> b.excludedAddress("2001:db8::10/64"));
        VrrpRouter b = sim.router("B", "192.0.2.2", 100);
        sim.startAll();
        sim.runTo(5 * Sim.S);
        assertThat(sim.masters()).containsExactly("A");
        List<String> added = new ArrayList<>();
        sim.events.stream().filter(e -> e instanceof VrrpEvent.AddressesAdded).map(e -> (VrrpEvent.AddressesAdded) e)
                .forEach(e -> e.addresses().forEach(x -> added.add(x.toString())));
        assertThat(added).containsExactly("192.0.2.100/32", "2001:db8::10/64");
        assertThat(sim.garps("A", VrrpEvent.GarpReason.BECAME_MASTER).get(0).addresses()).hasSize(2);
        // the adverts carry only the virtual address: B, advertising 192.0.2.100 alone, sees the same list
        assertThat(b.statistics().addressListMismatches()).isZero();
        assertThat(b.statistics().advertisementsAccepted()).isPositive();
        assertThat(a.instance().excludedAddresses()).hasSize(1);
    }

    @Test
    void routerState_transitionTable() {
        assertThat(RouterState.INIT.canTransitionTo(RouterState.MASTER)).isTrue();
        assertThat(RouterState.FAULT.canTransitionTo(RouterState.MASTER)).isFalse();
        assertThat(RouterState.BACKUP.canTransitionTo(RouterState.BACKUP)).isFalse();
        assertThat(RouterState.MASTER.canTransitionTo(RouterState.INIT)).isTrue();
        int legal = 0;
        for (RouterState a : RouterState.values()) {
            for (RouterState b : RouterState.values()) {
                legal += a.canTransitionTo(b) ? 1 : 0;
            }
        }
        assertThat(legal).isEqualTo(11);
    }

    @Test
    void skewAndMasterDownInterval_microseconds() {
        Sim sim = new Sim();
        VrrpRouter v3 = sim.router("a", "192.0.2.1", 254, b -> b.advertInterval(Duration.ofMillis(30)));
        // (256-254) * 3 cs / 256 = 0.0234375 cs = 234.375 us
        assertThat(v3.skewTimeMicros()).isEqualTo(234L);
        assertThat(v3.masterDownIntervalMicros()).isEqualTo(90_234L);
        VrrpRouter v2 = sim.router("b", "192.0.2.2", 1, b -> b.version(2).advertInterval(Duration.ofSeconds(3)));
        // v2 skew does not scale with the interval: 255/256 s
        assertThat(v2.skewTimeMicros()).isEqualTo(996_093L);
        assertThat(v2.masterDownIntervalMicros()).isEqualTo(9_996_093L);
    }

    @Test
    void unicastPeers_sendToEachPeer() {
        Sim sim = new Sim();
        VrrpRouter a = sim.router("A", "192.0.2.1", 200,
                b -> b.unicastPeers(List.of(ip("192.0.2.2"), ip("192.0.2.3"))));
        VrrpRouter b = sim.router("B", "192.0.2.2", 100, x -> x.unicastPeers(List.of(ip("192.0.2.1"), ip("192.0.2.3"))));
        VrrpRouter c = sim.router("C", "192.0.2.3", 50, x -> x.unicastPeers(List.of(ip("192.0.2.1"), ip("192.0.2.2"))));
        sim.startAll();
        sim.runTo(20 * Sim.S);
        assertThat(sim.masters()).containsExactly("A");
        assertThat(a.statistics().advertisementsSent()).isEqualTo(34);
        assertThat(b.statistics().advertisementsAccepted()).isEqualTo(17);
        assertThat(c.statistics().advertisementsAccepted()).isEqualTo(17);
        assertThat(b.statistics().droppedTotal()).isZero();
    }

    @Test
    void unicastPeerTtl_outOfRange_refusedAtOnce() {
        assertThatThrownBy(() -> UnicastPeer.builder("192.0.2.2").minTtl(300))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unicast_peer 192.0.2.2 min_ttl: 300 (expected: 0..255)");
        assertThatThrownBy(() -> UnicastPeer.builder("192.0.2.2").maxTtl(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unicast_peer 192.0.2.2 max_ttl: -1 (expected: 0..255)");
        assertThatThrownBy(() -> UnicastPeer.builder("peer.example"))
                .hasMessageStartingWith("unicast_peer: \"peer.example\"");
    }

    @Test
    void unicastPeerTtl_minAboveMax_refusedInBuild() {
        UnicastPeer.Builder b = UnicastPeer.builder("192.0.2.2").minTtl(250).maxTtl(200);
        assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
                .hasMessage("unicast_peer 192.0.2.2 min_ttl: 250 (expected: at most max_ttl 200, else every advert is"
                        + " dropped)");
    }

    @Test
    void unicastPeerTtl_defaultsAndRoundTrip() {
        UnicastPeer any = UnicastPeer.of(ip("192.0.2.2"));
        assertThat(any.minTtl()).isZero();
        assertThat(any.maxTtl()).isEqualTo(255);
        assertThat(any.acceptsAnyTtl()).isTrue();
        assertThat(any).hasToString("192.0.2.2");
        UnicastPeer bounded = UnicastPeer.builder("192.0.2.2").minTtl(254).build();
        assertThat(bounded).hasToString("192.0.2.2 min_ttl 254 max_ttl 255");
        assertThat(bounded.accepts(253)).isFalse();
        assertThat(bounded.accepts(254)).isTrue();
        assertThat(bounded.toBuilder().build()).isEqualTo(bounded).isNotEqualTo(any);
        VrrpInstance i = base().unicastPeer(bounded).unicastPeer("192.0.2.3").build();
        assertThat(i.unicastPeers()).containsExactly(ip("192.0.2.2"), ip("192.0.2.3"));
        assertThat(i.unicastPeerBounds()).containsExactly(bounded, UnicastPeer.of(ip("192.0.2.3")));
        assertThat(i.toBuilder().build()).isEqualTo(i);
        assertThat(base().unicastPeer("192.0.2.2").build()).isNotEqualTo(base().unicastPeer(bounded).build());
    }

    @Test
    void unicastPeerTtl_advertOutsideBounds_droppedAndBothMaster() {
        // the in-memory network delivers IPv4 adverts with TTL 255: bounds up to 254 refuse them all
        Sim sim = new Sim();
        VrrpRouter a = sim.router("A", "192.0.2.1", 200, b -> b.unicastPeer("192.0.2.2"));
        VrrpRouter b = sim.router("B", "192.0.2.2", 100,
                x -> x.unicastPeer(UnicastPeer.builder("192.0.2.1").minTtl(1).maxTtl(254).build()));
        sim.startAll();
        sim.runTo(20 * Sim.S);
        assertThat(sim.masters()).containsExactlyInAnyOrder("A", "B");
        assertThat(b.statistics().dropped(DropReason.TTL_OUT_OF_BOUNDS)).isGreaterThan(10);
        assertThat(b.statistics().advertisementsAccepted()).isZero();
        assertThat(a.statistics().dropped(DropReason.TTL_OUT_OF_BOUNDS)).isZero();
    }

    @Test
    void unicastPeerTtl_advertInsideBounds_accepted() {
        Sim sim = new Sim();
        sim.router("A", "192.0.2.1", 200, b -> b.unicastPeer("192.0.2.2"));
        VrrpRouter b = sim.router("B", "192.0.2.2", 100,
                x -> x.unicastPeer(UnicastPeer.builder("192.0.2.1").minTtl(255).build()));
        sim.startAll();
        sim.runTo(20 * Sim.S);
        assertThat(sim.masters()).containsExactly("A");
        assertThat(b.statistics().droppedTotal()).isZero();
        assertThat(b.statistics().advertisementsAccepted()).isGreaterThan(10);
    }
}
