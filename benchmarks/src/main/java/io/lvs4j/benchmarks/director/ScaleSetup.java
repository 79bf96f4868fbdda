package io.lvs4j.benchmarks.director;

import io.lvs4j.RealServer;
import io.lvs4j.VirtualService;
import io.lvs4j.health.CheckPolicy;
import io.lvs4j.health.Checks;
import io.lvs4j.health.ServiceHealth;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The director at scale of issue 15: {@code services} TCP services ({@code wlc}) with
 * {@code servers} masquerading real servers each, every real server with a TCP check. The
 * addresses are those of {@code lab/bench-ipvs-restore}: service i at 172.16.0.0 + i, port 80;
 * its real servers 10.(i / 256 % 256).(i % 256).1..k, port 80, weight 1. The checks are real TCP
 * checks, each to its own endpoint (the health monitor runs one probe per distinct check, so
 * checks to one endpoint would be one probe): real server j of service i checks
 * {@link #checkIp 127.(1 + i / 65536).(i / 256 % 256).(i % 256)} on the port of listener j, and a
 * handful of {@link Listeners} on the wildcard address accept them all (all of 127/8 is loopback).
 */
public final class ScaleSetup {
    private ScaleSetup() {}

    /** Service i's virtual address. */
    public static String vip(int i) {
        return "172." + (16 + i / 65536) + "." + (i / 256 % 256) + "." + (i % 256);
    }

    /** Real server j (1-based) of service i. */
    public static String rip(int i, int j) {
        return "10." + (i / 256 % 256) + "." + (i % 256) + "." + j;
    }

    /** Service i with weight {@code w1} on its first real server and 1 on the others. */
    public static VirtualService service(int i, int servers, int w1) {
        VirtualService.Builder b = VirtualService.tcp(vip(i), 80).scheduler("wlc");
        for (int j = 1; j <= servers; j++) {
            b.realServer(RealServer.of(rip(i, j), 80).weight(j == 1 ? w1 : 1).masquerade());
        }
        return b.build();
    }

    /** The loopback address the checks of service i's real servers connect to. */
    public static String checkIp(int i) {
        return "127." + (1 + i / 65536) + "." + (i / 256 % 256) + "." + (i % 256);
    }

    /** The check policy: {@code delay_loop} and first checks spread over one interval. */
    public static CheckPolicy policy(Duration delayLoop) {
        return CheckPolicy.builder().interval(delayLoop).warmup(delayLoop).build();
    }

    /** Service i with its checks: real server j checks {@link #checkIp}(i) on listener j - 1's port (modulo the listeners). */
    public static ServiceHealth health(int i, VirtualService service, int[] ports, CheckPolicy policy) {
        ServiceHealth.Builder b = ServiceHealth.builder(service);
        int j = 0;
        for (RealServer rs : service.realServers()) {
            b.check(rs, Checks.tcp().connectIp(checkIp(i)).connectPort(ports[j++ % ports.length])
                    .connectTimeout(Duration.ofSeconds(3)), policy);
        }
        return b.build();
    }

    /** All services with their checks, weight 1 everywhere. */
    public static List<ServiceHealth> services(int services, int servers, int[] ports, CheckPolicy policy) {
        List<ServiceHealth> out = new ArrayList<>(services);
        for (int i = 0; i < services; i++) {
            out.add(health(i, service(i, servers, 1), ports, policy));
        }
        return out;
    }

    /**
     * The same as a keepalived.conf: {@code virtual_server} blocks with {@code TCP_CHECK}s on
     * {@code connect_ip} {@link #checkIp}; service {@code changed}'s first real server has weight
     * {@code w1} (the one weight a reload changes), every other weight is 1.
     */
    public static String keepalivedConf(int services, int servers, int[] ports, Duration delayLoop, int changed,
            int w1) {
        StringBuilder s = new StringBuilder(services * (160 + servers * 150));
        s.append("global_defs {\n router_id scale\n}\n");
        long loop = delayLoop.toSeconds();
        for (int i = 0; i < services; i++) {
            s.append("virtual_server ").append(vip(i)).append(" 80 {\n delay_loop ").append(loop)
                    .append("\n warmup ").append(loop).append("\n lb_algo wlc\n lb_kind NAT\n protocol TCP\n");
            for (int j = 1; j <= servers; j++) {
                s.append(" real_server ").append(rip(i, j)).append(" 80 {\n  weight ")
                        .append(i == changed && j == 1 ? w1 : 1).append("\n  TCP_CHECK {\n   connect_ip ").append(checkIp(i)).append("\n")
                        .append("   connect_port ").append(ports[(j - 1) % ports.length])
                        .append("\n   connect_timeout 3\n  }\n }\n");
            }
            s.append("}\n");
        }
        return s.toString();
    }

    /** The same rules for {@code ipvsadm -R}. */
    public static String ipvsadmRules(int services, int servers) {
        StringBuilder s = new StringBuilder(services * (40 + servers * 50));
        for (int i = 0; i < services; i++) {
            s.append("-A -t ").append(vip(i)).append(":80 -s wlc\n");
            for (int j = 1; j <= servers; j++) {
                s.append("-a -t ").append(vip(i)).append(":80 -r ").append(rip(i, j)).append(":80 -m -w 1\n");
            }
        }
        return s.toString();
    }

    /**
     * TCP listeners on the wildcard address (reached through 127/8) that accept and close, on one
     * thread; the checks' peers.
     */
    public static final class Listeners implements AutoCloseable {
        private final Selector selector;
        private final List<ServerSocketChannel> channels = new ArrayList<>();
        private final int[] ports;
        private final Thread thread;
        private final AtomicLong accepted = new AtomicLong();
        private volatile boolean closed;

        public Listeners(int count) throws IOException {
            selector = Selector.open();
            ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocketChannel c = ServerSocketChannel.open();
                c.bind(new InetSocketAddress(0), 4096);
                c.configureBlocking(false);
                c.register(selector, SelectionKey.OP_ACCEPT);
                channels.add(c);
                ports[i] = c.socket().getLocalPort();
            }
            thread = new Thread(this::run, "scale-listeners");
            thread.setDaemon(true);
            thread.start();
        }

        public int[] ports() {
            return ports.clone();
        }

        /** Connections accepted so far (each is a TCP check that reached a listener). */
        public long accepted() {
            return accepted.get();
        }

        private void run() {
            try {
                while (!closed) {
                    selector.select(500);
                    for (SelectionKey k : selector.selectedKeys()) {
                        SocketChannel s;
                        while ((s = ((ServerSocketChannel) k.channel()).accept()) != null) {
                            s.close();
                            accepted.incrementAndGet();
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException e) {
                if (!closed) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }

        @Override
        public void close() throws IOException {
            closed = true;
            selector.wakeup();
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (ServerSocketChannel c : channels) {
                c.close();
            }
            selector.close();
        }
    }
}
