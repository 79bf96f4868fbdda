package io.lvs4j.director.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.RealServer;
import io.lvs4j.VirtualService;
import io.lvs4j.health.Check;
import io.lvs4j.health.CheckPolicy;
import io.lvs4j.health.Checker;
import io.lvs4j.health.Checks;
import io.lvs4j.health.HttpChecker;
import io.lvs4j.health.HttpUrlCheck;
import io.lvs4j.health.MiscChecker;
import io.lvs4j.health.ServiceHealth;
import io.lvs4j.health.TcpChecker;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * keepalived.conf's checker blocks mapped onto lvs-health's checks and policies: every type in
 * one place, BFD_CHECK refused.
 */
class CheckerMappingTest {
    static final RealServer RS = RealServer.of("192.0.2.21", 8080).masquerade().build();
    static final VirtualService VS = VirtualService.tcp("192.0.2.1", 80).realServer(RS).build();

    static CheckOptions options(InetAddress connectIp, Integer connectPort, InetAddress bindTo, Duration timeout,
            Integer retry, Duration delayBeforeRetry, Duration delayLoop) {
        return new CheckOptions(connectIp, connectPort, bindTo, null, null, null, timeout, retry, delayBeforeRetry, null,
                delayLoop, null, null);
    }

    static CheckOptions timing(InetAddress connectIp, Integer connectPort, Duration timeout, Integer retry,
            Duration delayBeforeRetry, Duration delayLoop, Boolean alpha) {
        return new CheckOptions(connectIp, connectPort, null, null, null, null, timeout, retry, delayBeforeRetry, null,
                delayLoop, alpha, null);
    }

    /** The block as the director runs it for RS: through {@link ServiceHealth}, with the block's own timing. */
    static ServiceHealth.RealServerCheck bound(CheckerConfig config) {
        return ServiceHealth.builder(VS).check(RS, CheckerMapping.check(config), CheckerMapping.policy(config.options()))
                .build().checks().get(0);
    }

    @Test
    void check_tcpCheck_defaultsToTheRealServer() {
        TcpChecker c = (TcpChecker) bound(new TcpCheck(CheckOptions.NONE)).checker();
        assertThat(c.endpoint().hostPort()).isEqualTo("192.0.2.21:8080");
        assertThat(c.endpoint().connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void check_tcpCheck_connectIpPortAndTimeout() throws Exception {
        TcpChecker c = (TcpChecker) bound(new TcpCheck(timing(InetAddress.getByName("10.2.2.2"), 9000,
                Duration.ofSeconds(2), null, null, null, null))).checker();
        assertThat(c.endpoint().hostPort()).isEqualTo("10.2.2.2:9000");
        assertThat(c.endpoint().readTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void check_tcpCheck_timingAndTimeout() {
        ServiceHealth.RealServerCheck c = bound(new TcpCheck(options(null, null, null, Duration.ofSeconds(3), 2,
                null, (Duration) null)));
        TcpChecker t = (TcpChecker) c.checker();
        assertThat(t.endpoint().hostPort()).isEqualTo("192.0.2.21:8080");
        assertThat(t.endpoint().connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.policy().fall()).isEqualTo(3);
    }

    @Test
    void check_bindPortWithoutBindto_ignoredAsBefore() throws Exception {
        CheckOptions o = new CheckOptions(null, null, null, null, 4000, null, null, null, null, null, null, null, null);
        assertThat(((TcpChecker) bound(new TcpCheck(o)).checker()).endpoint().bind()).isNull();
        CheckOptions b = new CheckOptions(null, null, InetAddress.getByName("192.0.2.1"), null, 4000, null, null, null,
                null, null, null, null, null);
        assertThat(((TcpChecker) bound(new TcpCheck(b)).checker()).endpoint().bind().getPort()).isEqualTo(4000);
    }

    @Test
    void policy_keepalivedOptions() {
        CheckPolicy p = CheckerMapping.policy(timing(null, null, null, 3, Duration.ofSeconds(2), Duration.ofSeconds(6),
                true));
        assertThat(p.fall()).isEqualTo(4);
        assertThat(p.fastInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.interval()).isEqualTo(Duration.ofSeconds(6));
        assertThat(p.alpha()).isTrue();
        assertThat(CheckerMapping.policy(CheckOptions.NONE)).isEqualTo(CheckPolicy.DEFAULT);
        assertThat(CheckPolicy.DEFAULT.fall()).isEqualTo(2);
        assertThat(CheckPolicy.DEFAULT.interval()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void policy_eachOptionFromTheCheckerElseTheRealServerElseTheVirtualServer() throws Exception {
        KeepalivedConfig c = Configs.parse("virtual_server 192.0.2.1 80 {\n protocol TCP\n delay_loop 9\n retry 4\n"
                + " delay_before_retry 3\n real_server 10.0.0.1 80 {\n  retry 2\n  TCP_CHECK {\n   delay_loop 5\n  }\n }\n}\n")
                .config();
        VirtualServerConfig vs = c.virtualServers().get(0);
        RealServerConfig rs = vs.realServers().get(0);
        CheckPolicy p = CheckerMapping.policy(rs.checkers().get(0).options(), rs, vs);
        assertThat(p.interval()).isEqualTo(Duration.ofSeconds(5)); // the checker's
        assertThat(p.fall()).isEqualTo(3); // the real server's retry 2
        assertThat(p.fastInterval()).isEqualTo(Duration.ofSeconds(3)); // the virtual server's
    }

    @Test
    void check_httpCheck_urlsStatusRangesDigestAndProtocol() {
        HttpCheck cfg = new HttpCheck(true, CheckOptions.NONE, "1.1", null, true, "www.test",
                List.of(new HttpUrl("/a", "0123456789ABCDEF0123456789abcdef", List.of(new StatusRange(200, 299),
                        new StatusRange(418, 418)), null, "ok", false, List.of("caseless"), null, null)));
        HttpChecker c = (HttpChecker) bound(cfg).checker();
        assertThat(c.tls()).isTrue();
        assertThat(c.protocol()).isEqualTo(HttpChecker.Protocol.HTTP_1_1);
        assertThat(c.virtualhost()).isEqualTo("www.test");
        HttpUrlCheck u = c.urls().get(0);
        assertThat(u.digest()).isEqualTo("0123456789abcdef0123456789abcdef");
        assertThat(u.statusText()).isEqualTo("200-299, 418");
        assertThat(u.statusMatches(418)).isTrue();
        assertThat(u.statusMatches(300)).isFalse();
        assertThat(u.regex().flags()).isEqualTo(java.util.regex.Pattern.CASE_INSENSITIVE);
        assertThat(c.describe()).isEqualTo("SSL_GET 192.0.2.21:8080 /a");
    }

    private static final HttpCheck SSL_GET = new HttpCheck(true, CheckOptions.NONE, null, null, false, null,
            List.of(new HttpUrl("/", null, List.of(), null, null, false, List.of(), null, null)));

    @Test
    void check_sslBlockClientCertificate_isRead_aMissingFileRefused(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        String cert = dir.resolve("client.pem").toString();
        assertThatThrownBy(() -> CheckerMapping.check(SSL_GET, new SslConfig(null, null, cert, dir.resolve("key.pem").toString())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("certificate: \"" + cert + " with key ");
    }

    @Test
    void check_sslBlockCa_isRead_aMissingFileRefused(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        String ca = dir.resolve("ca.pem").toString();
        assertThatThrownBy(() -> CheckerMapping.check(SSL_GET, new SslConfig(null, ca, null, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ca: \"" + ca + "\" (expected: a readable PEM file");
    }

    @Test
    void check_sslBlock_httpGetUnaffected(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        HttpCheck plain = new HttpCheck(false, CheckOptions.NONE, null, null, false, null, SSL_GET.urls());
        assertThat(CheckerMapping.check(plain, new SslConfig(null, null, dir.resolve("no.pem").toString(), "k"))
                .describe()).startsWith("HTTP_GET");
    }

    @Test
    void check_httpCheckWithoutUrl_clearError() {
        HttpCheck cfg = new HttpCheck(false, CheckOptions.NONE, null, null, false, null, List.of());
        assertThatThrownBy(() -> CheckerMapping.check(cfg)).hasMessage("url: \"none\" (expected: at least one url)");
    }

    @Test
    void check_miscCheck_pathSplitWithoutShell_timeoutDefaultsToDelayLoop() {
        MiscChecker c = (MiscChecker) bound(new MiscCheck(timing(null, null, null, null, null,
                Duration.ofSeconds(7), null), "/usr/bin/check 'a b' c\\ d \"e\"", null, true, null, null)).checker();
        assertThat(c.argv()).containsExactly("/usr/bin/check", "a b", "c d", "e");
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(c.dynamic()).isTrue();
    }

    @Test
    void check_miscCheck_wholeCommandInQuotes_programAndArguments() {
        // misc_path "/usr/bin/check -x 'a b'" as keepalived.conf writes it: the quotes reach the checker
        MiscChecker c = (MiscChecker) bound(new MiscCheck(timing(null, null, null, null, null,
                Duration.ofSeconds(7), null), "\"/usr/bin/check -x 'a b'\"", null, false, null, null)).checker();
        assertThat(c.argv()).containsExactly("/usr/bin/check", "-x", "a b");
    }

    @Test
    void check_miscCheckUser_checkerRunsAsThatUserAndGroup() {
        MiscChecker c = (MiscChecker) bound(new MiscCheck(CheckOptions.NONE, "/usr/bin/true", null, false, "nobody",
                "nogroup")).checker();
        assertThat(c.user()).hasValue("nobody");
        assertThat(c.group()).hasValue("nogroup");
        MiscChecker own = (MiscChecker) bound(new MiscCheck(CheckOptions.NONE, "/usr/bin/true", null, false, "nobody",
                null)).checker();
        assertThat(own.user()).hasValue("nobody");
        assertThat(own.group()).isEmpty();
    }

    @Test
    void check_pingCheckWithoutOptions_realServerAddressAndKeepalivedDefaults() throws Exception {
        ServiceHealth.RealServerCheck c = bound(new PingCheck(CheckOptions.NONE));
        assertThat(c.checker()).isEqualTo(Checks.ping().connectTimeout(Duration.ofSeconds(5)).build()
                .checker(InetAddress.getByName("192.0.2.21"), 0, CheckPolicy.DEFAULT));
        assertThat(c.realServer()).isEqualTo(RS);
        assertThat(c.policy()).isEqualTo(CheckPolicy.DEFAULT);
        assertThat(c.checker().describe()).isEqualTo("PING_CHECK 192.0.2.21");
    }

    @Test
    void check_pingCheckWithOptions_connectIpTimeoutAndTiming() throws Exception {
        ServiceHealth.RealServerCheck c = bound(new PingCheck(options(InetAddress.getByName("198.51.100.7"), 9999,
                InetAddress.getByName("192.0.2.1"), Duration.ofMillis(1500), 4, Duration.ofSeconds(2),
                Duration.ofSeconds(10))));
        assertThat(c.checker()).isEqualTo(Checks.ping().connectIp("198.51.100.7").connectTimeout(Duration.ofMillis(1500))
                .build().checker(InetAddress.getByName("192.0.2.99"), 1, CheckPolicy.DEFAULT));
        assertThat(c.checker().describe()).isEqualTo("PING_CHECK 198.51.100.7");
        assertThat(c.policy().fall()).isEqualTo(5); // retry 4: down after 5 failures in a row
        assertThat(c.policy().fastInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.policy().interval()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void check_pingCheckOfIpv6RealServer_ipv6Target() throws Exception {
        Checker p = CheckerMapping.check(new PingCheck(CheckOptions.NONE))
                .checker(InetAddress.getByName("2001:db8::21"), 80, CheckPolicy.DEFAULT);
        assertThat(p.describe()).isEqualTo("PING_CHECK 2001:db8:0:0:0:0:0:21");
    }

    @Test
    void check_pingCheckOfFwmarkRealServerWithoutPort_needsNoPort() {
        VirtualService fwm = VirtualService.fwmark(3).realServer(RealServer.of("192.0.2.21").build()).build();
        ServiceHealth sh = ServiceHealth.builder(fwm).check(CheckerMapping.check(new PingCheck(CheckOptions.NONE)),
                CheckPolicy.DEFAULT).build();
        assertThat(sh.checks().get(0).checker().describe()).isEqualTo("PING_CHECK 192.0.2.21");
    }

    @Test
    void check_sameOptions_equalCheckersSoTheMonitorRunsThemOnce() {
        assertThat(bound(new PingCheck(CheckOptions.NONE)).checker())
                .isEqualTo(bound(new PingCheck(CheckOptions.NONE)).checker());
        assertThat(bound(new PingCheck(CheckOptions.NONE)).checker())
                .isNotEqualTo(bound(new PingCheck(options(null, null, null, Duration.ofSeconds(1), null, null, (Duration) null)))
                        .checker());
    }

    @Test
    void check_bfdCheck_clearError() {
        assertThatThrownBy(() -> CheckerMapping.check(new BfdCheck(CheckOptions.NONE, "bfd1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("checker: \"BFD_CHECK\" (expected: one of TCP_CHECK, HTTP_GET, SSL_GET, MISC_CHECK, "
                        + "UDP_CHECK, DNS_CHECK, SMTP_CHECK, FILE_CHECK, PING_CHECK; lvs4j has no BFD)");
    }

    @Test
    void check_nulls_namedErrors() {
        assertThatThrownBy(() -> CheckerMapping.check(null)).hasMessageStartingWith("checker: ");
        assertThatThrownBy(() -> CheckerMapping.check(null, null)).hasMessageStartingWith("checker: ");
        assertThatThrownBy(() -> CheckerMapping.policy(null)).hasMessageStartingWith("options: ");
    }

    @Test
    void check_isACheckOfLvsHealth_givenOnceForEveryRealServer() {
        Check tcp = CheckerMapping.check(new TcpCheck(CheckOptions.NONE));
        VirtualService two = VirtualService.tcp("192.0.2.1", 80).realServer(RealServer.of("10.0.0.1").build())
                .realServer(RealServer.of("10.0.0.2").build()).build();
        assertThat(ServiceHealth.builder(two).check(tcp, CheckPolicy.DEFAULT).build().checks())
                .extracting(c -> c.checker().describe()).containsExactly("TCP_CHECK 10.0.0.1:80", "TCP_CHECK 10.0.0.2:80");
    }
}
