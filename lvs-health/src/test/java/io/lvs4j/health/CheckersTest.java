package io.lvs4j.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.RealServer;
import io.lvs4j.health.config.CheckOptions;
import io.lvs4j.health.config.HttpCheck;
import io.lvs4j.health.config.HttpUrl;
import io.lvs4j.health.config.MiscCheck;
import io.lvs4j.health.config.PingCheck;
import io.lvs4j.health.config.StatusRange;
import io.lvs4j.health.config.TcpCheck;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Checkers and policies from keepalived.conf's checker blocks; builder validation messages. */
class CheckersTest {
    static final RealServer RS = RealServer.of("10.1.1.1", 8080).masquerade().build();

    static CheckOptions options(InetAddress connectIp, Integer connectPort, Duration timeout, Integer retry,
            Duration delayBeforeRetry, Duration delayLoop, Boolean alpha) {
        return new CheckOptions(connectIp, connectPort, null, null, null, null, timeout, retry, delayBeforeRetry, null,
                delayLoop, alpha, null);
    }

    @Test
    void tcpCheck_defaultsToTheRealServer() {
        TcpChecker c = (TcpChecker) Checkers.of(new TcpCheck(CheckOptions.NONE), RS);
        assertThat(c.endpoint().hostPort()).isEqualTo("10.1.1.1:8080");
        assertThat(c.endpoint().connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void tcpCheck_connectIpPortAndTimeout() throws Exception {
        TcpChecker c = (TcpChecker) Checkers.of(new TcpCheck(options(InetAddress.getByName("10.2.2.2"), 9000,
                Duration.ofSeconds(2), null, null, null, null)), RS);
        assertThat(c.endpoint().hostPort()).isEqualTo("10.2.2.2:9000");
        assertThat(c.endpoint().readTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void policy_keepalivedOptions() {
        CheckPolicy p = CheckPolicy.from(options(null, null, null, 3, Duration.ofSeconds(2), Duration.ofSeconds(6), true));
        assertThat(p.fall()).isEqualTo(4);
        assertThat(p.fastInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.interval()).isEqualTo(Duration.ofSeconds(6));
        assertThat(p.alpha()).isTrue();
        assertThat(CheckPolicy.from(CheckOptions.NONE)).isEqualTo(CheckPolicy.DEFAULT);
        assertThat(CheckPolicy.DEFAULT.fall()).isEqualTo(2);
        assertThat(CheckPolicy.DEFAULT.interval()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void httpCheck_urlsStatusRangesDigestAndProtocol() {
        HttpCheck cfg = new HttpCheck(true, CheckOptions.NONE, "1.1", null, true, "www.test",
                List.of(new HttpUrl("/a", "0123456789ABCDEF0123456789abcdef", List.of(new StatusRange(200, 299),
                        new StatusRange(418, 418)), null, "ok", false, List.of("caseless"), null, null)));
        HttpChecker c = (HttpChecker) Checkers.of(cfg, RS);
        assertThat(c.tls()).isTrue();
        assertThat(c.protocol()).isEqualTo(HttpChecker.Protocol.HTTP_1_1);
        assertThat(c.virtualhost()).isEqualTo("www.test");
        HttpUrlCheck u = c.urls().get(0);
        assertThat(u.digest()).isEqualTo("0123456789abcdef0123456789abcdef");
        assertThat(u.statusText()).isEqualTo("200-299, 418");
        assertThat(u.statusMatches(418)).isTrue();
        assertThat(u.statusMatches(300)).isFalse();
        assertThat(u.regex().flags()).isEqualTo(java.util.regex.Pattern.CASE_INSENSITIVE);
        assertThat(c.describe()).isEqualTo("SSL_GET 10.1.1.1:8080 /a");
    }

    @Test
    void miscCheck_pathSplitWithoutShell_timeoutDefaultsToDelayLoop() {
        MiscChecker c = (MiscChecker) Checkers.of(new MiscCheck(options(null, null, null, null, null,
                Duration.ofSeconds(7), null), "/usr/bin/check 'a b' c\\ d \"e\"", null, true, null, null), RS);
        assertThat(c.argv()).containsExactly("/usr/bin/check", "a b", "c d", "e");
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(c.dynamic()).isTrue();
    }

    @Test
    void miscCheck_wholeCommandInQuotes_programAndArguments() {
        // misc_path "/usr/bin/check -x 'a b'" as keepalived.conf writes it: the quotes reach the checker
        MiscChecker c = (MiscChecker) Checkers.of(new MiscCheck(options(null, null, null, null, null,
                Duration.ofSeconds(7), null), "\"/usr/bin/check -x 'a b'\"", null, false, null, null), RS);
        assertThat(c.argv()).containsExactly("/usr/bin/check", "-x", "a b");
    }

    @Test
    void pingCheck_notYetAvailable_clearError() {
        assertThatThrownBy(() -> Checkers.of(new PingCheck(CheckOptions.NONE), RS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("checker: \"PING_CHECK\" (expected: one of TCP_CHECK");
    }

    @Test
    void builders_badValues_locatedMessages() {
        assertThatThrownBy(() -> HttpUrlCheck.builder("/").digest("abc")).hasMessage("digest: \"abc\" (expected: 32 hex digits)");
        assertThatThrownBy(() -> HttpUrlCheck.builder("/").status(600, 500))
                .hasMessage("status_code: \"600-500\" (expected: start <= end)");
        assertThatThrownBy(() -> HttpUrlCheck.builder("x")).hasMessageStartingWith("path: \"x\" (expected: an absolute path");
        assertThatThrownBy(() -> HttpChecker.builder(Endpoint.of("127.0.0.1", 80)).build())
                .hasMessage("url: \"none\" (expected: at least one url)");
        assertThatThrownBy(() -> HttpChecker.builder(Endpoint.of("127.0.0.1", 80)).sni().url("/").build())
                .hasMessage("enable_sni: true (expected: only with SSL_GET)");
        assertThatThrownBy(() -> CheckPolicy.builder().retry(1).fall(2)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> CheckPolicy.builder().jitter(0.9)).hasMessage("jitter: 0.9 (expected: 0..0.5)");
        assertThatThrownBy(() -> Endpoint.of("127.0.0.1", 0)).hasMessage("port: 0 (expected: 1..65535)");
        assertThatThrownBy(() -> DnsChecker.of(Endpoint.of("127.0.0.1", 53), "PTR", "x"))
                .hasMessage("type: \"PTR\" (expected: one of A, NS, CNAME, SOA, MX, TXT, AAAA)");
        assertThatThrownBy(() -> MiscChecker.split("a 'b")).hasMessage("misc_path: \"a 'b\" (expected: balanced quotes)");
    }

    @Test
    void miscJudge_keepalivedExitRules() {
        assertThat(MiscChecker.judge(0, true, 1).weight()).isEmpty();
        assertThat(MiscChecker.judge(2, true, 1).weight()).hasValue(0);
        assertThat(MiscChecker.judge(255, true, 1).weight()).hasValue(253);
        assertThat(MiscChecker.judge(255, false, 1).isUp()).isFalse();
        assertThat(MiscChecker.judge(1, true, 1).isUp()).isFalse();
    }

    @Test
    void checkResult_toStringAndValidation() {
        assertThat(CheckResult.down(FailureReason.STATUS, "status 503", 5_000_000).toString())
                .isEqualTo("DOWN STATUS (status 503) in 5 ms");
        assertThatThrownBy(() -> CheckResult.down(FailureReason.NONE, "x", 0))
                .hasMessage("reason: NONE (expected: a failure reason, not NONE)");
        assertThatThrownBy(() -> CheckResult.up(0, 70000)).hasMessage("weight: 70000 (expected: 0..65535)");
    }
}
