package io.lvs4j.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs4j.lab.NetnsLab;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rtnetlink, LinkMonitor, RawIpSocket and NeighbourAnnouncer on the host kernel, inside two
 * network namespaces this test creates (joined by a veth pair), checked with iproute2.
 */
class RtnetlinkIT {
    private static final String A = "lvnl" + ProcessHandle.current().pid() % 100000 + "a";
    private static final String B = "lvnl" + ProcessHandle.current().pid() % 100000 + "b";

    private static String sh(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + " failed: " + out);
        }
        return out;
    }

    @BeforeAll
    static void namespaces() throws Exception {
        assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"), "needs root");
        sh("ip", "netns", "add", A);
        sh("ip", "netns", "add", B);
        sh("ip", "link", "add", "na0", "netns", A, "type", "veth", "peer", "name", "nb0", "netns", B);
        sh("ip", "netns", "exec", A, "sysctl", "-q", "-w", "net.ipv6.conf.na0.accept_dad=0");
        sh("ip", "-n", A, "addr", "add", "192.0.2.1/24", "dev", "na0");
        sh("ip", "-n", B, "addr", "add", "192.0.2.2/24", "dev", "nb0");
        sh("ip", "-n", A, "link", "set", "na0", "up");
        sh("ip", "-n", B, "link", "set", "nb0", "up");
    }

    @AfterAll
    static void removeNamespaces() {
        for (String ns : new String[] {A, B}) {
            try {
                sh("ip", "netns", "del", ns);
            } catch (IOException | InterruptedException e) {
                // not created
            }
        }
    }

    @Test
    void addAddress_labelAndNodad_showInIpAddrAndInAddresses() throws Exception {
        try (Rtnetlink rt = Rtnetlink.open(A)) {
            int index = rt.linkIndex("na0");
            InterfaceAddress v4 = new InterfaceAddress(index, InetAddress.getByName("192.0.2.100"), 24,
                    InetAddress.getByName("192.0.2.255"), "na0:7", InterfaceAddress.SCOPE_UNIVERSE, 0);
            InterfaceAddress v6 = InterfaceAddress.of(index, InetAddress.getByName("2001:db8::100"), 64);
            rt.addAddress(v4);
            rt.addAddress(v6);
            String ip = sh("ip", "-n", A, "addr", "show", "dev", "na0");
            assertThat(ip).contains("inet 192.0.2.100/24 brd 192.0.2.255 scope global secondary na0:7");
            assertThat(ip).contains("inet6 2001:db8::100/64 scope global nodad");
            assertThat(rt.addresses(index)).anySatisfy(a -> {
                assertThat(a.address()).isEqualTo(InetAddress.getByName("192.0.2.100"));
                assertThat(a.label()).isEqualTo("na0:7");
                assertThat(a.prefixLength()).isEqualTo(24);
            });
            assertThatThrownBy(() -> rt.addAddress(v4)).isInstanceOf(InterfaceException.class)
                    .hasMessageStartingWith("RTM_NEWADDR failed: File exists (errno 17) for 192.0.2.100/24")
                    .extracting(e -> ((InterfaceException) e).errno()).isEqualTo(17);
            rt.removeAddress(v4);
            rt.removeAddress(v6);
            assertThat(sh("ip", "-n", A, "addr", "show", "dev", "na0")).doesNotContain("192.0.2.100")
                    .doesNotContain("2001:db8::100");
            assertThatThrownBy(() -> rt.removeAddress(v4)).isInstanceOf(InterfaceException.class)
                    .extracting(e -> ((InterfaceException) e).errno()).isEqualTo(99);
        }
    }

    @Test
    void link_unknownName_isNoSuchDevice() throws Exception {
        try (Rtnetlink rt = Rtnetlink.open(A)) {
            assertThat(rt.links()).extracting(Link::name).contains("lo", "na0");
            assertThatThrownBy(() -> rt.link("nope0")).isInstanceOf(InterfaceException.class)
                    .hasMessageContaining("No such device (errno 19) for interface nope0");
        }
    }

    @Test
    void linkMonitor_linkDownAndUp_reported() throws Exception {
        List<Link> seen = new CopyOnWriteArrayList<>();
        LinkMonitor monitor = LinkMonitor.open(A, seen::add);
        try {
            sh("ip", "-n", A, "link", "set", "na0", "down");
            waitFor(() -> seen.stream().anyMatch(l -> l.name().equals("na0") && !l.adminUp()));
            sh("ip", "-n", A, "link", "set", "na0", "up");
            waitFor(() -> seen.stream().anyMatch(l -> l.name().equals("na0") && l.operational()));
        } finally {
            monitor.close();
        }
        assertThat(seen).anyMatch(l -> l.name().equals("na0") && !l.operational());
        assertThat(seen).anyMatch(l -> l.name().equals("na0") && l.operational());
    }

    @Test
    void rawIpv4Socket_sendsWholePacketToPeer() throws Exception {
        try (RawIpSocket rx = RawIpSocket.openIpv4(B, "nb0", 253, InetAddress.getByName("224.0.0.18"), 2000);
                RawIpSocket tx = RawIpSocket.openIpv4(A, "na0", 253, null, 2000)) {
            // IPv4 header (TTL 255, protocol 253 = experimental) + 4 payload bytes; the kernel fills the checksum
            ByteBuf p = Unpooled.buffer();
            p.writeBytes(new byte[] {0x45, 0, 0, 24, 0, 1, 0, 0, (byte) 255, (byte) 253, 0, 0, (byte) 192, 0, 2, 1,
                (byte) 224, 0, 0, 18, 1, 2, 3, 4});
            ByteBuf got = Unpooled.buffer();
            int n = -1;
            for (int i = 0; i < 5 && n < 0; i++) {
                tx.send(p, InetAddress.getByName("224.0.0.18"));
                n = rx.receive(got);
            }
            assertThat(n).isEqualTo(24);
            assertThat((int) got.getUnsignedByte(8)).isEqualTo(255);
            assertThat(got.getInt(20)).isEqualTo(0x01020304);
            assertThat(rx.source()).containsExactly(192, 0, 2, 1);
        }
    }

    @Test
    void neighbourAnnouncer_gratuitousArp_createsPeerEntry() throws Exception {
        sh("ip", "netns", "exec", B, "sysctl", "-q", "-w", "net.ipv4.conf.nb0.arp_accept=1");
        try (NeighbourAnnouncer a = NeighbourAnnouncer.open(A, "na0")) {
            a.announce(InetAddress.getByName("192.0.2.77"));
            String mac = String.format("%02x:%02x:%02x:%02x:%02x:%02x", a.hardwareAddress()[0], a.hardwareAddress()[1],
                    a.hardwareAddress()[2], a.hardwareAddress()[3], a.hardwareAddress()[4], a.hardwareAddress()[5]);
            String neigh = "";
            long end = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
            while (!neigh.contains("192.0.2.77 dev nb0 lladdr " + mac) && System.nanoTime() - end < 0) {
                Thread.sleep(10);
                neigh = sh("ip", "-n", B, "neigh", "show");
            }
            assertThat(neigh).contains("192.0.2.77 dev nb0 lladdr " + mac);
        }
    }

    /** Polls {@code c} every 10 ms until it holds, at most 30 s (the caller asserts what it waited for). */
    private static void waitFor(java.util.function.BooleanSupplier c) throws InterruptedException {
        NetnsLab.waitUntil(java.time.Duration.ofSeconds(30), java.time.Duration.ofMillis(10), c);
    }
}
