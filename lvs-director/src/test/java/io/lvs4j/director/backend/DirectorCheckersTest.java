package io.lvs4j.director.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.RealServer;
import io.lvs4j.health.CheckPolicy;
import io.lvs4j.health.ServiceHealth;
import io.lvs4j.health.TcpChecker;
import io.lvs4j.health.config.BfdCheck;
import io.lvs4j.health.config.CheckOptions;
import io.lvs4j.health.config.PingCheck;
import io.lvs4j.health.config.TcpCheck;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The director's checker mapping: PING_CHECK here, the rest delegated, BFD_CHECK rejected. */
class DirectorCheckersTest {
    static final RealServer RS = RealServer.of("192.0.2.21", 8080).masquerade().build();

    static CheckOptions options(InetAddress connectIp, Integer connectPort, InetAddress bindTo, Duration timeout,
            Integer retry, Duration delayBeforeRetry, Duration delayLoop) {
        return new CheckOptions(connectIp, connectPort, bindTo, null, null, null, timeout, retry, delayBeforeRetry, null,
                delayLoop, null, null);
    }

    @Test
    void of_pingCheckWithoutOptions_realServerAddressAndKeepalivedDefaults() {
        ServiceHealth.Check c = DirectorCheckers.of(new PingCheck(CheckOptions.NONE), RS);
        PingChecker p = (PingChecker) c.checker();
        assertThat(p.target().getHostAddress()).isEqualTo("192.0.2.21");
        assertThat(p.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.realServer()).isSameAs(RS);
        assertThat(c.policy()).isEqualTo(CheckPolicy.DEFAULT);
        assertThat(p.describe()).isEqualTo("PING_CHECK 192.0.2.21");
    }

    @Test
    void of_pingCheckWithOptions_connectIpTimeoutAndTiming() throws Exception {
        ServiceHealth.Check c = DirectorCheckers.of(new PingCheck(options(InetAddress.getByName("198.51.100.7"), 9999,
                InetAddress.getByName("192.0.2.1"), Duration.ofMillis(1500), 4, Duration.ofSeconds(2),
                Duration.ofSeconds(10))), RS);
        PingChecker p = (PingChecker) c.checker();
        assertThat(p.target().getHostAddress()).isEqualTo("198.51.100.7");
        assertThat(p.timeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.policy().fall()).isEqualTo(5); // retry 4: down after 5 failures in a row
        assertThat(c.policy().fastInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.policy().interval()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void of_pingCheckOfIpv6RealServer_ipv6Target() {
        RealServer v6 = RealServer.of("2001:db8::21", 80).masquerade().build();
        PingChecker p = (PingChecker) DirectorCheckers.checker(new PingCheck(CheckOptions.NONE), v6);
        assertThat(p.target()).isInstanceOf(java.net.Inet6Address.class);
        assertThat(p.describe()).isEqualTo("PING_CHECK 2001:db8:0:0:0:0:0:21");
    }

    @Test
    void of_sameOptions_equalCheckersSoTheMonitorRunsThemOnce() {
        assertThat(DirectorCheckers.checker(new PingCheck(CheckOptions.NONE), RS))
                .isEqualTo(DirectorCheckers.checker(new PingCheck(CheckOptions.NONE), RS));
        assertThat(DirectorCheckers.checker(new PingCheck(CheckOptions.NONE), RS))
                .isNotEqualTo(DirectorCheckers.checker(new PingCheck(options(null, null, null, Duration.ofSeconds(1),
                        null, null, null)), RS));
    }

    @Test
    void of_tcpCheck_delegatedToLvsHealth() {
        ServiceHealth.Check c = DirectorCheckers.of(new TcpCheck(options(null, null, null, Duration.ofSeconds(3), 2,
                null, null)), RS);
        TcpChecker t = (TcpChecker) c.checker();
        assertThat(t.endpoint().hostPort()).isEqualTo("192.0.2.21:8080");
        assertThat(t.endpoint().connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.policy().fall()).isEqualTo(3);
    }

    @Test
    void of_bfdCheck_clearError() {
        assertThatThrownBy(() -> DirectorCheckers.of(new BfdCheck(CheckOptions.NONE, "bfd1"), RS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("checker: \"BFD_CHECK\" (expected: one of TCP_CHECK, HTTP_GET, SSL_GET, MISC_CHECK, "
                        + "UDP_CHECK, DNS_CHECK, SMTP_CHECK, FILE_CHECK, PING_CHECK; lvs4j has no BFD)");
    }

    @Test
    void of_nulls_namedErrors() {
        assertThatThrownBy(() -> DirectorCheckers.of(null, RS)).hasMessageStartingWith("checker: ");
        assertThatThrownBy(() -> DirectorCheckers.of(new PingCheck(CheckOptions.NONE), null))
                .hasMessageStartingWith("realServer: ");
    }
}
