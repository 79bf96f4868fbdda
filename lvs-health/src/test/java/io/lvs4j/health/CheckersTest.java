package io.lvs4j.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The checkers' validation messages and keepalived's result rules (the keepalived.conf mapping is lvs-director's). */
class CheckersTest {
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
