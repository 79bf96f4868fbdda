package io.lvs4j.director.ipvsadm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.AddressFamily;
import io.lvs4j.Forwarding;
import io.lvs4j.Protocol;
import io.lvs4j.RealServer;
import io.lvs4j.Scheduler;
import io.lvs4j.SchedulerFlag;
import io.lvs4j.ServiceKey;
import io.lvs4j.SyncDaemon;
import io.lvs4j.TunnelChecksum;
import io.lvs4j.TunnelType;
import io.lvs4j.VirtualService;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class IpvsadmRulesParserTest {

    private static List<IpvsadmRule> parse(String text) throws Exception {
        return new IpvsadmRulesParser("rules").parse(new StringReader(text));
    }

    @Test
    void parse_saveOutput_givesServicesAndServers() throws Exception {
        List<IpvsadmRule> rules = parse(
                "-A -t 192.0.2.10:80 -s wrr -p 50\n"
                + "-a -t 192.0.2.10:80 -r 10.0.0.2:80 -g -w 3\n"
                + "-a -t 192.0.2.10:80 -r 10.0.0.3:8080 -m -w 1 -x 100 -y 50\n");
        assertThat(rules).hasSize(3);
        VirtualService s = rules.get(0).service();
        assertThat(rules.get(0).op()).isEqualTo(IpvsadmRule.Op.ADD_SERVICE);
        assertThat(s.key()).isEqualTo(ServiceKey.of(Protocol.TCP, "192.0.2.10", 80));
        assertThat(s.scheduler()).isEqualTo(Scheduler.WRR);
        assertThat(s.persistenceSeconds()).isEqualTo(50);
        RealServer r = rules.get(2).server();
        assertThat(r.forwarding()).isEqualTo(Forwarding.MASQ);
        assertThat(r.port()).isEqualTo(8080);
        assertThat(r.upperThreshold()).isEqualTo(100);
        assertThat(r.lowerThreshold()).isEqualTo(50);
        assertThat(rules.get(1).server().weight()).isEqualTo(3);
    }

    @Test
    void parse_sameAddressTextOtherProtocolOrPort_keysKeptApart() throws Exception {
        List<IpvsadmRule> rules = parse("-A -t 192.0.2.10:80\n-a -t 192.0.2.10:80 -r 10.0.0.2\n"
                + "-a -u 192.0.2.10:80 -r 10.0.0.3\n-a -t 192.0.2.10:81 -r 10.0.0.4\n-a -t 192.0.2.10:80 -r 10.0.0.5\n");
        assertThat(rules.get(1).key()).isEqualTo(ServiceKey.of(Protocol.TCP, "192.0.2.10", 80)).isEqualTo(rules.get(0).key());
        assertThat(rules.get(2).key()).isEqualTo(ServiceKey.of(Protocol.UDP, "192.0.2.10", 80));
        assertThat(rules.get(3).key()).isEqualTo(ServiceKey.of(Protocol.TCP, "192.0.2.10", 81));
        assertThat(rules.get(4).key()).isEqualTo(rules.get(0).key());
    }

    @Test
    void parse_defaults_followIpvsadm() throws Exception {
        List<IpvsadmRule> rules = parse("ipvsadm -A -u 192.0.2.10:53\n-a -u 192.0.2.10:53 -r 10.0.0.2\n-A -t 192.0.2.11:0 -p\n");
        assertThat(rules.get(0).service().scheduler()).isEqualTo(Scheduler.WLC);
        assertThat(rules.get(1).server().port()).isEqualTo(53);
        assertThat(rules.get(1).server().weight()).isEqualTo(1);
        assertThat(rules.get(1).server().forwarding()).isEqualTo(Forwarding.ROUTE);
        assertThat(rules.get(2).service().persistenceSeconds()).isEqualTo(360); // ipvsadm 1.31 saves -p alone as -p 360 (lab/NOTES.md)
    }

    @Test
    void parse_directRouting_forcesServicePortAsIpvsadm() throws Exception {
        List<IpvsadmRule> rules = parse("-a -t 192.0.2.10:80 -r 10.0.0.2:8080 -g\n");
        assertThat(rules.get(0).server().port()).isEqualTo(80);
    }

    @Test
    void parse_ipv6FwmarkFlagsAndTunnels() throws Exception {
        List<IpvsadmRule> rules = parse(
                "-A -f 7 -6 -s sh -b sh-fallback,sh-port -p 60 -M 64\n"
                + "-a -f 7 -6 -r [2001:db8::2]:443 -i --tun-type gue --tun-port 6080 --tun-remcsum -w 2\n"
                + "-A --sctp-service [2001:db8::10]:3868 -s mh -b mh-port --pe sip -o\n");
        VirtualService s = rules.get(0).service();
        assertThat(s.key()).isEqualTo(ServiceKey.fwmark(7, AddressFamily.INET6));
        assertThat(s.flags()).containsExactlyInAnyOrder(SchedulerFlag.SH_FALLBACK, SchedulerFlag.SH_PORT);
        assertThat(s.persistenceNetmask()).isEqualTo(64);
        RealServer r = rules.get(1).server();
        assertThat(r.tunnelType()).isEqualTo(TunnelType.GUE);
        assertThat(r.tunnelPort()).isEqualTo(6080);
        assertThat(r.tunnelChecksum()).isEqualTo(TunnelChecksum.REMCSUM);
        assertThat(r.port()).isEqualTo(443);
        VirtualService t = rules.get(2).service();
        assertThat(t.key().protocol()).isEqualTo(Protocol.SCTP);
        assertThat(t.persistenceEngine()).contains("sip");
        assertThat(t.onePacket()).isTrue();
    }

    @Test
    void parse_otherCommands() throws Exception {
        List<IpvsadmRule> rules = parse(
                "-C\n--set 900 120 300\n--start-daemon master --mcast-interface eth0 --syncid 5 --mcast-group 224.0.0.82\n"
                + "--stop-daemon backup\n-Z\n-Z -t 192.0.2.10:80\n-D -t 192.0.2.10:80\n-d -t 192.0.2.10:80 -r 10.0.0.2\n"
                + "-E -t 192.0.2.10:80 -s rr\n-e -t 192.0.2.10:80 -r 10.0.0.2:80 -w 0\n");
        assertThat(rules).extracting(IpvsadmRule::op).containsExactly(
                IpvsadmRule.Op.CLEAR, IpvsadmRule.Op.SET_TIMEOUTS, IpvsadmRule.Op.START_DAEMON,
                IpvsadmRule.Op.STOP_DAEMON, IpvsadmRule.Op.ZERO, IpvsadmRule.Op.ZERO, IpvsadmRule.Op.DELETE_SERVICE,
                IpvsadmRule.Op.DELETE_SERVER, IpvsadmRule.Op.EDIT_SERVICE, IpvsadmRule.Op.EDIT_SERVER);
        assertThat(rules.get(1).timeouts().tcpFinSeconds()).isEqualTo(120);
        SyncDaemon d = rules.get(2).daemon();
        assertThat(d.role()).isEqualTo(SyncDaemon.Role.MASTER);
        assertThat(d.syncId()).isEqualTo(5);
        assertThat(rules.get(3).daemonRole()).isEqualTo(SyncDaemon.Role.BACKUP);
        assertThat(rules.get(4).key()).isNull();
        assertThat(rules.get(7).serverPort()).isEqualTo(80);
        assertThat(rules.get(9).server().isQuiesced()).isTrue();
    }

    @Test
    void parse_commentsAndBlankLines_areSkipped() throws Exception {
        assertThat(parse("# saved\n\n   \n-C\n")).hasSize(1);
    }

    @Test
    void parse_badLines_reportsEveryOneWithItsLine() {
        assertThatThrownBy(() -> parse(
                "-A -t 192.0.2.10:80 -s wrrr\n"
                + "-a -t 192.0.2.10:80 -r 10.0.0.2 -w -1\n"
                + "-A -t 192.0.2.10:80 -s rr\n"
                + "-a -t 192.0.2.10:80 -r host.example:80\n"
                + "-A -t 192.0.2.10:80 --bogus\n"
                + "-t 192.0.2.10:80\n"
                + "-A -a -t 192.0.2.10:80\n"))
                .isInstanceOf(IpvsadmRulesException.class)
                .hasMessage(String.join("\n",
                        "rules:1: scheduler: \"wrrr\" (expected: one of rr, wrr, lc, wlc, sed, nq, fo, ovf, lblc, lblcr, dh, sh, mh, twos)",
                        "rules:2: -w: \"-1\" (expected: 0..65535)",
                        "rules:4: real server address: \"host.example\" (expected: an IPv4 or IPv6 address literal)",
                        "rules:5: option: \"--bogus\" (expected: an ipvsadm option)",
                        "rules:6: command: \"-t 192.0.2.10:80\" (expected: one of -A, -E, -D, -C, -a, -e, -d, -Z, --set, --start-daemon, --stop-daemon)",
                        "rules:7: -a: \"\" (expected: one command per line; already -A)"));
    }

    @Test
    void parse_serverOptionOnServiceCommand_isRejected() {
        assertThatThrownBy(() -> parse("-A -t 192.0.2.10:80 -w 3\n"))
                .hasMessage("rules:1: server or daemon options: \"-A\" (expected: not with -A)");
    }
}
