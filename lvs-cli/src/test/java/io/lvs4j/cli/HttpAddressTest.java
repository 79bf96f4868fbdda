package io.lvs4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class HttpAddressTest {
    @Test
    void parse_portOnly_loopback() {
        InetSocketAddress a = HttpAddress.parse("9180");
        assertThat(a.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(a.getPort()).isEqualTo(9180);
    }

    @Test
    void parse_writtenAddresses_takenAsWritten() {
        assertThat(HttpAddress.parse("0.0.0.0:80").getAddress().isAnyLocalAddress()).isTrue();
        assertThat(HttpAddress.parse("192.0.2.7:9180").getAddress().getHostAddress()).isEqualTo("192.0.2.7");
        InetSocketAddress v6 = HttpAddress.parse("[::1]:9180");
        assertThat(v6.getAddress().isLoopbackAddress()).isTrue();
        assertThat(v6.getPort()).isEqualTo(9180);
    }

    @Test
    void parse_badInput_rejectedSayingWhatIsExpected() {
        for (String bad : new String[] {"", "0", "65536", "x:80", "localhost:80", "::1:80", "[::1]80", "1.2.3:80",
            "999.1.1.1:80", "1.2.3.4:", "1.2.3.4:-1"}) {
            assertThatThrownBy(() -> HttpAddress.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expected: PORT, ADDR:PORT or [V6ADDR]:PORT");
        }
    }
}
