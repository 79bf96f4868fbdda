package io.lvs4j.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.RealServer;
import io.lvs4j.VirtualService;
import io.lvs4j.director.Director;
import io.lvs4j.director.DirectorEvent;
import io.lvs4j.director.ServiceChange;
import io.lvs4j.table.InMemoryIpvs;
import io.lvs4j.time.VirtualClock;
import io.lvs4j.vrrp.RouterState;
import io.lvs4j.vrrp.TransitionReason;
import io.lvs4j.vrrp.VirtualAddress;
import java.io.StringWriter;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link DirectorJson} and its {@link JsonWriter}: expected texts written by hand. */
class DirectorJsonTest {
    private static String compact(String s) {
        StringBuilder sb = new StringBuilder();
        new JsonWriter(sb, false).value(s);
        return sb.toString();
    }

    @Test
    void string_quoteBackslashAndControls_escaped() {
        assertThat(compact("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
        assertThat(compact("l1\nl2\r\t\b\f")).isEqualTo("\"l1\\nl2\\r\\t\\b\\f\"");
        assertThat(compact("\u0000\u001f\u007f")).isEqualTo("\"\\u0000\\u001f\\u007f\"");
    }

    @Test
    void string_lineSeparatorsAndLoneSurrogates_escapedPairsKept() {
        assertThat(compact("\u2028\u2029")).isEqualTo("\"\\u2028\\u2029\"");
        assertThat(compact("x\ud800y")).isEqualTo("\"x\\ud800y\"");
        assertThat(compact("\udc00")).isEqualTo("\"\\udc00\"");
        assertThat(compact("\ud83d\ude00 é")).isEqualTo("\"\ud83d\ude00 é\"");
    }

    @Test
    void writer_nested_compactAndPretty() {
        StringBuilder a = new StringBuilder();
        new JsonWriter(a, false).beginObject().field("n", 1).name("l").beginArray().value("x").nullValue().endArray()
                .name("e").beginArray().endArray().field("b", true).endObject();
        assertThat(a).hasToString("{\"n\":1,\"l\":[\"x\",null],\"e\":[],\"b\":true}");
        StringBuilder p = new StringBuilder();
        new JsonWriter(p, true).beginObject().field("n", 1).name("l").beginArray().beginObject().field("k", "v")
                .endObject().value("x").endArray().name("e").beginArray().endArray().name("o").beginObject().endObject()
                .endObject();
        assertThat(p).hasToString("{\n  \"n\" : 1,\n  \"l\" : [ {\n    \"k\" : \"v\"\n  }, \"x\" ],\n"
                + "  \"e\" : [ ],\n  \"o\" : { }\n}");
    }

    @Test
    void event_repaired_typeRepairedWithTheChangesApplied() {
        VirtualService vs = VirtualService.tcp("192.0.2.100", 80).build();
        String s = DirectorJson.event(new DirectorEvent.Repaired(7, 20, List.of(io.lvs4j.Change.addService(vs))));
        assertThat(s).startsWith("{\"sequence\":7,\"nanos\":20,\"type\":\"repaired\",\"applied\":[{\"kind\":"
                + "\"ADD_SERVICE\",\"change\":");
    }

    @Test
    void event_vrrpTransition_oneLineWithItsFields() {
        String s = DirectorJson.event(new DirectorEvent.VrrpTransition(4, 1500, "VI_\"1", RouterState.BACKUP,
                RouterState.MASTER, TransitionReason.MASTER_DOWN));
        assertThat(s).isEqualTo("{\"sequence\":4,\"nanos\":1500,\"type\":\"vrrpTransition\",\"instance\":\"VI_\\\"1\","
                + "\"from\":\"BACKUP\",\"to\":\"MASTER\",\"reason\":\"MASTER_DOWN\"}");
    }

    @Test
    void event_routes_announcedAndWithdrawn() throws Exception {
        String s = DirectorJson.event(new DirectorEvent.Routes(5, 7, List.of(InetAddress.getByName("198.51.100.10")),
                List.of(InetAddress.getByName("2001:db8::10"))));
        assertThat(s).isEqualTo("{\"sequence\":5,\"nanos\":7,\"type\":\"routes\",\"announced\":[\"198.51.100.10\"],"
                + "\"withdrawn\":[\"2001:db8::10\"]}");
    }

    @Test
    void event_configApplied_servicesChangedAsSignedKeys() {
        io.lvs4j.ServiceKey web = VirtualService.tcp("192.0.2.100", 80).build().key();
        io.lvs4j.ServiceKey dns = VirtualService.udp("192.0.2.101", 53).build().key();
        String s = DirectorJson.event(new DirectorEvent.ConfigApplied(6, 8, List.of("VI_2"), List.of("VI_1"),
                List.of(ServiceChange.removed(dns), ServiceChange.changed(web), ServiceChange.added(dns))));
        assertThat(s).isEqualTo("{\"sequence\":6,\"nanos\":8,\"type\":\"configApplied\",\"vrrpRestarted\":[\"VI_2\"],"
                + "\"vrrpKept\":[\"VI_1\"],\"servicesChanged\":[\"-UDP 192.0.2.101:53\",\"~TCP 192.0.2.100:80\","
                + "\"+UDP 192.0.2.101:53\"]}");
    }

    @Test
    void event_virtualAddresses_addressAndPrefixOnly() {
        String s = DirectorJson.event(new DirectorEvent.VirtualAddresses(2, 3, "VI_1", true,
                List.of(VirtualAddress.of("192.0.2.10/24"), VirtualAddress.builder("2001:db8::10/64").device("eth1")
                        .build())));
        assertThat(s).isEqualTo("{\"sequence\":2,\"nanos\":3,\"type\":\"virtualAddresses\",\"instance\":\"VI_1\","
                + "\"held\":true,\"addresses\":[\"192.0.2.10/24\",\"2001:db8::10/64\"]}");
    }

    @Test
    void event_recovered_typeRecoveredWithWhatWasRemovedAndAdopted() {
        io.lvs4j.ServiceKey gone = VirtualService.tcp("192.0.2.100", 80).build().key();
        io.lvs4j.ServiceKey kept = VirtualService.udp("192.0.2.101", 53).build().key();
        String s = DirectorJson.event(new DirectorEvent.Recovered(3, 11, 4242,
                List.of(VirtualAddress.builder("192.0.2.10/32").device("eth0").build()),
                List.of(gone), List.of(kept)));
        assertThat(s).isEqualTo("{\"sequence\":3,\"nanos\":11,\"type\":\"recovered\",\"previousPid\":4242,"
                + "\"addressesRemoved\":[\"192.0.2.10/32 dev eth0\"],\"servicesRemoved\":[\"TCP 192.0.2.100:80\"],"
                + "\"servicesAdopted\":[\"UDP 192.0.2.101:53\"]}");
    }

    @Test
    void event_failure_messageEscaped() {
        String s = DirectorJson.event(new DirectorEvent.Failure(9, 2, "reconcile",
                new IllegalStateException("line1\nline2")));
        assertThat(s).isEqualTo("{\"sequence\":9,\"nanos\":2,\"type\":\"failure\",\"operation\":\"reconcile\","
                + "\"error\":\"line1\\nline2\"}");
    }

    @Test
    void ndjson_directorEvents_oneLinePerEventInOrder() throws Exception {
        StringWriter out = new StringWriter();
        VirtualService web = VirtualService.tcp("192.0.2.100", 80)
                .realServer(RealServer.of("198.51.100.2", 80).weight(3).route()).build();
        try (Director d = Director.builder().ipvs(new InMemoryIpvs()).virtualClock(new VirtualClock())
                .listener(DirectorJson.ndjson(out)).service(web).start()) {
            d.weight(web.key(), web.realServers().get(0).address(), 80, 5);
        }
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSizeGreaterThanOrEqualTo(3); // add, weight, removal on close
        for (int i = 0; i < lines.size(); i++) {
            assertThat(lines.get(i)).startsWith("{\"sequence\":" + (i + 1) + ",").endsWith("}")
                    .contains("\"type\":\"kernelChange\"");
        }
        assertThat(lines.get(1)).contains("\"kind\":\"EDIT_SERVER\"");
    }

    @Test
    void state_inMemoryDirector_weightsHealthAndNullKernelWeight() throws Exception {
        VirtualService web = VirtualService.tcp("192.0.2.100", 80)
                .realServer(RealServer.of("198.51.100.2", 80).weight(3).route()).build();
        try (Director d = Director.builder().ipvs(new InMemoryIpvs()).virtualClock(new VirtualClock()).service(web)
                .start()) {
            String json = DirectorJson.state(d.state());
            assertThat(json).startsWith("{\n  \"instances\" : [ ],\n  \"services\" : [ {\n    \"key\" : ")
                    .endsWith("} ],\n  \"syncDaemons\" : [ ],\n  \"bgpSessions\" : [ ],\n  \"announcedAddresses\" : [ ]\n}\n")
                    .contains("\"address\" : \"198.51.100.2\"", "\"weight\" : 3", "\"desiredWeight\" : 3",
                            "\"kernelWeight\" : 3", "\"health\" : \"UNCHECKED\"", "\"syncDaemons\" : [ ]");
        }
    }

    @Test
    void state_trackedScriptFailedAndInterfaceDown_trackedObjectsPerInstance(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws Exception {
        java.nio.file.Path flag = dir.resolve("healthy");
        java.nio.file.Files.writeString(flag, "");
        String text = "vrrp_script chk {\n script \"/usr/bin/test -e " + flag + "\"\n interval 1\n weight -10\n"
                + " fall 1\n rise 1\n}\nvrrp_instance VI_1 {\n state BACKUP\n interface eth0\n virtual_router_id 51\n"
                + " priority 100\n advert_int 1\n virtual_ipaddress {\n  192.0.2.100/24\n }\n track_script {\n  chk\n }\n"
                + " track_interface {\n  eth1 weight -5\n }\n}\n";
        VirtualClock clock = new VirtualClock();
        io.lvs4j.vrrp.memory.InMemoryNetwork network = new io.lvs4j.vrrp.memory.InMemoryNetwork(clock);
        io.lvs4j.director.config.KeepalivedConfig c = io.lvs4j.director.config.KeepalivedConfig.parse("keepalived.conf",
                text, io.lvs4j.director.config.ReadOptions.defaults()).config();
        try (Director d = Director.builder().config(c.toDirectorConfig()).ipvs(new InMemoryIpvs()).virtualClock(clock)
                .inMemoryVrrp(network, "a", java.net.InetAddress.getByName("192.0.2.1")).start()) {
            clock.advance(java.time.Duration.ofSeconds(3));
            assertThat(DirectorJson.state(d.state())).contains("\"trackedScripts\" : [ {\n      \"name\" : \"chk\",\n"
                    + "      \"state\" : \"UP\",\n      \"weight\" : -10,\n      \"reverse\" : false\n    } ]");

            java.nio.file.Files.delete(flag);
            network.interfaceUp("a", "eth1", false);
            clock.advance(java.time.Duration.ofSeconds(3));
            String json = DirectorJson.state(d.state());
            assertThat(json).contains("\"name\" : \"chk\",\n      \"state\" : \"DOWN\"",
                    "\"name\" : \"eth1\",\n      \"state\" : \"DOWN\",\n      \"weight\" : -5",
                    "\"effectivePriority\" : 85");
        }
    }
}
