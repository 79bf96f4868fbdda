package io.lvs4j.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.RealServer;
import io.lvs4j.VirtualService;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** {@link Checks}' builders, and checks given once for every real server of a service, their ports resolved. */
class ChecksTest {
    static final CheckPolicy POLICY = CheckPolicy.builder().interval(Duration.ofSeconds(5)).build();

    private static List<String> targets(ServiceHealth sh) {
        return sh.checks().stream().map(c -> c.realServer().endpoint() + " " + c.checker().describe()).toList();
    }

    @Test
    void check_givenOnceForTwoRealServers_eachCheckedAtItsAddressAndPort() {
        VirtualService web = VirtualService.tcp("192.0.2.10", 80)
                .realServer(RealServer.of("10.0.0.1", 8080).masquerade().build())
                .realServer(RealServer.of("10.0.0.2", 8081).masquerade().build()).build();
        ServiceHealth sh = ServiceHealth.builder(web).check(Checks.tcp(), POLICY).build();
        assertThat(targets(sh)).containsExactly("10.0.0.1:8080 TCP_CHECK 10.0.0.1:8080", "10.0.0.2:8081 TCP_CHECK 10.0.0.2:8081");
        assertThat(sh.checks()).extracting(ServiceHealth.RealServerCheck::policy).containsOnly(POLICY);
    }

    @Test
    void check_realServerGivenWithoutPort_checkedOnTheServicesPort() {
        RealServer a = RealServer.of("10.0.0.1").build(); // no port: the service's
        RealServer b = RealServer.of("10.0.0.2").masquerade().build();
        VirtualService web = VirtualService.tcp("192.0.2.10", 80).realServer(a).realServer(b).build();
        ServiceHealth sh = ServiceHealth.builder(web)
                .check(Checks.tcp(), POLICY)
                .check(a, Checks.http("/health").status(200), POLICY) // the port-less real server as given
                .inhibitOnFailure(b)
                .build();
        assertThat(targets(sh)).containsExactly("10.0.0.1:80 TCP_CHECK 10.0.0.1:80", "10.0.0.2:80 TCP_CHECK 10.0.0.2:80",
                "10.0.0.1:80 HTTP_GET 10.0.0.1:80 /health");
        assertThat(sh.checked(a)).isTrue();
        assertThat(sh.inhibitOnFailure(web.realServers().get(1))).isTrue();
    }

    @Test
    void check_directRoutingRealServerGivenWithAnotherPort_checkedOnTheServicesPort() {
        RealServer dr = RealServer.of("10.0.0.1", 8080).build(); // direct routing: the kernel uses the service's port
        VirtualService web = VirtualService.tcp("192.0.2.10", 443).realServer(dr).build();
        ServiceHealth sh = ServiceHealth.builder(web).check(dr, Checks.tcp(), POLICY).build();
        assertThat(targets(sh)).containsExactly("10.0.0.1:443 TCP_CHECK 10.0.0.1:443");
    }

    @Test
    void check_fwmarkServiceRealServerWithoutPort_clearErrorNamingServiceAndRealServer() {
        VirtualService fwm = VirtualService.fwmark(7).realServer(RealServer.of("10.0.0.1").build())
                .realServer(RealServer.of("10.0.0.2", 443).build()).build();
        assertThatThrownBy(() -> ServiceHealth.builder(fwm).check(Checks.tcp(), POLICY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FWM 7 real_server 10.0.0.1 TCP_CHECK port: 0 (expected: the real server's port or the "
                        + "check's connect_port: a firewall-mark service has no port)");
    }

    @Test
    void check_fwmarkServiceWithConnectPort_everyRealServerCheckedThere() {
        VirtualService fwm = VirtualService.fwmark(7).realServer(RealServer.of("10.0.0.1").build())
                .realServer(RealServer.of("10.0.0.2", 443).build()).build();
        ServiceHealth sh = ServiceHealth.builder(fwm).check(Checks.tcp().connectPort(9000), POLICY)
                .check(RealServer.of("10.0.0.2", 443).build(), Checks.https("/ping"), POLICY).build();
        assertThat(targets(sh)).containsExactly("10.0.0.1:0 TCP_CHECK 10.0.0.1:9000", "10.0.0.2:443 TCP_CHECK 10.0.0.2:9000",
                "10.0.0.2:443 SSL_GET 10.0.0.2:443 /ping");
    }

    @Test
    void check_checksWithoutAPort_fwmarkRealServerWithoutPortIsFine() {
        VirtualService fwm = VirtualService.fwmark(7).realServer(RealServer.of("10.0.0.1").build()).build();
        ServiceHealth sh = ServiceHealth.builder(fwm).check(Checks.misc("/bin/true"), POLICY)
                .check(Checks.file(Path.of("/run/drain")).weight(-10), POLICY).build();
        assertThat(targets(sh)).containsExactly("10.0.0.1:0 MISC_CHECK /bin/true", "10.0.0.1:0 FILE_CHECK /run/drain");
    }

    @Test
    void check_notARealServerOfTheService_namedError() {
        VirtualService web = VirtualService.tcp("192.0.2.10", 80).realServer(RealServer.of("10.0.0.1").build()).build();
        assertThatThrownBy(() -> ServiceHealth.builder(web).check(RealServer.of("10.0.0.9").build(), Checks.tcp(), POLICY))
                .hasMessage("realServer: \"10.0.0.9:0\" (expected: a real server of TCP 192.0.2.10:80 [10.0.0.1:80])");
    }

    @Test
    void withService_realServerAdded_getsTheChecksGivenForEveryRealServer_notTheOthers() {
        RealServer a = RealServer.of("10.0.0.1").build();
        RealServer b = RealServer.of("10.0.0.2").build();
        VirtualService web = VirtualService.tcp("192.0.2.10", 80).realServer(a).realServer(b).build();
        ServiceHealth sh = ServiceHealth.builder(web).check(Checks.tcp(), POLICY).check(b, Checks.http("/"), POLICY)
                .build();
        ServiceHealth changed = sh.withService(web.toBuilder().clearRealServers().realServer(a)
                .realServer(RealServer.of("10.0.0.3").build()).build());
        assertThat(targets(changed)).containsExactly("10.0.0.1:80 TCP_CHECK 10.0.0.1:80", "10.0.0.3:80 TCP_CHECK 10.0.0.3:80");
        assertThat(changed.toBuilder().build().sameSettings(changed)).isTrue();
    }

    @Test
    void check_builderReusedAfterwards_theServiceKeepsWhatItWasGiven() {
        VirtualService web = VirtualService.tcp("192.0.2.10", 80).realServer(RealServer.of("10.0.0.1").build()).build();
        Checks.TcpBuilder tcp = Checks.tcp().connectTimeout(Duration.ofSeconds(2));
        ServiceHealth.Builder b = ServiceHealth.builder(web).check(tcp, POLICY);
        tcp.connectPort(9999);
        TcpChecker c = (TcpChecker) b.build().checks().get(0).checker();
        assertThat(c.endpoint().port()).isEqualTo(80);
        assertThat(c.endpoint().connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void sameCheckForOneRealServerInTwoServices_equalCheckers_soTheMonitorRunsItOnce() {
        RealServer a = RealServer.of("10.0.0.1", 8080).masquerade().build();
        Check tcp = Checks.tcp().build();
        ServiceHealth s1 = ServiceHealth.builder(VirtualService.tcp("192.0.2.10", 80).realServer(a).build())
                .check(tcp, POLICY).build();
        ServiceHealth s2 = ServiceHealth.builder(VirtualService.tcp("192.0.2.11", 80).realServer(a).build())
                .check(a, Checks.tcp(), POLICY).build();
        assertThat(s1.checks().get(0).checker()).isEqualTo(s2.checks().get(0).checker());
        try (HealthMonitor m = HealthMonitor.builder().scheduler(new FakeClock()).service(s1).service(s2).build()) {
            assertThat(m.distinctChecks()).isOne();
        }
    }

    @Test
    void networkSettings_boundIntoTheEndpoint() throws Exception {
        Check c = Checks.tcp().connectIp("10.9.9.9").bindTo("192.0.2.1").bindPort(40000)
                .connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(3)).build();
        Endpoint e = ((TcpChecker) c.checker(java.net.InetAddress.getByName("10.0.0.1"), 80, POLICY)).endpoint();
        assertThat(e.hostPort()).isEqualTo("10.9.9.9:80");
        assertThat(e.bind().getPort()).isEqualTo(40000);
        assertThat(e.bind().getAddress().getHostAddress()).isEqualTo("192.0.2.1");
        assertThat(e.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(e.readTimeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void http_pathExpectationsMoreUrlsAndTls_boundChecker() throws Exception {
        String md5 = "0123456789abcdef0123456789abcdef";
        Check c = Checks.https("/a").status(200).status(301, 302).digest(md5).virtualhost("www.test").sni()
                .protocol(HttpChecker.Protocol.HTTP_1_1).maxBytes(4096).url("/b")
                .url(HttpUrlCheck.builder("/c").status(204).build()).build();
        assertThat(c.describe()).isEqualTo("SSL_GET /a /b /c");
        HttpChecker h = (HttpChecker) c.checker(java.net.InetAddress.getByName("10.0.0.1"), 443, POLICY);
        assertThat(h.tls()).isTrue();
        assertThat(h.endpoint().hostPort()).isEqualTo("10.0.0.1:443");
        assertThat(h.protocol()).isEqualTo(HttpChecker.Protocol.HTTP_1_1);
        assertThat(h.virtualhost()).isEqualTo("www.test");
        assertThat(h.maxBytes()).isEqualTo(4096);
        assertThat(h.urls()).extracting(HttpUrlCheck::path).containsExactly("/a", "/b", "/c");
        assertThat(h.urls().get(0).statusText()).isEqualTo("200, 301-302");
        assertThat(h.urls().get(0).digest()).isEqualTo(md5);
        assertThat(h.urls().get(1).statusText()).isEqualTo("200-299");
        assertThat(h.urls().get(2).statusText()).isEqualTo("204");
        // two real servers' checkers: equal settings, different targets
        HttpChecker other = (HttpChecker) c.checker(java.net.InetAddress.getByName("10.0.0.2"), 443, POLICY);
        assertThat(other).isNotEqualTo(h);
        assertThat(other.urls()).isEqualTo(h.urls());
    }

    @Test
    void udpDnsSmtp_settingsBound() throws Exception {
        java.net.InetAddress a = java.net.InetAddress.getByName("10.0.0.1");
        UdpChecker udp = (UdpChecker) Checks.udp().payloadHex("01ff").requireReplyHex("cafe").replyLength(2, 10)
                .build().checker(a, 53, POLICY);
        assertThat(udp.endpoint().hostPort()).isEqualTo("10.0.0.1:53");
        assertThat(udp).isEqualTo(UdpChecker.builder(Endpoint.of(a, 53)).payloadHex("01ff").requireReplyHex("cafe")
                .replyLength(2, 10).build());
        assertThat(Checks.dns().type("mx").name("example.test").build().checker(a, 53, POLICY))
                .isEqualTo(DnsChecker.of(Endpoint.of(a, 53), "MX", "example.test"));
        assertThat(Checks.smtp().helo("me.test").build().checker(a, 25, POLICY))
                .isEqualTo(SmtpChecker.of(Endpoint.of(a, 25), "me.test"));
    }

    @Test
    void misc_withoutTimeout_takesThePolicysInterval_asKeepalivedsDelayLoop() {
        Check c = Checks.misc("/usr/bin/check", "a b").dynamic().build();
        MiscChecker m = (MiscChecker) c.checker(java.net.InetAddress.getLoopbackAddress(), 0, POLICY);
        assertThat(m.argv()).containsExactly("/usr/bin/check", "a b");
        assertThat(m.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(m.dynamic()).isTrue();
        MiscChecker t = (MiscChecker) Checks.misc(List.of("/bin/x")).timeout(Duration.ofSeconds(2)).build()
                .checker(java.net.InetAddress.getLoopbackAddress(), 0, POLICY);
        assertThat(t.timeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void builders_badArguments_failAtOnceNamingTheSetting() {
        assertThatThrownBy(() -> Checks.tcp().connectPort(0)).hasMessage("connect_port: 0 (expected: 1..65535)");
        assertThatThrownBy(() -> Checks.tcp().bindPort(70000)).hasMessage("bind_port: 70000 (expected: 1..65535)");
        assertThatThrownBy(() -> Checks.tcp().connectTimeout(Duration.ZERO))
                .hasMessage("connect_timeout: PT0S (expected: 1 ns..1 h)");
        assertThatThrownBy(() -> Checks.tcp().connectIp("example.com")).hasMessageStartingWith("connect_ip: \"example.com\"");
        assertThatThrownBy(() -> Checks.tcp().bindPort(4000).build())
                .hasMessage("bind_port: 4000 (expected: with a bindto address)");
        assertThatThrownBy(() -> Checks.http("health")).hasMessageStartingWith("path: \"health\" (expected: an absolute path");
        assertThatThrownBy(() -> Checks.http("/").status(1000)).hasMessage("status_code: 1000 (expected: 100..999)");
        assertThatThrownBy(() -> Checks.http("/").digest("abc")).hasMessage("digest: \"abc\" (expected: 32 hex digits)");
        assertThatThrownBy(() -> Checks.http().status(200)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("status_code: 200 (expected: a path given to Checks.http(path)");
        assertThatThrownBy(() -> Checks.http().build()).hasMessage("url: \"none\" (expected: at least one url)");
        assertThatThrownBy(() -> Checks.http("/").sni().build()).hasMessage("enable_sni: true (expected: only with SSL_GET)");
        assertThatThrownBy(() -> Checks.http("/").virtualhost("a b"))
                .hasMessageStartingWith("virtualhost: \"a b\" (expected: a host name");
        assertThatThrownBy(() -> Checks.udp().payloadHex("xyz")).hasMessageStartingWith("payload: \"xyz\"");
        assertThatThrownBy(() -> Checks.dns().type("PTR"))
                .hasMessage("type: \"PTR\" (expected: one of A, NS, CNAME, SOA, MX, TXT, AAAA)");
        assertThatThrownBy(() -> Checks.smtp().helo("a b")).hasMessageStartingWith("helo_name: \"a b\"");
        assertThatThrownBy(() -> Checks.misc(List.of())).hasMessage("misc_path: \"[]\" (expected: a program and its arguments)");
        assertThatThrownBy(() -> Checks.misc("/bin/x").timeout(Duration.ofHours(2)))
                .hasMessage("misc_timeout: PT2H (expected: 1 ns..1 h)");
        assertThatThrownBy(() -> Checks.file(Path.of("/f")).weight(300)).hasMessage("weight: 300 (expected: -254..254)");
        assertThatThrownBy(() -> Checks.file(null)).hasMessage("track_file: null (expected: non-null)");
        VirtualService web = VirtualService.tcp("192.0.2.10", 80).realServer(RealServer.of("10.0.0.1").build()).build();
        assertThatThrownBy(() -> ServiceHealth.builder(web).check((Check) null, POLICY))
                .hasMessage("check: null (expected: non-null)");
        assertThatThrownBy(() -> ServiceHealth.builder(web).check(Checks.tcp(), null))
                .hasMessage("policy: null (expected: non-null)");
    }

    @Test
    void ping_defaults_realServersAddressAndKeepalivedsTimeout() throws Exception {
        Check c = Checks.ping().build();
        PingChecker p = (PingChecker) c.checker(InetAddress.getByName("10.0.0.1"), 80, POLICY);
        assertThat(p.target()).isEqualTo(InetAddress.getByName("10.0.0.1"));
        assertThat(p.timeout()).isEqualTo(Duration.ofSeconds(5)); // keepalived's connect_timeout
        assertThat(p.describe()).isEqualTo("PING_CHECK 10.0.0.1");
        assertThat(c.needsPort()).isFalse();
        assertThat(c.connectPort()).isZero();
        assertThat(c.describe()).isEqualTo("PING_CHECK");
    }

    @Test
    void ping_connectIpAndTimeout_boundForEveryRealServer() throws Exception {
        Check c = Checks.ping().connectIp("2001:db8::7").connectTimeout(Duration.ofMillis(1500)).build();
        PingChecker p = (PingChecker) c.checker(InetAddress.getByName("10.0.0.1"), 80, POLICY);
        assertThat(p.target()).isEqualTo(InetAddress.getByName("2001:db8::7"));
        assertThat(p.timeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.checker(InetAddress.getByName("10.0.0.2"), 81, POLICY)).isEqualTo(p); // one target: run once
        assertThat(Checks.ping().connectIp(InetAddress.getByName("10.0.0.9")).build()
                .checker(InetAddress.getByName("10.0.0.1"), 80, POLICY).describe()).isEqualTo("PING_CHECK 10.0.0.9");
        assertThat(Checks.ping().build().checker(InetAddress.getByName("2001:db8::7"), 80, POLICY))
                .isNotEqualTo(p); // another timeout
    }

    @Test
    void ping_fwmarkRealServersWithoutPort_eachPingedAtItsAddress() {
        VirtualService fwm = VirtualService.fwmark(7).realServer(RealServer.of("10.0.0.1").build())
                .realServer(RealServer.of("10.0.0.2", 443).build()).build();
        ServiceHealth sh = ServiceHealth.builder(fwm).check(Checks.ping(), POLICY).build();
        assertThat(targets(sh)).containsExactly("10.0.0.1:0 PING_CHECK 10.0.0.1", "10.0.0.2:443 PING_CHECK 10.0.0.2");
    }

    @Test
    void ping_builderReusedAfterwards_theCheckKeepsWhatItWasGiven() throws Exception {
        Checks.PingBuilder b = Checks.ping().connectTimeout(Duration.ofSeconds(2));
        Check c = b.build();
        b.connectIp("10.0.0.9").connectTimeout(Duration.ofSeconds(3));
        PingChecker p = (PingChecker) c.checker(InetAddress.getByName("10.0.0.1"), 0, POLICY);
        assertThat(p.target()).isEqualTo(InetAddress.getByName("10.0.0.1"));
        assertThat(p.timeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void ping_badArguments_failAtOnceNamingTheSetting() {
        assertThatThrownBy(() -> Checks.ping().connectIp((InetAddress) null))
                .isInstanceOf(NullPointerException.class).hasMessage("connect_ip: null (expected: non-null)");
        assertThatThrownBy(() -> Checks.ping().connectIp("example.com"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("connect_ip: \"example.com\" (expected: ");
        assertThatThrownBy(() -> Checks.ping().connectTimeout(null))
                .isInstanceOf(NullPointerException.class).hasMessage("connect_timeout: null (expected: non-null)");
        assertThatThrownBy(() -> Checks.ping().connectTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("connect_timeout: PT0S (expected: 1 ns..1 h)");
        assertThatThrownBy(() -> Checks.ping().connectTimeout(Duration.ofMillis(-1)))
                .hasMessage("connect_timeout: PT-0.001S (expected: 1 ns..1 h)");
        assertThatThrownBy(() -> Checks.ping().connectTimeout(Duration.ofHours(1).plusNanos(1)))
                .hasMessage("connect_timeout: PT1H0.000000001S (expected: 1 ns..1 h)");
        assertThatThrownBy(() -> Checks.ping().build().checker(null, 80, POLICY))
                .hasMessage("address: null (expected: non-null)");
    }

    @Test
    void ping_monitorWithANamespace_handsItsChecksThatNamespace() {
        RealServer rs = RealServer.of("10.0.0.1", 80).build();
        VirtualService web = VirtualService.tcp("192.0.2.10", 80).realServer(rs).build();
        assertThat(namespacesSeen(HealthMonitor.builder().namespace("blue"), web, rs)).containsOnly("blue");
        assertThat(namespacesSeen(HealthMonitor.builder(), web, rs)).containsOnly("this process's");
        assertThatThrownBy(() -> HealthMonitor.builder().namespace("a/b"))
                .hasMessage("netns: \"a/b\" (expected: a namespace name)");
    }

    /** The namespaces the monitor's checks were handed, in its first 12 s. */
    private static List<String> namespacesSeen(HealthMonitor.Builder b, VirtualService web, RealServer rs) {
        List<String> seen = new CopyOnWriteArrayList<>();
        Checker probe = new Checker() {
            @Override
            public CompletionStage<CheckResult> check(CheckContext context) {
                seen.add(context instanceof PingChecker.Context c
                        ? (c.namespace() == null ? "this process's" : c.namespace()) : "no namespace handed");
                return CompletableFuture.completedFuture(CheckResult.up(1));
            }

            @Override
            public String describe() {
                return "probe";
            }
        };
        FakeClock clock = new FakeClock();
        try (HealthMonitor m = b.scheduler(clock).random(() -> 0.5)
                .service(ServiceHealth.builder(web).check(rs, probe, POLICY).build()).build().start()) {
            clock.advance(Duration.ofSeconds(12));
        }
        assertThat(seen).isNotEmpty();
        return seen;
    }
}
