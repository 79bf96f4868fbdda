package io.lvs4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.bgp.BgpNeighbor;
import io.lvs4j.bgp.BgpSpeaker;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Route health injection's lines in {@code lvs4j status}. */
class StateFormatBgpTest {
    @Test
    void bgp_noSpeaker_nothing() {
        assertThat(StateFormat.bgp(List.of(), List.of())).isEmpty();
    }

    @Test
    void bgp_sessionsNotUp_eachNeighborWithItsStateAndWhatIsAnnounced() throws Exception {
        BgpSpeaker s = BgpSpeaker.builder().routerId("192.0.2.11").localAs(65001)
                .neighbor(BgpNeighbor.builder("192.0.2.1").remoteAs(65000).build())
                .neighbor(BgpNeighbor.builder("2001:db8::1").remoteAs(4200000000L).build()).build();
        assertThat(StateFormat.bgp(List.of(InetAddress.getByName("198.51.100.10"),
                InetAddress.getByName("2001:db8:100::10")), s.sessions())).isEqualTo("""
                BGP (route health injection): announcing 198.51.100.10 2001:db8:100::10
                  neighbor 192.0.2.1 AS65000  IDLE  announced nothing
                  neighbor 2001:db8::1 AS4200000000  IDLE  announced nothing
                """);
    }
}
