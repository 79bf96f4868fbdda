package io.lvs4j.forwarder;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.RealServer;
import io.lvs4j.VirtualService;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The forwarder builder's checks, which fail before any socket is opened. */
class ForwarderBuilderTest {
    private static final VirtualService WEB = VirtualService.tcp("192.0.2.10", 80)
            .realServer(RealServer.of("198.51.100.11", 80).route()).build();

    @Test
    void open_withoutInterfaces_isRejected() {
        assertThatThrownBy(() -> Forwarder.builder().service(WEB).open()).isInstanceOf(IllegalStateException.class)
                .hasMessage("interfaces: \"none\" (expected: at least one)");
    }

    @Test
    void open_firewallMarkService_isRejected() {
        assertThatThrownBy(() -> Forwarder.builder().interfaces("eth0").service(VirtualService.fwmark(7).build()).open())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("virtual service: ")
                .hasMessageEndingWith("(expected: an address and port (firewall marks are not seen in userspace))");
    }

    @Test
    void settings_outOfRangeOrRepeated_areRejectedAtOnce() {
        assertThatThrownBy(() -> Forwarder.builder().interfaces("eth0", "eth0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("interface: \"eth0\" (expected: listed once)");
        assertThatThrownBy(() -> Forwarder.builder().interfaces("a-name-longer-than-15"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("interface: \"a-name-longer-than-15\" (expected: a name of 1..15 characters)");
        assertThatThrownBy(() -> Forwarder.builder().batchSize(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("batch size: 0");
        assertThatThrownBy(() -> Forwarder.builder().service(WEB).service(WEB))
                .isInstanceOf(IllegalArgumentException.class).hasMessageEndingWith("(expected: listed once)");
        assertThatThrownBy(() -> Forwarder.builder().netns("a/b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void connectionLimits_outOfRangeOrInConflict_areRejectedBeforeAnySocketOpens() {
        assertThatThrownBy(() -> Forwarder.builder().maxConnections(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("max connections: 0 (expected: 1..");
        assertThatThrownBy(() -> Forwarder.builder().defenseThreshold(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("defense threshold: -1 (expected: 1..");
        assertThatThrownBy(() -> Forwarder.builder().halfOpenTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("half-open timeout: PT0S");
        assertThatThrownBy(() -> Forwarder.builder().failureListener(null)).isInstanceOf(NullPointerException.class);
        // the interface does not exist: these fail on the settings, before looking for it
        assertThatThrownBy(() -> Forwarder.builder().interfaces("nonexistent0").service(WEB).expectedConnections(5000)
                .maxConnections(1000).open()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected connections: 5000 (expected: at most max connections, 1000)");
        assertThatThrownBy(() -> Forwarder.builder().interfaces("nonexistent0").service(WEB).maxConnections(1000)
                .defenseThreshold(2000).open()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("defense threshold: 2000 (expected: at most max connections, 1000)");
    }
}
