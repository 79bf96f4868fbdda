package io.lvs4j.director.config;

import static io.lvs4j.director.config.Configs.errors;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Every error message names file:line:column, the keyword, the bad value and what was expected. */
class ErrorMessagesTest {
    private static final String RS = " real_server 10.0.0.1 80 {\n }\n";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "virtual_server 192.0.2.1 80 {\\n    lb_algo wrrr\\n}|keepalived.conf:2:13: lb_algo: \"wrrr\" (expected: one of rr, wrr, lc, wlc, lblc, sh, mh, dh, fo, ovf, lblcr, sed, nq, twos)",
        "virtual_server 192.0.2.1 80 {\\n lb_kind FOO\\n}|keepalived.conf:2:10: lb_kind: \"FOO\" (expected: one of NAT, DR, TUN)",
        "virtual_server 192.0.2.1 80 {\\n protocol ICMP\\n}|keepalived.conf:2:11: protocol: \"ICMP\" (expected: one of TCP, UDP, SCTP)",
        "virtual_server 192.0.2.1 80 {\\n real_server 10.0.0.1 80 {\\n  weight -1\\n }\\n}|keepalived.conf:3:10: weight: \"-1\" (expected: 0..2147483647)",
        "virtual_server 192.0.2.300 80 {\\n}|keepalived.conf:1:16: virtual_server: \"192.0.2.300\" (expected: an IP address)",
        "virtual_server 192.0.2.1 99999 {\\n}|keepalived.conf:1:26: virtual_server: \"99999\" (expected: 0..65535)",
        "virtual_server 192.0.2.1 80 {\\n persistence_timeout 0\\n}|keepalived.conf:2:22: persistence_timeout: \"0\" (expected: 1..2678400)",
        "virtual_server 192.0.2.1 80 {\\n delay_loop 1.2345678\\n}|keepalived.conf:2:13: delay_loop: \"1.2345678\" (expected: seconds 0.000001..4294000)",
        "virtual_server 192.0.2.1 80 {\\n sh-port\\n}|keepalived.conf:2:2: sh-port: \"no lvs_sched\" (expected: lvs_sched sh before sh-port, as keepalived requires)",
        "virtual_server 192.0.2.1 80 {\\n lvs_method TUN type gue\\n}|keepalived.conf:2:2: lvs_method: \"TUN type gue\" (expected: a port exactly when the tunnel type is gue)",
        "virtual_server 192.0.2.1 80 {\\n sorry_server_inhibit\\n}|keepalived.conf:2:2: sorry_server_inhibit: no sorry_server (expected: sorry_server before it)",
        "virtual_server group G {\\n}|keepalived.conf:1:22: virtual_server group: \"G\" (expected: a virtual_server_group defined in the configuration)",
        "virtual_server_group G {\\n 192.0.2.10-5 80\\n}|keepalived.conf:2:2: virtual_server_group: \"192.0.2.10-5\" (expected: a range end greater than its start)",
        "virtual_server_group G {\\n fwmark 1 inet7\\n}|keepalived.conf:2:11: fwmark: \"inet7\" (expected: one of inet, inet6)",
        "vrrp_instance V {\\n state MAIN\\n virtual_router_id 1\\n}|keepalived.conf:2:8: state: \"MAIN\" (expected: one of MASTER, BACKUP)",
        "vrrp_instance V {\\n virtual_router_id 256\\n}|keepalived.conf:2:20: virtual_router_id: \"256\" (expected: 1..255)",
        "vrrp_instance V {\\n interface eth0\\n}|keepalived.conf:1:1: vrrp_instance V: missing virtual_router_id (expected: virtual_router_id 1..255 in the block)",
        "vrrp_instance V {\\n virtual_router_id 1\\n virtual_ipaddress {\\n  192.0.2.1/33\\n }\\n}|keepalived.conf:4:3: virtual_ipaddress: \"192.0.2.1/33\" (expected: an IP address with an optional /prefix length)",
        "vrrp_instance V {\\n virtual_router_id 1\\n authentication {\\n  auth_type MD5\\n }\\n}|keepalived.conf:4:13: auth_type: \"MD5\" (expected: one of PASS, AH)",
        "vrrp_instance V {\\n virtual_router_id 1\\n advert_int\\n}|keepalived.conf:3:2: advert_int: missing value (expected: seconds 0.01..255)",
        "virtual_server 192.0.2.1 80 {\\n real_server 10.0.0.1 80 {\\n  HTTP_GET {\\n   url {\\n    digest xyz\\n   }\\n  }\\n }\\n}|keepalived.conf:5:12: digest: \"xyz\" (expected: 32 hex digits (an MD5 digest))",
        "virtual_server 192.0.2.1 80 {\\n real_server 10.0.0.1 80 {\\n  HTTP_GET {\\n   url {\\n    path /\\n    status_code 200-99\\n   }\\n  }\\n }\\n}|keepalived.conf:6:17: status_code: \"200-99\" (expected: codes 100..999 or ranges such as 200-299)",
        "virtual_server 192.0.2.1 80 {\\n real_server 10.0.0.1 80 {\\n  DNS_CHECK {\\n   type AXFR\\n  }\\n }\\n}|keepalived.conf:4:9: type: \"AXFR\" (expected: one of A, NS, CNAME, SOA, MX, TXT, AAAA)",
        "virtual_server 192.0.2.1 80 {\\n real_server 10.0.0.1 80 {\\n  MISC_CHECK {\\n   misc_timeout 5\\n  }\\n }\\n}|keepalived.conf:3:3: MISC_CHECK: missing misc_path (expected: misc_path COMMAND in the block)",
        "virtual_server 192.0.2.1 80 {\\n real_server 10.0.0.1 80 {\\n  TCP_CHECK {\\n   connect_port 0\\n  }\\n }\\n}|keepalived.conf:4:17: connect_port: \"0\" (expected: 1..65535)",
        "global_defs {\\n lvs_timeouts tcp x\\n}|keepalived.conf:2:19: tcp: \"x\" (expected: 0..2678400)",
        "global_defs {\\n vmac_prefix\\n}|keepalived.conf:2:2: vmac_prefix: missing value (expected: a name prefix)",
        "global_defs {\\n vmac_prefix a b\\n}|keepalived.conf:2:16: vmac_prefix: \"b\" (expected: one name prefix)",
        "global_defs {\\n smtp_alert maybe\\n}|keepalived.conf:2:13: smtp_alert: \"maybe\" (expected: one of on, off, true, false, yes, no)",
        "virtual_server 192.0.2.1 80 {\\n lb_algo rr\\n|keepalived.conf:1:29: '{': block not closed (expected: a matching '}')",
        "global_defs {\\n}\\n}|keepalived.conf:3:1: '}': extra '}' (expected: a block to close)",
        "global_defs {\\n router_id \"abc\\n}|keepalived.conf:2:12: unterminated quote (expected: a closing \")",
        "~SEQ(N, 1, x) foo|keepalived.conf:1:1: ~SEQ: \"~SEQ(N, 1, x)\" (expected: ~SEQ(var, [start, [step,]] end) with integers)",
        "$A=${A}${A}\\nglobal_defs {\\n router_id $A\\n}|keepalived.conf:3:2: parameter substitution: does not terminate (expected: at most 1000 substitutions in a line)",
        "include x.conf|keepalived.conf:1:1: include: \"x.conf\" (expected: no include; includes are off)",
        "global_defs {\\n script_user nosuch-lvs4j\\n}|keepalived.conf:2:14: script_user: \"nosuch-lvs4j\" (expected: a user on this host)",
        "global_defs {\\n script_user nobody nosuch-lvs4j\\n}|keepalived.conf:2:21: script_user: \"nosuch-lvs4j\" (expected: a group on this host)",
        "vrrp_script chk {\\n script /bin/true\\n user nosuch-lvs4j\\n}|keepalived.conf:3:7: user: \"nosuch-lvs4j\" (expected: a user on this host)",
        "virtual_server 192.0.2.1 80 {\\n real_server 10.0.0.1 80 {\\n  MISC_CHECK {\\n   misc_path /bin/true\\n   user nosuch-lvs4j\\n  }\\n }\\n}|keepalived.conf:5:9: user: \"nosuch-lvs4j\" (expected: a user on this host)",
    })
    void error_isLocated(String text, String expected) {
        ConfigException e = errors(text.replace("\\n", "\n"));
        assertThat(e.errors()).extracting(ConfigProblem::toString).contains(expected);
    }

    @Test
    void allErrors_areReportedInOnePass() {
        ConfigException e = errors("virtual_server 192.0.2.1 80 {\n lb_algo wrrr\n protocol XX\n" + RS + "}\n"
                + "vrrp_instance V {\n virtual_router_id 0\n priority 300\n}\n");
        List<String> locations = e.errors().stream().map(ConfigProblem::location).toList();
        assertThat(locations).containsExactly("keepalived.conf:2:10", "keepalived.conf:3:11", "keepalived.conf:8:20",
                "keepalived.conf:9:11");
        assertThat(e.getMessage()).startsWith("4 errors");
    }

    @Test
    void unknownKeyword_isAWarningAtTheKeyword() throws Exception {
        ConfigResult r = Configs.parse("virtual_server 192.0.2.1 80 {\n protocol TCP\n  frobnicate 3\n" + RS + "}\n");
        assertThat(r.warnings()).extracting(ConfigProblem::toString).contains(
                "keepalived.conf:3:3: virtual_server: \"frobnicate\" (expected: a keyword keepalived 2.2 knows here) - ignored, as keepalived does");
    }

    @Test
    void acceptedButNotActedOn_isAWarningAtTheKeyword() throws Exception {
        ConfigResult r = Configs.parse("global_defs {\n vrrp_skip_check_adv_addr\n}\n");
        assertThat(r.warnings()).extracting(ConfigProblem::toString).containsExactly(
                "keepalived.conf:2:2: vrrp_skip_check_adv_addr: accepted by keepalived but not acted on by lvs4j yet");
        assertThat(r.config().globalDefs().otherSettings()).containsKey("vrrp_skip_check_adv_addr");
    }

    /**
     * The keywords lvs4j acts on (the Director's sync daemon and flush on close, the VRRP instance's
     * higher_prio_send_advert and its global default) are typed fields and give no warning; the ones it does not act on still do.
     */
    @Test
    void actedOnKeywords_typedNoWarning_unsupportedNeighboursStillWarn() throws Exception {
        ConfigResult r = Configs.parse("global_defs {\n lvs_sync_daemon eth0 VI_1 id 7\n lvs_flush_on_stop\n"
                + " lvs_flush_onstop\n vrrp_garp_master_delay 3\n vrrp_higher_prio_send_advert\n}\n"
                + "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n priority 100\n"
                + " higher_prio_send_advert\n lvs_sync_daemon_interface eth0\n virtual_ipaddress {\n  192.0.2.100\n }\n}\n");
        assertThat(r.warnings()).extracting(ConfigProblem::toString).containsExactly(
                "keepalived.conf:13:2: lvs_sync_daemon_interface: accepted by keepalived but not acted on by lvs4j yet");
        GlobalDefs g = r.config().globalDefs();
        assertThat(g.otherSettings()).doesNotContainKeys("lvs_sync_daemon", "lvs_flush_on_stop", "lvs_flush_onstop",
                "vrrp_higher_prio_send_advert");
        assertThat(g.vrrpHigherPrioSendAdvert()).isTrue();
        assertThat(g.lvsSyncDaemon()).isEqualTo(new LvsSyncDaemonConfig("eth0", "VI_1", 7, null, null, null, null));
        assertThat(g.lvsFlushOnStop()).isEqualTo(GlobalDefs.FlushOnStop.ALL);
        assertThat(r.config().vrrpInstances().get(0).otherSettings()).doesNotContainKey("higher_prio_send_advert");
        assertThat(r.config().vrrpInstances().get(0).higherPrioSendAdvert()).isTrue();
        assertThat(Configs.parse("global_defs {\n lvs_flush_on_stop VS\n}\n").config().globalDefs().lvsFlushOnStop())
                .isEqualTo(GlobalDefs.FlushOnStop.VIRTUAL_SERVERS);
    }

    /** lvs4j's own global_defs keyword for lvs4j run --http: kept without a warning, checked at its value. */
    @Test
    void lvs4jHttp_goodAddressKeptQuietly_badOneAnErrorAtTheValue() throws Exception {
        ConfigResult r = Configs.parse("global_defs {\n lvs4j_http 127.0.0.1:9180\n}\n");
        assertThat(r.warnings()).isEmpty();
        assertThat(r.config().globalDefs().lvs4jHttp()).isEqualTo("127.0.0.1:9180");
        assertThat(r.config().globalDefs().otherSettings()).isEmpty();
        assertThat(Configs.parse("global_defs {\n lvs4j_http [::1]:80\n}\n").config().globalDefs().lvs4jHttp())
                .isEqualTo("[::1]:80");
        ConfigException e = errors("global_defs {\n router_id a\n lvs4j_http localhost:99999\n}\n");
        assertThat(e.errors()).extracting(ConfigProblem::toString).containsExactly("keepalived.conf:3:13: lvs4j_http:"
                + " \"localhost:99999\" (expected: PORT, ADDR:PORT or [V6ADDR]:PORT, a numeric address, port 1..65535)");
    }

    /** lvs4j run parses the address between the brackets: words that only look like IPv6 are an error here too. */
    @Test
    void lvs4jHttp_bracketsWithoutAnIpv6Address_errorAtTheValue() {
        ConfigException e = errors("global_defs {\n lvs4j_http [1:2:3]:80\n}\n");
        assertThat(e.errors()).extracting(ConfigProblem::toString).containsExactly("keepalived.conf:2:13: lvs4j_http:"
                + " \"[1:2:3]:80\" (expected: PORT, ADDR:PORT or [V6ADDR]:PORT, a numeric address, port 1..65535)");
    }

    private static String instance(int n) {
        return "vrrp_instance V" + n + " {\n interface eth0\n virtual_router_id " + n + "\n virtual_ipaddress {\n  192.0.2."
                + n + "\n }\n}\n";
    }

    /** The director runs an instance in one sync group at most: a second group naming it is an error at the name. */
    @Test
    void syncGroup_instanceAlreadyInAnotherGroup_errorAtTheMember() {
        ConfigException e = errors("vrrp_sync_group G1 {\n group {\n  V1\n  V2\n }\n}\n"
                + "vrrp_sync_group G2 {\n group {\n  V3\n  V1\n }\n}\n" + instance(1) + instance(2) + instance(3));
        assertThat(e.errors()).extracting(ConfigProblem::toString).containsExactly(
                "keepalived.conf:10:3: vrrp_sync_group G2 group: \"V1\" (expected: an instance in no other sync group)");
    }

    /** keepalived and the kernel take weights up to INT32_MAX (oracle 28-weight-large); lvs4j's model stops at 65535. */
    @Test
    void weightAbove65535_isAnErrorAtTheValue() {
        ConfigException e = errors("virtual_server 192.0.2.1 80 {\n protocol TCP\n real_server 10.0.0.1 80 {\n"
                + "  weight 70000\n }\n}\n");
        assertThat(e.errors()).extracting(ConfigProblem::toString).containsExactly("keepalived.conf:4:10: weight: 70000"
                + " (expected: 0..65535 in lvs4j, though keepalived and the kernel take up to 2147483647)");
    }

    @Test
    void virtualServerWeightAbove65535_isAnErrorAtItsValue_whenARealServerTakesIt() {
        ConfigException e = errors("virtual_server 192.0.2.1 80 {\n protocol TCP\n weight 65536\n"
                + " real_server 10.0.0.1 80 {\n }\n}\n");
        assertThat(e.errors()).extracting(ConfigProblem::location).containsExactly("keepalived.conf:3:9");
    }

    /** keepalived 2.2.7 fails to add the service again and merges the blocks (oracle 27-duplicate-vs): refused here. */
    @Test
    void twoVirtualServersForOneService_isAnErrorNamingBoth() {
        ConfigException e = errors("virtual_server 192.0.2.1 80 {\n protocol TCP\n" + RS + "}\n"
                + "virtual_server 192.0.2.1 80 {\n protocol TCP\n" + RS + "}\n");
        assertThat(e.errors()).extracting(ConfigProblem::toString).containsExactly("keepalived.conf:6:1: virtual_server"
                + " 192.0.2.1 80: \"TCP 192.0.2.1:80\" (expected: a service no other virtual_server defines;"
                + " keepalived.conf:1 defines it too)");
    }

    /** Oracle 29-duplicate-via-group: a group entry and a plain virtual_server for one service. */
    @Test
    void groupEntryAndVirtualServerForOneService_isAnError() {
        ConfigException e = errors("virtual_server_group G {\n 192.0.2.1 80\n}\nvirtual_server group G {\n protocol TCP\n"
                + RS + "}\nvirtual_server 192.0.2.1 80 {\n protocol TCP\n" + RS + "}\n");
        assertThat(e.errors()).extracting(ConfigProblem::location).containsExactly("keepalived.conf:9:1");
    }
}
