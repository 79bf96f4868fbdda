package io.lvs4j.director.config;

import static io.lvs4j.director.config.Configs.parse;
import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.AddressFamily;
import io.lvs4j.Forwarding;
import io.lvs4j.Protocol;
import io.lvs4j.Scheduler;
import io.lvs4j.SchedulerFlag;
import io.lvs4j.VirtualService;
import java.util.List;
import org.junit.jupiter.api.Test;

/** keepalived 2.2.7's defaults and expansions, as its check_data.c / ipwrapper.c apply them. */
class MappingTest {
    private static List<VirtualService> services(String text) throws Exception {
        return parse(text).config().virtualServices();
    }

    @Test
    void defaults_wlc_nat_udp_weight1() throws Exception {
        ConfigResult r = parse("virtual_server 192.0.2.1 53 {\n real_server 10.0.0.1 53 {\n }\n}\n");
        VirtualService s = r.config().virtualServices().get(0);
        assertThat(s.scheduler()).isEqualTo(Scheduler.WLC);
        assertThat(s.key().protocol()).isEqualTo(Protocol.UDP);
        assertThat(s.realServers().get(0).forwarding()).isEqualTo(Forwarding.MASQ);
        assertThat(s.realServers().get(0).weight()).isEqualTo(1);
        assertThat(r.warnings()).extracting(ConfigProblem::message).contains(
                "virtual_server 192.0.2.1 53: no protocol - UDP, as keepalived defaults",
                "virtual_server 192.0.2.1 53: no lvs_sched - wlc, as keepalived defaults");
    }

    @Test
    void persistenceGranularityAlone_means360s() throws Exception {
        VirtualService s = services("virtual_server 192.0.2.1 443 {\n protocol TCP\n persistence_granularity 255.255.255.0\n"
                + " real_server 10.0.0.1 443 {\n }\n}\n").get(0);
        assertThat(s.persistenceSeconds()).isEqualTo(360);
        assertThat(s.persistenceNetmaskText()).isEqualTo("255.255.255.0");
    }

    @Test
    void persistenceTimeoutWithoutValue_is360() throws Exception {
        assertThat(services("virtual_server 192.0.2.1 443 {\n protocol TCP\n persistence_timeout\n real_server 10.0.0.1 443 {\n }\n}\n")
                .get(0).persistenceSeconds()).isEqualTo(360);
    }

    @Test
    void noRealServers_notInstalled() throws Exception {
        assertThat(services("virtual_server 192.0.2.1 80 {\n protocol TCP\n}\n")).isEmpty();
    }

    @Test
    void drRealServer_takesServicePort_andVsWeightIsDefault() throws Exception {
        VirtualService s = services("virtual_server 192.0.2.1 80 {\n protocol TCP\n lb_kind DR\n weight 7\n"
                + " real_server 10.0.0.1 8080 {\n }\n real_server 10.0.0.2 {\n  weight 2\n }\n}\n").get(0);
        assertThat(s.realServers()).extracting(r -> r.port()).containsExactly(80, 80);
        assertThat(s.realServers()).extracting(r -> r.weight()).containsExactly(7, 2);
    }

    @Test
    void groupRangesAndFwmarks_expand() throws Exception {
        List<VirtualService> s = services("virtual_server_group G {\n 192.0.2.1-3 80\n 192.0.2.8/31 80\n fwmark 7\n}\n"
                + "virtual_server group G {\n protocol TCP\n lb_algo rr\n lb_kind DR\n real_server 10.0.0.1 80 {\n }\n}\n");
        assertThat(s).extracting(v -> v.key().toString()).containsExactly("TCP 192.0.2.1:80", "TCP 192.0.2.2:80",
                "TCP 192.0.2.3:80", "TCP 192.0.2.8:80", "TCP 192.0.2.9:80", "FWM 7");
    }

    @Test
    void fwmark_ipv6_fromIpFamily_andFlags() throws Exception {
        VirtualService s = services("virtual_server fwmark 5 {\n ip_family inet6\n lvs_sched sh\n sh-port\n ops\n"
                + " lvs_method TUN\n real_server 2001:db8::1 {\n }\n}\n").get(0);
        assertThat(s.key().family()).isEqualTo(AddressFamily.INET6);
        assertThat(s.flags()).containsExactly(SchedulerFlag.SH_PORT);
        assertThat(s.onePacket()).isTrue();
    }

    @Test
    void quorumNotMet_installsOnlySorryServer_andInhibitedAtWeight0() throws Exception {
        VirtualService s = services("virtual_server 192.0.2.1 80 {\n protocol TCP\n lb_kind DR\n quorum 2\n hysteresis 1\n"
                + " sorry_server 10.0.0.9 80\n real_server 10.0.0.1 80 {\n  inhibit_on_failure\n }\n"
                + " real_server 10.0.0.2 80 {\n }\n}\n").get(0);
        assertThat(s.realServers()).extracting(r -> r.endpoint() + "/" + r.weight())
                .containsExactly("10.0.0.1:80/0", "10.0.0.9:80/1");
    }

    @Test
    void quorumMet_noSorryServer() throws Exception {
        VirtualService s = services("virtual_server 192.0.2.1 80 {\n protocol TCP\n quorum 2\n"
                + " sorry_server 10.0.0.9 80\n real_server 10.0.0.1 80 {\n }\n real_server 10.0.0.2 80 {\n }\n}\n").get(0);
        assertThat(s.realServers()).extracting(r -> r.endpoint()).containsExactly("10.0.0.1:80", "10.0.0.2:80");
    }

    /** keepalived 2.2.7's init_service_vs: with sorry_server_inhibit and quorum met, the sorry server is in at weight 0. */
    @Test
    void quorumMet_sorryServerInhibit_sorryServerAtWeight0() throws Exception {
        VirtualService s = services("virtual_server 192.0.2.1 80 {\n protocol TCP\n quorum 2\n"
                + " sorry_server 10.0.0.9 8080\n sorry_server_inhibit\n sorry_server_lvs_method DR\n"
                + " real_server 10.0.0.1 80 {\n }\n real_server 10.0.0.2 80 {\n }\n}\n").get(0);
        assertThat(s.realServers()).extracting(r -> r.endpoint() + "/" + r.weight() + "/" + r.forwarding())
                .containsExactly("10.0.0.1:80/1/MASQ", "10.0.0.2:80/1/MASQ", "10.0.0.9:80/0/ROUTE");
    }

    @Test
    void duplicateRealServer_laterDropped() throws Exception {
        VirtualService s = services("virtual_server 192.0.2.1 80 {\n protocol TCP\n real_server 10.0.0.1 80 {\n weight 3\n }\n"
                + " real_server 10.0.0.1 80 {\n weight 5\n }\n}\n").get(0);
        assertThat(s.realServers()).extracting(r -> r.weight()).containsExactly(3);
    }

    /** Oracle 26-sorry-inhibit: keepalived logs "IP_VS_SO_SET_ADDDEST ... Destination already exists". */
    @Test
    void sorryServerIsAnInhibitedRealServer_staysAtWeight0_andNoSorryServerIsAdded() throws Exception {
        ConfigResult r = parse("virtual_server 192.0.2.1 80 {\n protocol TCP\n sorry_server 10.0.0.1 80\n"
                + " real_server 10.0.0.1 80 {\n  weight 0\n  inhibit_on_failure\n }\n}\n");
        assertThat(r.config().virtualServices().get(0).realServers()).extracting(x -> x.endpoint() + "/" + x.weight())
                .containsExactly("10.0.0.1:80/0");
        assertThat(r.warnings()).extracting(ConfigProblem::toString).contains("keepalived.conf:1:1: virtual_server"
                + " 192.0.2.1 80: sorry_server 10.0.0.1 80 is an inhibit_on_failure real server, which stays at weight 0"
                + " - the sorry server is not added (keepalived fails with Destination already exists)");
    }

    /** Oracle 26-sorry-inhibit: a zero-weight real server that is also the sorry server comes back at weight 1. */
    @Test
    void sorryServerIsARealServerNotInhibited_isAddedAtWeight1() throws Exception {
        VirtualService s = services("virtual_server 192.0.2.1 80 {\n protocol TCP\n sorry_server 10.0.0.1 80\n"
                + " real_server 10.0.0.1 80 {\n  weight 0\n }\n real_server 10.0.0.2 80 {\n  weight 0\n }\n}\n").get(0);
        assertThat(s.realServers()).extracting(x -> x.endpoint() + "/" + x.weight()).containsExactly("10.0.0.1:80/1");
    }

    /** Oracle 10-sorry: zero total weight makes quorum 0 and hysteresis 2^32-1, so the sorry server is in. */
    @Test
    void zeroWeightRealServers_quorumDown_sorryServerIn() throws Exception {
        VirtualService s = services("virtual_server 192.0.2.1 80 {\n protocol TCP\n sorry_server 10.0.0.9 8082\n"
                + " real_server 10.0.0.1 80 {\n  weight 0\n }\n}\n").get(0);
        assertThat(s.realServers()).extracting(x -> x.endpoint() + "/" + x.weight()).containsExactly("10.0.0.9:8082/1");
    }

    /** Oracle 11-sorry-fwmark-group: the sorry server of a fwmark service with DR loses its port. */
    @Test
    void sorryServerOnFwmark_dr_portZero() throws Exception {
        VirtualService s = services("virtual_server fwmark 9 {\n lb_kind DR\n sorry_server 10.0.0.9 80\n"
                + " real_server 10.0.0.1 80 {\n  weight 0\n }\n}\n").get(0);
        assertThat(s.realServers()).extracting(x -> x.endpoint() + "/" + x.weight()).containsExactly("10.0.0.9:0/1");
    }
}
