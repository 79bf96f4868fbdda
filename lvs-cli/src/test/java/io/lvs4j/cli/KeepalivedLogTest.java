package io.lvs4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.AddressFamily;
import io.lvs4j.Protocol;
import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.director.DirectorEvent;
import io.lvs4j.health.CheckResult;
import io.lvs4j.health.FailureReason;
import io.lvs4j.health.HealthEvent;
import io.lvs4j.lab.UmlLab;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The log lines of lvs4j run against keepalived 2.2.7's own (lab/oracle/transcript-keepalived.txt). */
class KeepalivedLogTest {
    private static final ServiceKey VS = ServiceKey.of(Protocol.TCP, "192.0.2.50", 80);

    private static String print(HealthEvent.Type type, ServiceKey key, RealServer rs, int weight, String checker) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        HealthEvent e = new HealthEvent(1, 0, type, key, rs, weight,
                CheckResult.down(FailureReason.REFUSED, "refused", 0), checker, "");
        KeepalivedLog.print(new DirectorEvent.Health(1, 0, e), new PrintStream(b, true, StandardCharsets.UTF_8));
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void realServerDown_linesAsKeepalivedLogsThem() throws Exception {
        String oracle = Files.readString(UmlLab.findRepoRoot().orElseThrow()
                .resolve("lab/oracle/transcript-keepalived.txt"));
        String out = print(HealthEvent.Type.REAL_SERVER_DOWN, VS, RealServer.of("198.51.100.12", 80).build(), -1,
                "TCP_CHECK 198.51.100.12:80");
        assertThat(out.lines()).containsExactly("TCP_CHECK on service [198.51.100.12]:tcp:80 failed.",
                "Removing service [198.51.100.12]:tcp:80 from VS [192.0.2.50]:tcp:80");
        for (String line : out.lines().toList()) {
            assertThat(oracle).contains(line);
        }
    }

    @Test
    void routes_oneLineEachWay() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        KeepalivedLog.print(new DirectorEvent.Routes(1, 0, java.util.List.of(
                java.net.InetAddress.getByName("198.51.100.10"), java.net.InetAddress.getByName("198.51.100.11")),
                java.util.List.of(java.net.InetAddress.getByName("198.51.100.12"))), new PrintStream(b, true, StandardCharsets.UTF_8));
        assertThat(b.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "BGP: announcing 198.51.100.10 198.51.100.11", "BGP: withdrawing 198.51.100.12");
    }

    @Test
    void repaired_saysTheTableDriftedAndHowManyChanges() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        KeepalivedLog.print(new DirectorEvent.Repaired(1, 0, java.util.List.of(io.lvs4j.Change.addService(
                io.lvs4j.VirtualService.tcp("192.0.2.50", 80).build()))), new PrintStream(b, true, StandardCharsets.UTF_8));
        assertThat(b.toString(StandardCharsets.UTF_8).lines()).containsExactly("IPVS table drifted from the"
                + " configuration (flushed or changed behind our back): repairing with 1 changes");
    }

    @Test
    void recovered_saysWhoCrashedAndWhatWasRemovedAndAdopted() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        KeepalivedLog.print(new DirectorEvent.Recovered(1, 0, 4242, java.util.List.of(
                io.lvs4j.vrrp.VirtualAddress.builder("192.0.2.50/32").device("eth0").build()),
                java.util.List.of(ServiceKey.of(Protocol.TCP, "192.0.2.50", 25)), java.util.List.of(VS)),
                new PrintStream(b, true, StandardCharsets.UTF_8));
        assertThat(b.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "Recovering after the lvs4j run (PID 4242) that ended without cleaning up",
                "Removing stale VIPs: 192.0.2.50/32 dev eth0",
                "Removing VS [192.0.2.50]:tcp:25: no longer in the configuration",
                "Adopting VS [192.0.2.50]:tcp:80 as it is in the kernel (its connections kept)");
    }

    @Test
    void names_fwmarkAndUdp_asKeepalived() {
        assertThat(KeepalivedLog.vs(ServiceKey.fwmark(7, AddressFamily.INET))).isEqualTo("FWM 7");
        assertThat(KeepalivedLog.vs(ServiceKey.of(Protocol.UDP, "192.0.2.51", 53))).isEqualTo("[192.0.2.51]:udp:53");
        assertThat(KeepalivedLog.rs(ServiceKey.fwmark(7, AddressFamily.INET), RealServer.of("198.51.100.14", 0).build()))
                .isEqualTo("[198.51.100.14]:none:0");
        assertThat(KeepalivedLog.vs(ServiceKey.of(Protocol.TCP, "2001:db8::10", 80))).isEqualTo("[2001:db8::10]:tcp:80");
    }

    /** keepalived 2.2.7's ipwrapper.c wording: "Enabling"/"Disabling" with sorry_server_inhibit, else "Adding"/"Removing". */
    @Test
    void sorryServer_inhibitedIsEnabledAndDisabled_otherwiseAddedAndRemoved() {
        RealServer sorry = RealServer.of("203.0.113.9", 80).build();
        assertThat(printDetail(HealthEvent.Type.SORRY_SERVER_ON, sorry, 1, "quorum lost (inhibited sorry server enabled)"))
                .isEqualTo("Enabling sorry server [203.0.113.9]:tcp:80 to VS [192.0.2.50]:tcp:80\n");
        assertThat(printDetail(HealthEvent.Type.SORRY_SERVER_ON, sorry, 1, "quorum lost"))
                .isEqualTo("Adding sorry server [203.0.113.9]:tcp:80 to VS [192.0.2.50]:tcp:80\n");
        assertThat(printDetail(HealthEvent.Type.SORRY_SERVER_OFF, sorry, 0, "quorum regained"))
                .isEqualTo("Disabling sorry server [203.0.113.9]:tcp:80 from VS [192.0.2.50]:tcp:80\n");
        assertThat(printDetail(HealthEvent.Type.SORRY_SERVER_OFF, sorry, -1, "quorum regained"))
                .isEqualTo("Removing sorry server [203.0.113.9]:tcp:80 from VS [192.0.2.50]:tcp:80\n");
    }

    private static String printDetail(HealthEvent.Type type, RealServer rs, int weight, String detail) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        HealthEvent e = new HealthEvent(1, 0, type, VS, rs, weight, null, null, detail);
        KeepalivedLog.print(new DirectorEvent.Health(1, 0, e), new PrintStream(b, true, StandardCharsets.UTF_8));
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void realServerUp_tcpCheckWording() {
        String out = print(HealthEvent.Type.REAL_SERVER_UP, VS, RealServer.of("198.51.100.12", 80).build(), 2,
                "TCP_CHECK 198.51.100.12:80");
        assertThat(out.lines()).containsExactly("TCP connection to [198.51.100.12]:tcp:80 success.",
                "Adding service [198.51.100.12]:tcp:80 to VS [192.0.2.50]:tcp:80");
    }
}
