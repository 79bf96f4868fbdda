package io.lvs4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Every caller mistake gets {@code name: value (expected: ...)}. */
class ModelValidationTest {

    @Test
    void weight_negative_isRejectedAtOnce() {
        assertThatThrownBy(() -> RealServer.of("10.0.0.2", 80).weight(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("weight: -1 (expected: 0..65535)");
    }

    @Test
    void weight_aboveIpvsadmLimit_isRejected() {
        assertThatThrownBy(() -> RealServer.of("10.0.0.2", 80).weight(65536))
                .hasMessage("weight: 65536 (expected: 0..65535)");
    }

    @Test
    void scheduler_unknownName_listsChoices() {
        assertThatThrownBy(() -> Scheduler.of("wrrr"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("scheduler: \"wrrr\" (expected: one of rr, wrr, lc, wlc, sed, nq, fo, ovf, lblc, lblcr, dh, sh, mh, twos)");
    }

    @Test
    void scheduler_nameIsCaseInsensitive() {
        assertThat(Scheduler.of("WRR")).isEqualTo(Scheduler.WRR);
    }

    @Test
    void schedulerFlag_unknown_listsChoices() {
        assertThatThrownBy(() -> SchedulerFlag.of("sh-ports"))
                .hasMessage("scheduler flag: \"sh-ports\" (expected: one of flag-1, flag-2, flag-3, sh-fallback, sh-port, mh-fallback, mh-port)");
    }

    @Test
    void port_outOfRange_isRejected() {
        assertThatThrownBy(() -> VirtualService.tcp("192.0.2.10", 65536))
                .hasMessage("port: 65536 (expected: 0..65535)");
        assertThatThrownBy(() -> RealServer.of("10.0.0.2", -1))
                .hasMessage("real server port: -1 (expected: 0..65535)");
    }

    @Test
    void address_hostName_isRejectedWithoutLookup() {
        assertThatThrownBy(() -> VirtualService.tcp("www.example.com", 80))
                .hasMessage("address: \"www.example.com\" (expected: an IPv4 or IPv6 address literal)");
    }

    @Test
    void fwmark_zero_isRejected() {
        assertThatThrownBy(() -> VirtualService.fwmark(0))
                .hasMessage("fwmark: 0 (expected: 1..4294967295)");
    }

    @Test
    void portZero_withoutPersistence_isRejectedInBuild() {
        VirtualService.Builder b = VirtualService.tcp("192.0.2.10", 0);
        assertThatThrownBy(b::build)
                .hasMessage("port: 0 (expected: 1..65535, or 0 for a persistent service)");
        assertThat(b.persistent().build().key().port()).isZero();
    }

    @Test
    void shFlag_onOtherScheduler_isRejectedInBuild() {
        VirtualService.Builder b = VirtualService.tcp("192.0.2.10", 80).scheduler(Scheduler.MH).flags(SchedulerFlag.SH_PORT);
        assertThatThrownBy(b::build)
                .hasMessage("scheduler flag: \"sh-port\" (expected: only with scheduler sh; scheduler is mh)");
    }

    @Test
    void genericFlags_areAllowedOnAnyScheduler() {
        VirtualService s = VirtualService.tcp("192.0.2.10", 80).scheduler(Scheduler.RR)
                .flags(SchedulerFlag.FLAG_1, SchedulerFlag.FLAG_3).build();
        assertThat(s.schedulerFlagBits()).isEqualTo(0x08 | 0x20);
    }

    @Test
    void persistence_fractionalSeconds_isRejected() {
        assertThatThrownBy(() -> VirtualService.tcp("192.0.2.10", 80).persistence(Duration.ofMillis(1500)))
                .hasMessage("persistence: PT1.5S (expected: whole seconds, 0...2678400 s)");
    }

    @Test
    void persistenceNetmask_ipv4_takesDottedMask() {
        VirtualService s = VirtualService.tcp("192.0.2.10", 80).persistent().persistenceNetmask("255.255.255.0").build();
        assertThat(s.persistenceNetmask()).isEqualTo(0xFFFFFF00);
        assertThat(s.persistenceNetmaskText()).isEqualTo("255.255.255.0");
    }

    @Test
    void persistenceNetmask_ipv6_takesPrefixLength() {
        VirtualService s = VirtualService.tcp("2001:db8::10", 80).persistent().persistenceNetmask("/64").build();
        assertThat(s.persistenceNetmask()).isEqualTo(64);
        assertThatThrownBy(() -> VirtualService.tcp("2001:db8::10", 80).persistencePrefixLength(0))
                .hasMessage("persistence prefix length: 0 (expected: 1..128)");
        assertThatThrownBy(() -> VirtualService.tcp("2001:db8::10", 80).persistenceNetmask("255.255.255.0"))
                .hasMessage("persistence netmask: \"255.255.255.0\" (expected: an IPv6 prefix length 1..128)");
    }

    @Test
    void persistenceEngine_badName_isRejected() {
        assertThatThrownBy(() -> VirtualService.udp("192.0.2.10", 5060).persistenceEngine("SIP proxy"))
                .hasMessage("persistence engine: \"SIP proxy\" (expected: 1..15 characters of a-z, 0-9, _ (e.g. sip))");
    }

    @Test
    void realServer_duplicateEndpoint_namesBoth() {
        VirtualService.Builder b = VirtualService.tcp("192.0.2.10", 80)
                .realServer(RealServer.of("10.0.0.2", 80))
                .realServer(RealServer.of("10.0.0.3", 80))
                .realServer(RealServer.of("10.0.0.2", 80).weight(5));
        assertThatThrownBy(b::build)
                .hasMessage("real server #3: \"10.0.0.2:80\" (expected: unique in TCP 192.0.2.10:80; real server #1 is 10.0.0.2:80)");
    }

    @Test
    void realServer_directRouting_takesTheServicePort() {
        VirtualService s = VirtualService.tcp("192.0.2.10", 80)
                .realServer(RealServer.of("10.0.0.2", 8080).route())
                .realServer(RealServer.of("10.0.0.3", 8080).masquerade())
                .realServer(RealServer.of("10.0.0.4").masquerade())
                .build();
        assertThat(s.realServers()).extracting(RealServer::port).containsExactly(80, 8080, 80);
    }

    @Test
    void realServer_otherFamily_onlyWithTunnel() {
        VirtualService.Builder b = VirtualService.tcp("192.0.2.10", 80).realServer(RealServer.of("2001:db8::2", 80).route());
        assertThatThrownBy(b::build)
                .hasMessage("real server [2001:db8::2]:80: \"IPv6\" (expected: the service's family IPv4, or tunnel forwarding)");
        VirtualService s = VirtualService.tcp("192.0.2.10", 80).realServer(RealServer.of("2001:db8::2", 80).tunnel()).build();
        assertThat(s.realServers().get(0).family()).isEqualTo(AddressFamily.INET6);
    }

    @Test
    void tunnelSettings_withoutTunnel_areRejected() {
        assertThatThrownBy(() -> RealServer.of("10.0.0.2", 80).tunnelPort(6080).masquerade().build())
                .hasMessage("tunnel settings: \"ipip:6080\" (expected: only with tunnel forwarding; forwarding is masq)");
    }

    @Test
    void gue_withoutPort_isRejected() {
        assertThatThrownBy(() -> RealServer.of("10.0.0.2", 80).tunnel(TunnelType.GUE).build())
                .hasMessage("tunnel port: 0 (expected: 1..65535 for gue)");
        RealServer r = RealServer.of("10.0.0.2", 80).tunnel(TunnelType.GUE).tunnelPort(6080)
                .tunnelChecksum(TunnelChecksum.REMCSUM).build();
        assertThat(r.tunnelPort()).isEqualTo(6080);
    }

    @Test
    void remcsum_onGre_isRejected() {
        assertThatThrownBy(() -> RealServer.of("10.0.0.2", 80).tunnel(TunnelType.GRE).tunnelChecksum(TunnelChecksum.REMCSUM).build())
                .hasMessage("tunnel checksum: \"--tun-remcsum\" (expected: --tun-remcsum only for gue)");
        assertThatThrownBy(() -> RealServer.of("10.0.0.2", 80).tunnel().tunnelChecksum(TunnelChecksum.CSUM).build())
                .hasMessage("tunnel checksum: \"--tun-csum\" (expected: none for ipip)");
    }

    @Test
    void thresholds_lowerAboveUpper_isRejectedAsTheKernelDoes() {
        assertThatThrownBy(() -> RealServer.of("10.0.0.2", 80).upperThreshold(100).lowerThreshold(200).build())
                .hasMessage("lower threshold: 200 (expected: <= upper threshold 100)");
        assertThatThrownBy(() -> RealServer.of("10.0.0.2", 80).upperThreshold(-5))
                .hasMessage("upper threshold: -5 (expected: 0..2147483647)");
    }

    @Test
    void directorConfig_duplicateService_namesBoth() {
        DirectorConfig.Builder b = DirectorConfig.builder()
                .service(VirtualService.tcp("2001:db8::10", 80))
                .service(VirtualService.udp("2001:db8::10", 80));
        assertThatThrownBy(() -> b.service(VirtualService.tcp("2001:0db8:0::10", 80)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("service #3: \"TCP [2001:db8::10]:80\" (expected: a key not used yet; service #1 is TCP [2001:db8::10]:80)");
    }

    @Test
    void timeouts_outOfRange_isRejected() {
        assertThatThrownBy(() -> Timeouts.ofSeconds(900, -1, 300))
                .hasMessage("tcpfin timeout: -1 (expected: 0..2678400)");
    }

    @Test
    void nullArguments_areNamed() {
        assertThatThrownBy(() -> VirtualService.tcp("192.0.2.10", 80).scheduler((Scheduler) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("scheduler: null (expected: non-null)");
    }
}
