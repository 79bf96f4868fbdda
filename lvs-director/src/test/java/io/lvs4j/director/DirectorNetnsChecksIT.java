package io.lvs4j.director;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs4j.ServiceKey;
import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.director.config.ReadOptions;
import io.lvs4j.health.HealthEvent;
import io.lvs4j.lab.NetnsLab;
import io.lvs4j.lab.NginxServer;
import io.lvs4j.table.InMemoryIpvs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A director in a network namespace checks its real servers from that namespace (host namespaces,
 * no UML; IPVS in memory since the host kernel has none). The namespace has its own loopback with
 * a real nginx (TCP_CHECK, HTTP_GET), a UDP echo responder (UDP_CHECK with require_reply), a veth
 * link that MISC_CHECK's {@code ip link show} finds only there, and ping allowed
 * (PING_CHECK on 127.0.0.1; the host namespace's ping_group_range allows no one here). A
 * listener on the host namespace's loopback is a real server the namespace cannot reach.
 * With {@code alpha} every real server starts down: those reachable only inside the namespace
 * must come up, the one reachable only from the host namespace must stay down.
 */
class DirectorNetnsChecksIT {
    private static final String ID = Long.toString(ProcessHandle.current().pid() % 100000);
    private static final String NS = "fixck" + ID;
    private static final String DUMMY = "fxd" + ID;

    private NetnsLab lab;
    private ServerSocket hostOnly;

    static boolean available() {
        try {
            return ProcessHandle.current().info().user().orElse("").equals("root")
                    && new ProcessBuilder("nginx", "-v").redirectErrorStream(true).start().waitFor() == 0
                    && new ProcessBuilder("python3", "-V").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(available(), "needs root, nginx and python3");
        lab = new NetnsLab("fixck", "lvs4j-fix-netns", Duration.ofSeconds(5));
        NetnsLab.deleteNamespace(NS); // left by an earlier JVM with the same PID
        lab.namespace(ID);
        NetnsLab.veth(NS, DUMMY, NS, "fxe" + ID);
        NetnsLab.sysctl(NS, "net.ipv4.ping_group_range=0 2147483647");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (lab != null) {
            lab.close();
        }
        if (hostOnly != null) {
            hostOnly.close();
        }
    }

    /** nginx on 127.0.0.1:port inside the namespace, answering 200. */
    private void nginxInNamespace(int port) throws Exception {
        NginxServer nginx = NginxServer.configure(lab.dir().resolve("nginx"), NS, true, 64, List.of(),
                NginxServer.answering("ok", List.of("127.0.0.1:" + port)));
        lab.track(nginx.start(Duration.ofSeconds(10), Duration.ofMillis(10), port));
    }

    /** A UDP responder on 127.0.0.1:port inside the namespace: echoes each datagram. */
    private void udpEchoInNamespace(int port) throws IOException {
        String py = "import socket\n"
                + "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                + "s.bind(('127.0.0.1', " + port + "))\n"
                + "while True:\n"
                + "    d, a = s.recvfrom(2048)\n"
                + "    s.sendto(d, a)\n";
        lab.track(new ProcessBuilder("ip", "netns", "exec", NS, "python3", "-c", py).redirectErrorStream(true)
                .redirectOutput(lab.dir().resolve("udp.log").toFile()).start());
    }

    /** A TCP listener on the host namespace's loopback, accepting and closing. */
    private int hostOnlyListener() throws IOException {
        hostOnly = new ServerSocket();
        hostOnly.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        ServerSocket s = hostOnly;
        Thread t = new Thread(() -> {
            while (!s.isClosed()) {
                try (Socket c = s.accept()) {
                    // a TCP check only connects
                } catch (IOException e) {
                    // closed
                }
            }
        }, "fix-host-only");
        t.setDaemon(true);
        t.start();
        return s.getLocalPort();
    }

    private static int freeUdpPort() throws IOException {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** One virtual service per check type, so a failure names the type. */
    private static String service(int port, int realPort, String check) {
        return "virtual_server 192.0.2.50 " + port + " {\n delay_loop 1\n lb_algo rr\n lb_kind NAT\n protocol TCP\n"
                + " alpha\n real_server 127.0.0.1 " + realPort + " {\n  weight 1\n  " + check + "\n }\n}\n";
    }

    private static String conf(int nsPort, int udpPort, int hostPort) {
        return "global_defs {\n router_id fix\n}\n"
                + service(80, nsPort, "TCP_CHECK {\n   connect_timeout 1\n  }")
                + service(81, nsPort, "HTTP_GET {\n   url {\n    path /\n    status_code 200\n   }\n"
                        + "   connect_timeout 1\n  }")
                + service(82, nsPort, "MISC_CHECK {\n   misc_path \"ip link show dev " + DUMMY + "\"\n"
                        + "   misc_timeout 3\n  }")
                + service(83, nsPort, "PING_CHECK {\n   connect_timeout 1\n  }")
                + service(84, hostPort, "TCP_CHECK {\n   connect_timeout 1\n  }")
                + "virtual_server 192.0.2.50 53 {\n delay_loop 1\n lb_algo rr\n lb_kind NAT\n protocol UDP\n alpha\n"
                + " real_server 127.0.0.1 " + udpPort + " {\n  weight 1\n"
                + "  UDP_CHECK {\n   connect_timeout 1\n   payload 6c7673346a\n   require_reply 6c7673346a\n  }\n"
                + " }\n}\n";
    }

    @Test
    void director_inNetns_checksRunInItsNamespace() throws Exception {
        int nsPort = HostLab.freePort();
        int udpPort = freeUdpPort();
        nginxInNamespace(nsPort);
        udpEchoInNamespace(udpPort);
        int hostPort = hostOnlyListener();
        // the ports are free in the host namespace: from there, neither nginx nor the echo answers
        assertThat(HostLab.canConnect(nsPort)).isFalse();
        assertThat(HostLab.canConnect(hostPort)).isTrue();

        KeepalivedConfig c = KeepalivedConfig.parse("netns.conf", conf(nsPort, udpPort, hostPort),
                ReadOptions.builder().includes(false).build()).config();
        List<HealthEvent> health = java.util.Collections.synchronizedList(new ArrayList<>());
        InMemoryIpvs table = new InMemoryIpvs();
        String inNs = "127.0.0.1:" + nsPort;
        String udp = "127.0.0.1:" + udpPort;
        Map<String, ServiceKey> inNamespace = new LinkedHashMap<>();
        inNamespace.put("TCP_CHECK", tcp(80));
        inNamespace.put("HTTP_GET", tcp(81));
        inNamespace.put("MISC_CHECK", tcp(82));
        inNamespace.put("PING_CHECK", tcp(83));
        ServiceKey dns = ServiceKey.of(io.lvs4j.Protocol.UDP, "192.0.2.50", 53);
        DirectorConfig mapped = c.toDirectorConfig(); // PING_CHECK's socket in the director's netns, as every check
        try (Director d = Director.builder().config(mapped).netns(NS).ipvs(table).listener(e -> {
            if (e instanceof DirectorEvent.Health h) {
                health.add(h.event());
            }
        }).start()) {
            HostLab.waitUntil(Duration.ofSeconds(15), () -> inNamespace.values().stream()
                    .allMatch(k -> health(d, k, inNs) == DirectorState.Health.UP)
                    && health(d, dns, udp) == DirectorState.Health.UP);
            Thread.sleep(3000); // three more rounds of every check (delay_loop 1)

            DirectorState s = d.state();
            inNamespace.forEach((type, key) -> assertThat(health(d, key, inNs))
                    .as("%s of a real server only the namespace has; events %s", type, health)
                    .isEqualTo(DirectorState.Health.UP));
            assertThat(health(d, dns, udp)).as("UDP_CHECK; events %s", health).isEqualTo(DirectorState.Health.UP);
            assertThat(health(d, tcp(84), "127.0.0.1:" + hostPort))
                    .as("TCP_CHECK of a listener only the host namespace has; events %s", health)
                    .isEqualTo(DirectorState.Health.DOWN);
            assertThat(s.service(tcp(80)).orElseThrow().realServer(inNs).orElseThrow().appliedWeight()).isEqualTo(1);
            assertThat(s.service(tcp(84)).orElseThrow().realServer("127.0.0.1:" + hostPort).orElseThrow().installed())
                    .isFalse();
            synchronized (health) {
                assertThat(health).filteredOn(e -> e.type() == HealthEvent.Type.REAL_SERVER_UP)
                        .extracting(e -> e.service().port()).containsExactlyInAnyOrder(80, 81, 82, 83, 53);
                assertThat(health).noneMatch(e -> e.type() == HealthEvent.Type.REAL_SERVER_DOWN);
            }
        }
    }

    private static ServiceKey tcp(int port) {
        return ServiceKey.of(io.lvs4j.Protocol.TCP, "192.0.2.50", port);
    }

    private static DirectorState.Health health(Director d, ServiceKey key, String endpoint) {
        return d.state().service(key).flatMap(s -> s.realServer(endpoint)).map(DirectorState.Server::health)
                .orElse(null);
    }
}
