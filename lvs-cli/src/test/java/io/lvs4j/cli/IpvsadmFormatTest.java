package io.lvs4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.AddressFamily;
import io.lvs4j.Protocol;
import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.SyncDaemon;
import io.lvs4j.Timeouts;
import io.lvs4j.VirtualService;
import io.lvs4j.netlink.IpvsInfo;
import io.lvs4j.table.IpvsStats;
import io.lvs4j.table.RealServerState;
import io.lvs4j.table.ServiceState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Formatting from model objects, against what the real ipvsadm 1.31 printed for the same state
 * in the lab ({@code lab/oracle/}, and the orders noted below, observed in User-Mode Linux).
 */
class IpvsadmFormatTest {
    private static final IpvsInfo INFO = new IpvsInfo(0x010201, 4096);

    private static List<VirtualService> representative() throws Exception {
        return Oracle.services(Oracle.text("save-representative.txt"));
    }

    /** Kernel orders differ from ipvsadm's; feed the model in several shuffled orders. */
    private static List<List<VirtualService>> shuffles(List<VirtualService> in) {
        List<List<VirtualService>> out = new ArrayList<>();
        for (long seed = 1; seed <= 5; seed++) {
            List<VirtualService> s = new ArrayList<>();
            for (VirtualService v : in) {
                List<RealServer> rs = new ArrayList<>(v.realServers());
                Collections.shuffle(rs, new Random(seed));
                s.add(v.toBuilder().clearRealServers().realServers(rs).build());
            }
            Collections.shuffle(s, new Random(seed * 31));
            out.add(s);
        }
        return out;
    }

    @Test
    void save_representativeStateInAnyKernelOrder_isIpvsadmSn() throws Exception {
        String expected = Oracle.text("save-representative.txt");
        for (List<VirtualService> order : shuffles(representative())) {
            assertThat(IpvsadmFormat.save(order)).isEqualTo(expected);
        }
    }

    @Test
    void list_representativeIdleState_isIpvsadmLnAndVariants() throws Exception {
        for (List<VirtualService> order : shuffles(representative())) {
            List<ServiceState> states = withThresholds(Oracle.idle(order));
            assertThat(IpvsadmFormat.list(INFO, states, IpvsadmFormat.Table.PLAIN, false))
                    .isEqualTo(Oracle.text("list-representative.txt"));
            assertThat(IpvsadmFormat.list(INFO, states, IpvsadmFormat.Table.STATS, false))
                    .isEqualTo(Oracle.text("list-representative-stats.txt"));
            assertThat(IpvsadmFormat.list(INFO, states, IpvsadmFormat.Table.STATS, true))
                    .isEqualTo(Oracle.text("list-representative-stats-exact.txt"));
            assertThat(IpvsadmFormat.list(INFO, states, IpvsadmFormat.Table.RATE, false))
                    .isEqualTo(Oracle.text("list-representative-rate.txt"));
            assertThat(IpvsadmFormat.list(INFO, states, IpvsadmFormat.Table.THRESHOLDS, false))
                    .isEqualTo(Oracle.text("list-representative-thresholds.txt"));
            assertThat(IpvsadmFormat.list(INFO, states, IpvsadmFormat.Table.PERSISTENT_CONN, false))
                    .isEqualTo(Oracle.text("list-representative-persistent-conn.txt"));
            assertThat(IpvsadmFormat.list(INFO, states, IpvsadmFormat.Table.TUN_INFO, false))
                    .isEqualTo(Oracle.text("list-representative-tun-info.txt"));
        }
    }

    /** The thresholds the oracle's rules set (-Sn does not save them). */
    private static List<ServiceState> withThresholds(List<ServiceState> states) {
        List<ServiceState> out = new ArrayList<>();
        for (ServiceState s : states) {
            VirtualService.Builder b = s.service().toBuilder().clearRealServers();
            List<RealServerState> rs = new ArrayList<>();
            for (RealServerState r : s.realServers()) {
                RealServer server = r.server();
                String a = server.address().getHostAddress();
                if (a.equals("198.51.100.20")) {
                    server = server.toBuilder().upperThreshold(100).lowerThreshold(50).build();
                } else if (a.equals("198.51.100.21")) {
                    server = server.toBuilder().upperThreshold(10).build();
                }
                b.realServer(server);
                rs.add(new RealServerState(server, 0, 0, 0, IpvsStats.ZERO));
            }
            out.add(new ServiceState(b.build(), IpvsStats.ZERO, rs));
        }
        return out;
    }

    @Test
    void listOne_fwmarkIpv6_hasTitleButNoVersionLine() throws Exception {
        ServiceState s = Oracle.idle(representative()).stream()
                .filter(x -> x.service().key().equals(ServiceKey.fwmark(2, AddressFamily.INET6))).findFirst().get();
        assertThat(IpvsadmFormat.listOne(s, IpvsadmFormat.Table.PLAIN, false))
                .isEqualTo(Oracle.text("list-one-fwmark-v6.txt"));
    }

    @Test
    void list_countersAndConnections_asIpvsadmPrintedThemUnderTraffic() throws Exception {
        // lab/oracle/traffic-list-*.txt: LVS-NAT with real HTTP and DNS traffic
        // real servers in the kernel's order: the last added first
        VirtualService web = VirtualService.tcp("192.0.2.100", 80).scheduler("rr")
                .realServer(RealServer.of("203.0.113.6", 8000).masquerade())
                .realServer(RealServer.of("203.0.113.2", 8000).masquerade()).build();
        VirtualService dns = VirtualService.udp("192.0.2.100", 53).scheduler("rr")
                .realServer(RealServer.of("203.0.113.2", 53).masquerade()).build();
        List<ServiceState> stats = List.of(
                new ServiceState(dns, counters(1, 1, 1, 30, 58), List.of(
                        new RealServerState(dns.realServers().get(0), 0, 1, 0, counters(1, 1, 1, 30, 58)))),
                new ServiceState(web, counters(7, 42, 33, 2690, 2900), List.of(
                        new RealServerState(web.realServers().get(0), 1, 3, 0, counters(4, 22, 17, 1401, 1480)),
                        new RealServerState(web.realServers().get(1), 0, 3, 0, counters(3, 20, 16, 1289, 1420)))));
        assertThat(IpvsadmFormat.list(INFO, stats, IpvsadmFormat.Table.STATS, false))
                .isEqualTo(Oracle.text("traffic-list-stats.txt"));
        assertThat(IpvsadmFormat.list(INFO, stats, IpvsadmFormat.Table.PERSISTENT_CONN, false))
                .isEqualTo(Oracle.text("traffic-list-persistent-conn.txt"));
        List<ServiceState> rates = List.of(
                new ServiceState(web, rates(2, 13, 11, 845, 960), List.of(
                        new RealServerState(web.realServers().get(0), 1, 3, 0, rates(1, 7, 6, 429, 484)),
                        new RealServerState(web.realServers().get(1), 0, 3, 0, rates(1, 6, 5, 417, 476)))),
                new ServiceState(dns, rates(0, 0, 0, 1, 1), List.of(
                        new RealServerState(dns.realServers().get(0), 0, 1, 0, rates(0, 0, 0, 1, 1)))));
        assertThat(IpvsadmFormat.list(INFO, rates, IpvsadmFormat.Table.RATE, false))
                .isEqualTo(Oracle.text("traffic-list-rate.txt"));
    }

    private static IpvsStats counters(long conns, long inPkts, long outPkts, long inBytes, long outBytes) {
        return new IpvsStats(conns, inPkts, outPkts, inBytes, outBytes, 0, 0, 0, 0, 0);
    }

    private static IpvsStats rates(long cps, long inPps, long outPps, long inBps, long outBps) {
        return new IpvsStats(0, 0, 0, 0, 0, cps, inPps, outPps, inBps, outBps);
    }

    /**
     * Observed in the lab, one state: the kernel's order (ipvsadm -Ln --nosort) and ipvsadm -Sn's.
     * Not numeric: ipvsadm's comparator keeps 32-bit differences as a signed int, so 1.2.3.4
     * sorts after 255.0.0.1 and fwmarks above 2^31-1 print negative and come first.
     */
    @Test
    void sort_addressesAndFwmarksFarApart_followIpvsadmsWrappedComparison() {
        String[] kernel = {"1.2.3.4", "20.0.0.1", "190.0.0.1", "50.0.0.1", "129.0.0.1", "127.0.0.1", "128.0.0.1",
            "255.0.0.1", "150.0.0.1", "100.0.0.1", "200.0.0.1", "10.0.0.1", "192.0.2.9",
            "f3000000000", "f2147483648", "f1", "f2147483650", "f4294967295"};
        String expected = "-A -t 100.0.0.1:80 -s rr\n-A -t 127.0.0.1:80 -s rr\n-A -t 128.0.0.1:80 -s rr\n"
                + "-A -t 129.0.0.1:80 -s rr\n-A -t 150.0.0.1:80 -s rr\n-A -t 190.0.0.1:80 -s rr\n"
                + "-A -t 192.0.2.9:80 -s rr\n-A -t 200.0.0.1:80 -s rr\n-A -t 255.0.0.1:80 -s rr\n"
                + "-A -t 1.2.3.4:80 -s rr\n-A -t 10.0.0.1:80 -s rr\n-A -t 20.0.0.1:80 -s rr\n"
                + "-A -t 50.0.0.1:80 -s rr\n-A -f -2147483648 -s wlc\n-A -f -2147483646 -s wlc\n"
                + "-A -f -1294967296 -s wlc\n-A -f -1 -s wlc\n-A -f 1 -s wlc\n";
        List<VirtualService> services = new ArrayList<>();
        for (String a : kernel) {
            services.add(a.startsWith("f") ? VirtualService.fwmark(Long.parseLong(a.substring(1))).build()
                    : VirtualService.tcp(a, 80).scheduler("rr").build());
        }
        assertThat(IpvsadmFormat.save(services)).isEqualTo(expected);
    }

    @Test
    void sort_realServersFarApart_followIpvsadmsWrappedComparison() {
        // kernel list order (newest first) and ipvsadm -Sn's order, observed together
        List<String> kernel = List.of("130.0.0.1", "120.0.0.1", "250.0.0.1", "150.0.0.4", "100.0.0.3", "200.0.0.2",
                "1.0.0.1");
        List<String> ipvsadm = List.of("100.0.0.3", "130.0.0.1", "150.0.0.4", "200.0.0.2", "250.0.0.1", "1.0.0.1",
                "120.0.0.1");
        List<RealServer> servers = new ArrayList<>();
        for (String a : kernel) {
            servers.add(RealServer.of(a, 80).masquerade().build());
        }
        List<String> sorted = new ArrayList<>();
        for (RealServer r : IpvsadmFormat.sortServers(ServiceKey.of(Protocol.TCP, "192.0.2.9", 80), servers, x -> x)) {
            sorted.add(r.address().getHostAddress());
        }
        assertThat(sorted).isEqualTo(ipvsadm);
    }

    @Test
    void sort_ipv6_comparesFourWrappedWords() {
        // observed: ipvsadm -Ln --nosort order, then ipvsadm -Sn order
        List<String> kernel = List.of("a000::1", "8000::1", "::1", "9000::1", "fe80::1", "2001:db8::ff", "2001:db8::1");
        List<String> ipvsadm = List.of("2001:db8::1", "2001:db8::ff", "8000::1", "9000::1", "a000::1", "fe80::1", "::1");
        List<VirtualService> services = new ArrayList<>();
        for (String a : kernel) {
            services.add(VirtualService.tcp(a, 80).scheduler("rr").build());
        }
        List<String> sorted = new ArrayList<>();
        for (VirtualService s : IpvsadmFormat.sortServices(services)) {
            sorted.add(io.lvs4j.internal.Addresses.format(s.key().address()));
        }
        assertThat(sorted).isEqualTo(ipvsadm);
    }

    @Test
    void save_peWithoutPersistence_isSavedButNotListed() {
        // observed: ipvsadm -A -u 192.0.2.2:5060 -s rr --pe sip
        VirtualService s = VirtualService.udp("192.0.2.2", 5060).scheduler("rr").persistenceEngine("sip").build();
        assertThat(IpvsadmFormat.save(List.of(s))).isEqualTo("-A -u 192.0.2.2:5060 -s rr --pe sip\n");
        assertThat(IpvsadmFormat.list(INFO, Oracle.idle(List.of(s)), IpvsadmFormat.Table.PLAIN, false))
                .endsWith("\nUDP  192.0.2.2:5060 rr\n");
    }

    @Test
    void largeNumber_scalesAboveHundredMillion() {
        assertThat(large(99_999_999L, false)).isEqualTo(" 99999999");
        assertThat(large(100_000_000L, false)).isEqualTo("  100000K");
        assertThat(large(999_999_999L, false)).isEqualTo("  999999K");
        assertThat(large(1_000_000_000L, false)).isEqualTo("    1000M");
        assertThat(large(99_999_999_999L, false)).isEqualTo("   99999M");
        assertThat(large(100_000_000_000L, false)).isEqualTo("     100G");
        assertThat(large(100_000_000_000_000L, false)).isEqualTo("     100T");
        assertThat(large(-1L, false)).isEqualTo("18446744T");
        assertThat(large(123_456_789_012L, true)).isEqualTo(" 123456789012");
        assertThat(large(42, true)).isEqualTo("       42");
    }

    private static String large(long v, boolean exact) {
        StringBuilder sb = new StringBuilder();
        IpvsadmFormat.largeNumber(sb, v, exact);
        return sb.toString();
    }

    @Test
    void timeoutsAndDaemons_asIpvsadmPrintsThem() throws Exception {
        assertThat(IpvsadmFormat.timeouts(Timeouts.ofSeconds(900, 120, 300))).isEqualTo(Oracle.text("timeout-default.txt"));
        SyncDaemon master = SyncDaemon.builder(SyncDaemon.Role.MASTER, "s0").maxLength(1472).build();
        SyncDaemon backup = SyncDaemon.builder(SyncDaemon.Role.BACKUP, "s1").syncId(7).maxLength(1472).build();
        assertThat(IpvsadmFormat.daemons(List.of(backup, master))).isEqualTo(Oracle.text("daemon-master-backup.txt"));
        SyncDaemon options = SyncDaemon.builder(SyncDaemon.Role.MASTER, "s0").syncId(9).maxLength(1400)
                .group("239.1.2.3").port(8849).ttl(3).build();
        assertThat(IpvsadmFormat.daemons(List.of(options))).isEqualTo(Oracle.text("daemon-master-options.txt"));
        assertThat(IpvsadmFormat.daemons(List.of())).isEqualTo(Oracle.text("daemon-none.txt"));
    }

    @Test
    void connections_fromProcFile_asIpvsadmLnc() throws Exception {
        // the proc file and ipvsadm -Lnc were read a moment apart: same rows, expiry differs
        List<String> proc = List.of(Oracle.text("traffic-proc-ip_vs_conn.txt").split("\n"));
        String[] expected = Oracle.text("traffic-list-connections.txt").split("\n");
        String[] actual = IpvsadmFormat.connections(proc, false).split("\n");
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(mask(actual[i])).isEqualTo(mask(expected[i]));
        }
        // and the expiry is the proc file's: "TCP C0000282 CA80 C0000264 0050 CB007106 1F40 TIME_WAIT 111"
        assertThat(actual[4]).isEqualTo("TCP 01:51  TIME_WAIT   192.0.2.130:51840  192.0.2.100:80     203.0.113.6:8000");
    }

    private static String mask(String row) {
        return row.matches("(TCP|UDP) \\d\\d:\\d\\d .*") ? row.substring(0, 4) + "mm:ss" + row.substring(9) : row;
    }

    @Test
    void connections_ipv6AndPersistenceEngine_inIpvsadmsColumns() {
        List<String> proc = List.of(
                "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData",
                "UDP 2001:0db8:0000:0000:0000:0000:0000:0002 1F90 2001:0db8:0000:0000:0000:0000:0000:0010 0035 "
                        + "2001:0db8:0001:0000:0000:0000:0000:0001 0035 UDP             299",
                "UDP C0000282 13C4 C0000205 13C4 CB00713C 13C4 UDP             59 sip    abc@example");
        assertThat(IpvsadmFormat.connections(proc, false)).isEqualTo("IPVS connection entries\n"
                + "pro expire state       source             virtual            destination\n"
                + "UDP 04:59  UDP         [2001:db8::2]:8080 [2001:db8::10]:53  [2001:db8:1::1]:53\n"
                + "UDP 00:59  UDP         192.0.2.130:5060   192.0.2.5:5060     203.0.113.60:5060\n");
        assertThat(IpvsadmFormat.connections(proc, true)).isEqualTo("IPVS connection entries\n"
                + "pro expire state       source             virtual            destination        pe name          pe_data\n"
                + "UDP 04:59  UDP         [2001:db8::2]:8080 [2001:db8::10]:53  [2001:db8:1::1]:53\n"
                + "UDP 00:59  UDP         192.0.2.130:5060   192.0.2.5:5060     203.0.113.60:5060 sip                abc@example\n");
    }
}
