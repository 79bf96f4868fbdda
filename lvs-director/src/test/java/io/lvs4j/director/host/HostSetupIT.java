package io.lvs4j.director.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs4j.Forwarding;
import io.lvs4j.netlink.InterfaceException;
import io.lvs4j.netlink.Sysctl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RealServerSetup} and {@link DirectorSetup} on the host kernel, each test in a fresh network
 * namespace it creates (sysctls under {@code net.ipv4.conf} are per namespace). Every value is
 * checked with the system's own {@code sysctl} and {@code ip} run inside the namespace, not with
 * the code under test.
 */
class HostSetupIT {
    private static final AtomicInteger SEQ = new AtomicInteger();
    private String ns;

    static String sh(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + " failed: " + out);
        }
        return out;
    }

    @BeforeAll
    static void root() {
        assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"), "needs root for namespaces");
    }

    @BeforeEach
    void namespace() throws Exception {
        ns = "demo-hs" + ProcessHandle.current().pid() % 100000 + "-" + SEQ.incrementAndGet();
        sh("ip", "netns", "add", ns);
        sh("ip", "-n", ns, "link", "set", "lo", "up");
    }

    @AfterEach
    void removeNamespace() throws Exception {
        sh("ip", "netns", "del", ns);
    }

    private String sysctl(String name) throws Exception {
        return sh("ip", "netns", "exec", ns, "sysctl", "-n", name).trim();
    }

    private void setSysctl(String name, String value) throws Exception {
        sh("ip", "netns", "exec", ns, "sysctl", "-q", "-w", name + "=" + value);
    }

    private String loAddresses() throws Exception {
        return sh("ip", "-n", ns, "-o", "addr", "show", "dev", "lo");
    }

    @Test
    void realServer_dr_appliesRecipeAndUndoRestoresPreviousValues() throws Exception {
        setSysctl("net.ipv4.conf.lo.arp_ignore", "1"); // there before: neither recorded nor reset
        setSysctl("net.ipv4.conf.all.arp_announce", "1");
        assertThat(sysctl("net.ipv4.conf.all.arp_ignore")).isEqualTo("0");

        HostChanges undo = RealServerSetup.vip("192.0.2.100").netns(ns).apply();

        assertThat(sysctl("net.ipv4.conf.all.arp_ignore")).isEqualTo("1");
        assertThat(sysctl("net.ipv4.conf.lo.arp_ignore")).isEqualTo("1");
        assertThat(sysctl("net.ipv4.conf.all.arp_announce")).isEqualTo("2");
        assertThat(sysctl("net.ipv4.conf.lo.arp_announce")).isEqualTo("2");
        assertThat(loAddresses()).contains("inet 192.0.2.100/32");
        assertThat(undo.describe()).containsExactly(
                "sysctl net.ipv4.conf.all.arp_ignore: 0 -> 1",
                "sysctl net.ipv4.conf.all.arp_announce: 1 -> 2",
                "sysctl net.ipv4.conf.lo.arp_announce: 0 -> 2",
                "address 192.0.2.100/32 added on lo");
        // the host's own namespace is untouched
        assertThat(sh("ip", "-o", "addr", "show", "dev", "lo")).doesNotContain("192.0.2.100");

        undo.undo();

        assertThat(sysctl("net.ipv4.conf.all.arp_ignore")).isEqualTo("0");
        assertThat(sysctl("net.ipv4.conf.lo.arp_ignore")).isEqualTo("1");
        assertThat(sysctl("net.ipv4.conf.all.arp_announce")).isEqualTo("1");
        assertThat(sysctl("net.ipv4.conf.lo.arp_announce")).isEqualTo("0");
        assertThat(loAddresses()).doesNotContain("192.0.2.100");
        assertThat(undo.isUndone()).isTrue();
    }

    @Test
    void realServer_appliedTwice_secondChangesNothingAndUndoIsIdempotent() throws Exception {
        HostChanges first = RealServerSetup.vip("192.0.2.100").netns(ns).apply();
        HostChanges second = RealServerSetup.vip("192.0.2.100").netns(ns).apply();

        assertThat(first.isEmpty()).isFalse();
        assertThat(second.isEmpty()).isTrue();
        assertThat(loAddresses().split("192.0.2.100", -1)).hasSize(2); // once

        second.undo();
        assertThat(loAddresses()).contains("192.0.2.100/32");
        assertThat(sysctl("net.ipv4.conf.all.arp_ignore")).isEqualTo("1");

        first.undo();
        first.undo();
        first.close();
        assertThat(loAddresses()).doesNotContain("192.0.2.100");
        assertThat(sysctl("net.ipv4.conf.all.arp_ignore")).isEqualTo("0");
    }

    @Test
    void realServer_vipAlreadyOnLo_isLeftThereByUndo() throws Exception {
        sh("ip", "-n", ns, "addr", "add", "192.0.2.100/32", "dev", "lo");

        HostChanges undo = RealServerSetup.vip("192.0.2.100").netns(ns).apply();
        assertThat(undo.describe()).noneMatch(l -> l.startsWith("address"));
        undo.undo();

        assertThat(loAddresses()).contains("192.0.2.100/32");
        assertThat(sysctl("net.ipv4.conf.all.arp_ignore")).isEqualTo("0");
    }

    @Test
    void realServer_ipv6_addsSlash128AndNoArpSettings() throws Exception {
        HostChanges undo = RealServerSetup.vip("2001:db8::100").netns(ns).apply();

        assertThat(loAddresses()).contains("inet6 2001:db8::100/128");
        assertThat(sysctl("net.ipv4.conf.all.arp_ignore")).isEqualTo("0");
        assertThat(undo.describe()).containsExactly("address 2001:db8::100/128 added on lo");

        undo.undo();
        assertThat(loAddresses()).doesNotContain("2001:db8::100");
    }

    @Test
    void realServer_tunWithoutTunl0_failsNamingItAndRollsBack() throws Exception {
        boolean tunl0 = sh("ip", "-n", ns, "-o", "link").contains("tunl0");
        if (tunl0) { // the host has the ipip module: then TUN succeeds and sets tunl0 up
            HostChanges undo = RealServerSetup.vip("192.0.2.100").method(Forwarding.TUNNEL).netns(ns).apply();
            assertThat(sysctl("net.ipv4.conf.tunl0.rp_filter")).isEqualTo("0");
            assertThat(sh("ip", "-n", ns, "-o", "link", "show", "tunl0")).contains(",UP");
            undo.undo();
            assertThat(sh("ip", "-n", ns, "-o", "link", "show", "tunl0")).doesNotContain(",UP");
            return;
        }
        assertThatThrownBy(() -> RealServerSetup.vip("192.0.2.100").method(Forwarding.TUNNEL).netns(ns).apply())
                .isInstanceOf(HostSetupException.class)
                .hasMessageStartingWith("RTM_GETLINK failed: No such device (errno 19) for interface tunl0")
                .hasMessageContaining("rolled back: sysctl net.ipv4.conf.all.arp_ignore: 0 -> 1");
        // the four ARP settings made before the failure are undone
        assertThat(sysctl("net.ipv4.conf.all.arp_ignore")).isEqualTo("0");
        assertThat(sysctl("net.ipv4.conf.lo.arp_ignore")).isEqualTo("0");
        assertThat(sysctl("net.ipv4.conf.all.arp_announce")).isEqualTo("0");
        assertThat(sysctl("net.ipv4.conf.lo.arp_announce")).isEqualTo("0");
    }

    @Test
    void realServer_missingNamespace_failsNamingItWithErrno() {
        assertThatThrownBy(() -> RealServerSetup.vip("192.0.2.100").netns(ns + "-nosuch").apply())
                .isInstanceOf(HostSetupException.class)
                .hasMessage("open failed: No such file or directory (errno 2) for network namespace " + ns
                        + "-nosuch (/run/netns/" + ns + "-nosuch, for sysctl net.ipv4.conf.all.arp_ignore)"
                        + " (nothing was changed)");
    }

    @Test
    void director_nat_setsIpForwardAndUndoRestores() throws Exception {
        assertThat(sysctl("net.ipv4.ip_forward")).isEqualTo("0");

        HostChanges undo = DirectorSetup.method(Forwarding.MASQ).ipv6(true).netns(ns).apply();
        assertThat(sysctl("net.ipv4.ip_forward")).isEqualTo("1");
        assertThat(sysctl("net.ipv6.conf.all.forwarding")).isEqualTo("1");
        assertThat(DirectorSetup.method(Forwarding.MASQ).ipv6(true).netns(ns).apply().isEmpty()).isTrue();

        undo.undo();
        assertThat(sysctl("net.ipv4.ip_forward")).isEqualTo("0");
        assertThat(sysctl("net.ipv6.conf.all.forwarding")).isEqualTo("0");
    }

    @Test
    void director_dr_clearsSendRedirectsOnAllDefaultAndEveryInterface() throws Exception {
        // a veth pair inside the namespace; "d0.7" has a dot: its sysctl name is slash-separated
        sh("ip", "-n", ns, "link", "add", "d0", "type", "veth", "peer", "name", "d0.7");
        setSysctl("net.ipv4.conf.lo.send_redirects", "0"); // off before: stays off, not recorded
        // set explicitly, d0 no longer follows "default" (the kernel copies a new default only to
        // interfaces whose value was never written), so it needs its own write; d0.7 follows default
        setSysctl("net.ipv4.conf.d0.send_redirects", "1");
        List<String> names = List.of("all", "default", "d0", "d0/7");
        for (String n : names) {
            assertThat(sysctl("net.ipv4.conf." + n + ".send_redirects")).as(n).isEqualTo("1");
        }

        HostChanges undo = DirectorSetup.method(Forwarding.ROUTE).netns(ns).apply();
        for (String n : names) {
            assertThat(sysctl("net.ipv4.conf." + n + ".send_redirects")).as(n).isEqualTo("0");
        }
        assertThat(undo.describe()).containsExactly("sysctl net.ipv4.conf.all.send_redirects: 1 -> 0",
                "sysctl net.ipv4.conf.default.send_redirects: 1 -> 0", "sysctl net.ipv4.conf.d0.send_redirects: 1 -> 0");

        undo.undo();
        for (String n : names) {
            assertThat(sysctl("net.ipv4.conf." + n + ".send_redirects")).as(n).isEqualTo("1");
        }
        assertThat(sysctl("net.ipv4.conf.lo.send_redirects")).isEqualTo("0");
    }

    @Test
    void sysctl_missingKeyInNamespace_failsWithNameNamespaceAndErrno() {
        assertThatThrownBy(() -> Sysctl.read(ns, "net.ipv4.conf.nosuch0.arp_ignore"))
                .isInstanceOf(InterfaceException.class)
                .hasMessage("open failed: No such file or directory (errno 2) for sysctl net.ipv4.conf.nosuch0.arp_ignore"
                        + " in network namespace " + ns);
        assertThatThrownBy(() -> Sysctl.write(ns, "net.ipv4.ip_forward", "yes"))
                .isInstanceOf(InterfaceException.class)
                .hasMessage("write failed: Invalid argument (errno 22) for sysctl net.ipv4.ip_forward"
                        + " in network namespace " + ns);
    }

    @Test
    void stateRecord_carriesUndoToAnotherHandle() throws Exception {
        HostChanges applied = RealServerSetup.vip("192.0.2.7").netns(ns).apply();

        HostChanges restored = HostChanges.fromState(applied.toState());
        assertThat(restored.describe()).isEqualTo(applied.describe());
        restored.undo();

        assertThat(loAddresses()).doesNotContain("192.0.2.7");
        assertThat(sysctl("net.ipv4.conf.all.arp_announce")).isEqualTo("0");
    }
}
