package io.lvs4j.director.config;

import static io.lvs4j.director.config.Configs.errors;
import static io.lvs4j.director.config.Configs.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** lvs4j's bgp_speaker block and the virtual servers' announce / no_announce. */
class BgpSpeakerConfigTest {
    static final String BLOCK = "bgp_speaker {\n"
            + "    router_id 192.0.2.11\n"
            + "    local_as 65001\n"
            + "    listen_port 1179\n"
            + "    device dummy0\n"
            + "    stop_drain 1.5\n"
            + "    partial_table_delay 4\n"
            + "    neighbor 192.0.2.1 {\n"
            + "        remote_as 65000\n"
            + "        hold_time 3\n"
            + "        port 10179\n"
            + "        password sesame\n"
            + "        local_address 192.0.2.11\n"
            + "    }\n"
            + "    neighbor 2001:db8::1 {\n"
            + "        remote_as 4200000000\n"
            + "        passive\n"
            + "    }\n"
            + "}\n";

    @Test
    void bgpSpeaker_everyKeyword_read() throws Exception {
        BgpSpeakerConfig b = parse(BLOCK).config().bgpSpeaker();
        assertThat(b.routerId()).isEqualTo(InetAddress.getByName("192.0.2.11"));
        assertThat(b.localAs()).isEqualTo(65001);
        assertThat(b.listenPort()).isEqualTo(1179);
        assertThat(b.device()).isEqualTo("dummy0");
        assertThat(b.stopDrain()).isEqualTo(Duration.ofMillis(1500));
        assertThat(b.partialTableDelay()).isEqualTo(Duration.ofSeconds(4));
        assertThat(b.neighbors()).containsExactly(
                new BgpSpeakerConfig.Neighbor(InetAddress.getByName("192.0.2.1"), 65000, 3, 10179, "sesame",
                        InetAddress.getByName("192.0.2.11"), false),
                new BgpSpeakerConfig.Neighbor(InetAddress.getByName("2001:db8::1"), 4200000000L, null, null, null, null,
                        true));
        assertThat(b.neighbors().get(0).toString()).doesNotContain("sesame");
    }

    @Test
    void bgpSpeaker_writtenAndReadBack_equal() throws Exception {
        KeepalivedConfig c = parse(BLOCK + "virtual_server 198.51.100.10 80 {\n no_announce\n"
                + " real_server 10.0.0.2 80 {\n }\n}\n"
                + "virtual_server fwmark 7 {\n announce 198.51.100.40 2001:db8::40\n real_server 10.0.0.2 0 {\n }\n}\n")
                .config();
        KeepalivedConfig back = parse(c.toKeepalivedConf()).config();
        assertThat(back).isEqualTo(c);
        assertThat(back.virtualServers().get(0).announce()).isEqualTo(new VirtualServerConfig.Announce(false, List.of()));
        assertThat(back.virtualServers().get(1).announce()).isEqualTo(new VirtualServerConfig.Announce(true,
                List.of(InetAddress.getByName("198.51.100.40"), InetAddress.getByName("2001:db8::40"))));
    }

    @Test
    void noBgpSpeaker_null() throws Exception {
        assertThat(parse("virtual_server 198.51.100.10 80 {\n}\n").config().bgpSpeaker()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "bgp_speaker {\\n router_id 2001:db8::1\\n}|keepalived.conf:2:12: router_id: \"2001:db8::1\" (expected: a non-zero IPv4 address)",
        "bgp_speaker {\\n local_as 23456\\n}|keepalived.conf:2:11: local_as: \"23456\" (expected: an AS number other than 23456 (AS_TRANS))",
        "bgp_speaker {\\n partial_table_delay -1\\n}|keepalived.conf:2:22: partial_table_delay: \"-1\" (expected: seconds 0..3600)",
        "bgp_speaker {\\n local_as 4294967296\\n}|keepalived.conf:2:11: local_as: \"4294967296\" (expected: 1..4294967295)",
        "bgp_speaker {\\n router_id 192.0.2.11\\n local_as 1\\n neighbor 192.0.2.1 {\\n  remote_as 2\\n  hold_time 2\\n }\\n}|keepalived.conf:6:13: hold_time: \"2\" (expected: 0 or 3..65535 (seconds))",
        "bgp_speaker {\\n router_id 192.0.2.11\\n local_as 1\\n neighbor 192.0.2.1 {\\n  hold_time 3\\n }\\n}|keepalived.conf:4:2: neighbor 192.0.2.1 remote_as: missing (expected: remote_as 1..4294967295)",
        "bgp_speaker {\\n router_id 192.0.2.11\\n local_as 1\\n neighbor 192.0.2.1 {\\n  remote_as 2\\n  local_address 2001:db8::2\\n }\\n}|keepalived.conf:6:17: local_address: \"2001:db8::2\" (expected: a unicast address of the neighbor's family)",
        "bgp_speaker {\\n router_id 192.0.2.11\\n local_as 1\\n neighbor 192.0.2.1 {\\n  remote_as 2\\n  md5 x\\n }\\n}|keepalived.conf:6:3: neighbor: \"md5\" (expected: one of remote_as, hold_time, port, password, local_address, passive)",
        "bgp_speaker {\\n router_id 192.0.2.11\\n local_as 1\\n}|keepalived.conf:1:1: bgp_speaker neighbor: none (expected: at least one neighbor block)",
        "bgp_speaker {\\n local_as 1\\n neighbor 192.0.2.1 {\\n  remote_as 2\\n }\\n}|keepalived.conf:1:1: bgp_speaker router_id: missing (expected: router_id IPV4_ADDRESS)",
        "bgp_speaker {\\n router_id 192.0.2.11\\n local_as 1\\n listen_port 0\\n neighbor 192.0.2.1 {\\n  remote_as 2\\n  passive\\n }\\n}|keepalived.conf:1:1: bgp_speaker listen_port: 0 (expected: a port to listen on, neighbor 192.0.2.1 is passive)",
        "bgp_speaker {\\n router_id 192.0.2.11\\n local_as 1\\n neighbor 192.0.2.1 {\\n  remote_as 2\\n }\\n neighbor 192.0.2.1 {\\n  remote_as 3\\n }\\n}|keepalived.conf:7:11: neighbor: \"192.0.2.1\" (expected: each neighbor address once)",
        "virtual_server fwmark 3 {\\n announce\\n}|keepalived.conf:2:2: announce: no address for fwmark 3 (expected: announce ADDRESS... for a fwmark service)",
        "virtual_server 192.0.2.1 80 {\\n announce 127.0.0.1\\n}|keepalived.conf:2:11: announce: \"127.0.0.1\" (expected: a unicast address, not loopback, each once)",
    })
    void error_isLocated(String text, String expected) {
        ConfigException e = errors(text.replace("\\n", "\n"));
        assertThat(e.errors()).extracting(ConfigProblem::toString).contains(expected);
    }
}
