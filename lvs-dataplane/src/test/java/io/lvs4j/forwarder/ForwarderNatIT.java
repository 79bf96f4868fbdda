package io.lvs4j.forwarder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs4j.RealServer;
import io.lvs4j.Scheduler;
import io.lvs4j.ServiceKey;
import io.lvs4j.VirtualService;
import io.lvs4j.netlink.internal.Netns;
import io.lvs4j.packet.DropReason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LVS-NAT through the userspace {@link Forwarder} on this host's kernel (no IPVS needed): a client
 * namespace curls the virtual address 192.0.2.10 through the director namespace, whose two
 * interfaces (client side 203.0.113.1, server side 198.51.100.1) the forwarder serves with
 * AF_PACKET sockets; two nginx real servers behind a bridge route back through the director.
 */
class ForwarderNatIT {
    static final String VIP = "192.0.2.10";
    /**
     * The throughput test's own service, to real server port 8082: its server-closed connections
     * free client ports at once, and a new connection from such a port to the same virtual port
     * would meet the old entry (TIME_WAIT) in the table, which is not rescheduled (the kernel's
     * conn_reuse_mode is not modelled). Each service has its own real server port so that a real
     * server's replies (looked up by real server and client address and port) match one service.
     */
    static final int THROUGHPUT_PORT = 82;
    /** The UDP flood's service, to the discard port of rs1 (nothing listens: the kernel drops them). */
    static final int FLOOD_PORT = 54;
    static FwdNet net;
    static String c;
    static String d;
    static Forwarder fwd;
    static java.nio.file.Path udpScript;

    @BeforeAll
    static void topology() throws Exception {
        assumeTrue(FwdNet.isRoot(), "needs root for network namespaces");
        net = new FwdNet("n");
        c = net.ns("c");
        d = net.ns("d");
        String s = net.ns("s");
        String r1 = net.ns("r1");
        String r2 = net.ns("r2");
        net.bridge(s, "br0");
        net.link(c, "eth0", d, "c0");
        net.link(d, "s0", s, "d");
        net.link(r1, "eth0", s, "r1");
        net.link(r2, "eth0", s, "r2");
        for (String p : new String[] {"d", "r1", "r2"}) {
            net.port(s, "br0", p);
        }
        net.addr(c, "eth0", "203.0.113.2/24");
        net.route(c, "192.0.2.0/24", "via", "203.0.113.1");
        net.addr(d, "c0", "203.0.113.1/24");
        net.addr(d, "s0", "198.51.100.1/24");
        net.sysctl(d, "net.ipv4.ip_forward=0");
        net.addr(r1, "eth0", "198.51.100.11/24");
        net.addr(r2, "eth0", "198.51.100.12/24");
        net.route(r1, "default", "via", "198.51.100.1");
        net.route(r2, "default", "via", "198.51.100.1");
        net.nginx(r1, "rs1", 80, 8081, 8082);
        net.nginx(r2, "rs2", 80, 8081, 8082);
        udpScript = net.dir.resolve("udp-name.py");
        java.nio.file.Files.write(udpScript, ForwarderNatIT.class.getResourceAsStream("udp-name.py").readAllBytes());
        net.start(r1, "python3", udpScript.toString(), "serve", "5353", "rs1", "3600");
        net.start(r2, "python3", udpScript.toString(), "serve", "5353", "rs2", "3600");
        fwd = Forwarder.builder().netns(d).interfaces("c0", "s0")
                .service(VirtualService.tcp(VIP, 80).scheduler(Scheduler.RR)
                        .realServer(RealServer.of("198.51.100.11", 80).masquerade())
                        .realServer(RealServer.of("198.51.100.12", 80).masquerade()).build())
                .service(VirtualService.tcp(VIP, 81).scheduler(Scheduler.RR).persistence(Duration.ofSeconds(60))
                        .realServer(RealServer.of("198.51.100.11", 8081).masquerade())
                        .realServer(RealServer.of("198.51.100.12", 8081).masquerade()).build())
                .service(VirtualService.udp(VIP, 53).scheduler(Scheduler.RR)
                        .realServer(RealServer.of("198.51.100.11", 5353).masquerade())
                        .realServer(RealServer.of("198.51.100.12", 5353).masquerade()).build())
                .service(VirtualService.udp(VIP, FLOOD_PORT).scheduler(Scheduler.RR)
                        .realServer(RealServer.of("198.51.100.11", 9).masquerade()).build())
                .service(VirtualService.tcp(VIP, THROUGHPUT_PORT).scheduler(Scheduler.RR)
                        .realServer(RealServer.of("198.51.100.11", 8082).masquerade())
                        .realServer(RealServer.of("198.51.100.12", 8082).masquerade()).build())
                .open().start();
        assertThat(fwd.awaitResolved(Duration.ofSeconds(30))).as("real servers answered ARP").isTrue();
    }

    @AfterAll
    static void cleanUp() {
        if (fwd != null) {
            fwd.close();
        }
        if (net != null) {
            net.close();
        }
    }

    private List<String> curls(String url, int n) {
        return net.curls(c, url, n);
    }

    @Test
    void roundRobin_sixRequests_alternateBetweenBothRealServers() throws Exception {
        List<String> r = curls("http://" + VIP + "/", 6);
        assertThat(r).containsOnly("rs1", "rs2");
        for (int i = 1; i < r.size(); i++) {
            assertThat(r.get(i)).as("reply %d of %s", i, r).isNotEqualTo(r.get(i - 1));
        }
        ForwarderStats st = fwd.stats();
        assertThat(st.toRealServer()).isGreaterThan(0);
        assertThat(st.toClient()).isGreaterThan(0);
    }

    @Test
    void udp_datagramsFromFourSourcePorts_alternate_andAnswersComeFromTheVirtualAddress() throws Exception {
        Process p = net.start(c, "python3", udpScript.toString(), "ask", VIP, "53", "4");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue(); // four answers, each within 10 s
        List<String> lines = List.of(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim()
                .split("\n"));
        assertThat(lines).hasSize(4).allSatisfy(l -> assertThat(l).endsWith(" from " + VIP + ":53"));
        List<String> names = lines.stream().map(l -> l.substring(0, 3)).toList();
        assertThat(names).containsOnly("rs1", "rs2");
        for (int i = 1; i < names.size(); i++) {
            assertThat(names.get(i)).as("answer %d of %s", i, names).isNotEqualTo(names.get(i - 1));
        }
    }

    @Test
    void persistence_port81_sameRealServerForTheClient_viaPortRewriteTo8081() throws Exception {
        List<String> r = curls("http://" + VIP + ":81/", 6);
        assertThat(r.get(0)).isIn("rs1", "rs2");
        assertThat(r).containsOnly(r.get(0));
    }

    @Test
    void removedRealServer_takesNoNewConnections_andReaddedOneDoes() throws Exception {
        ServiceKey key = ServiceKey.of(io.lvs4j.Protocol.TCP, VIP, 80);
        InetAddress rs2 = InetAddress.getByName("198.51.100.12");
        assertThat(fwd.removeRealServer(key, rs2, 80)).isTrue();
        try {
            assertThat(curls("http://" + VIP + "/", 4)).containsOnly("rs1");
        } finally {
            fwd.addRealServer(key, RealServer.of("198.51.100.12", 80).masquerade().build());
        }
        assertThat(fwd.awaitResolved(Duration.ofSeconds(30))).isTrue();
        assertThat(curls("http://" + VIP + "/", 4)).contains("rs1", "rs2");
    }

    @Test
    void malformedBurst_fromTheClient_forwardingGoesOn_andDropsCountedByReason() throws Exception {
        ForwarderStats before = fwd.stats();
        String script = new String(getClass().getResourceAsStream("malformed-burst.py").readAllBytes(),
                StandardCharsets.UTF_8);
        java.nio.file.Path py = net.dir.resolve("burst.py");
        java.nio.file.Files.writeString(py, script);
        int perKind = 4000;
        String dmac = net.mac(d, "c0");
        Process burst = net.start(c, "python3", py.toString(), "eth0", dmac, VIP, Integer.toString(perKind));
        List<String> during = new ArrayList<>();
        for (int i = 0; i < 30 && (burst.isAlive() || i < 4); i++) {
            during.add(net.curl(c, "http://" + VIP + "/"));
        }
        assertThat(burst.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(burst.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(burst.exitValue()).as(out).isZero();
        assertThat(during).as("replies during the burst").containsOnly("rs1", "rs2").hasSizeGreaterThanOrEqualTo(4);
        DropReason[] kinds = {DropReason.TRUNCATED, DropReason.BAD_IHL, DropReason.BAD_CHECKSUM,
            DropReason.FRAGMENT, DropReason.BAD_LENGTH};
        ForwarderStats after = FwdNet.awaitDrops(fwd, before, perKind, kinds);
        long lost = after.kernelDrops() - before.kernelDrops();
        for (DropReason r : kinds) {
            long n = after.drops(r) - before.drops(r);
            assertThat(n).as("%s drops (%s)", r, after).isBetween(perKind - lost, (long) perKind);
        }
        assertThat(curls("http://" + VIP + "/", 2)).containsOnly("rs1", "rs2");
        System.out.println("malformed burst: " + out.trim() + "; forwarder: " + after);
    }

    /**
     * End-to-end rates through the forwarder (printed, recorded in benchmarks/RESULTS.md): HTTP/1.1
     * keep-alive requests on 4 connections (after a 1 s warm-up run), with the forwarder thread's
     * allocation and CPU time per frame; then new connections (connect, GET, close) one at a time.
     */
    @Test
    void throughput_keepAliveAndNewConnections_allAnswered() throws Exception {
        long idle0 = allocatedBytes(fwd.threadId());
        Thread.sleep(1000);
        long idle = allocatedBytes(fwd.threadId()) - idle0;
        keepAlive(4, 1000); // warm-up
        ForwarderStats s0 = fwd.stats();
        long alloc0 = allocatedBytes(fwd.threadId());
        long cpu0 = cpuNanos(fwd.threadId());
        long t0 = System.nanoTime();
        long done = keepAlive(4, 3000);
        double keepAlive = done / ((System.nanoTime() - t0) / 1e9);
        long alloc = allocatedBytes(fwd.threadId()) - alloc0;
        long cpu = cpuNanos(fwd.threadId()) - cpu0;
        long frames = fwd.stats().received() - s0.received();
        double perFrame = (double) alloc / frames;

        InetSocketAddress vip = new InetSocketAddress(VIP, THROUGHPUT_PORT);
        long conns = 0;
        long t1 = System.nanoTime();
        long end2 = t1 + TimeUnit.SECONDS.toNanos(3);
        byte[] close = "GET / HTTP/1.1\r\nHost: vip\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer in = ByteBuffer.allocate(4096);
        while (System.nanoTime() < end2 && conns < 1_000_000) {
            for (SocketChannel ch : open(50)) {
                try (ch) {
                    if (System.nanoTime() >= end2) {
                        continue;
                    }
                    ch.connect(vip);
                    ch.write(ByteBuffer.wrap(close));
                    in.clear();
                    assertThat(readResponse(ch, in)).isTrue();
                    conns++;
                }
            }
        }
        double perSecond = conns / ((System.nanoTime() - t1) / 1e9);
        ForwarderStats st = fwd.stats();
        System.out.printf("E2E NAT through the userspace forwarder: %.0f keep-alive requests/s on 4 connections "
                + "(%d frames in 3 s; forwarder thread: %d bytes allocated = %.4f B/frame, %.0f ms CPU = %.0f ns/frame; "
                + "idle: %d bytes in 1 s), %.0f new connections/s one at a time; %s%n", keepAlive, frames, alloc,
                perFrame, cpu / 1e6, (double) cpu / frames, idle, perSecond, st);
        assertThat(fwd.lastFailure()).isNull();
        assertThat(perFrame).as("bytes allocated per frame by the forwarder thread").isLessThan(1.0);
        assertThat(conns).isGreaterThan(0);
    }

    /**
     * Packets per second through the forwarder (printed, recorded in benchmarks/RESULTS.md): the
     * test sends 60-byte UDP frames of one flow from the client namespace with its own AF_PACKET
     * socket ({@code sendmmsg} batches of 64) for 3 s; the forwarder NATs each to rs1. Reports what
     * was offered, forwarded and dropped by the kernel at the forwarder's socket.
     */
    @Test
    void udpFlood_oneFlow_everyFrameReadIsForwarded() throws Exception {
        io.lvs4j.netlink.internal.PacketSocket tx = io.lvs4j.netlink.internal.PacketSocket.open(c, "eth0", 64, 1 << 20);
        try {
            byte[] frame = udpFrame(net.mac(d, "c0"), net.mac(c, "eth0"));
            for (int i = 0; i < 64; i++) {
                tx.scratch().setBytes(tx.scratchSlot(), frame);
            }
            tx.flush(); // nothing queued: only resets the scratch slots
            ForwarderStats s0 = fwd.stats();
            long cpu0 = cpuNanos(fwd.threadId());
            long user0 = userNanos(fwd.threadId());
            long t0 = System.nanoTime();
            long end = t0 + TimeUnit.SECONDS.toNanos(3);
            long sent = 0;
            while (System.nanoTime() < end) {
                for (int i = 0; i < 64; i++) {
                    tx.queueScratch(tx.scratchSlot(), frame.length);
                }
                sent += 64 - tx.flush();
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            long last = -1;
            for (int i = 0; i < 50 && fwd.stats().received() != last; i++) { // until the queue is drained
                last = fwd.stats().received();
                Thread.sleep(100);
            }
            long cpu = cpuNanos(fwd.threadId()) - cpu0;
            long user = userNanos(fwd.threadId()) - user0;
            ForwarderStats s1 = fwd.stats();
            long got = s1.received() - s0.received();
            long fwded = s1.toRealServer() - s0.toRealServer();
            long kdrops = s1.kernelDrops() - s0.kernelDrops();
            System.out.printf("E2E UDP flood through the userspace forwarder: offered %.0f frames/s, forwarded %.0f "
                    + "frames/s over the %.1f s of sending (%d of %d sent; the kernel dropped %d at the forwarder's "
                    + "socket, %d other frames or lost before); forwarder thread CPU %.0f ns/frame (%.0f in user mode, the rest in "
                    + "the kernel)%n", sent / secs, fwded / secs, secs, fwded, sent, kdrops, sent - got - kdrops,
                    (double) cpu / Math.max(1, fwded), (double) user / Math.max(1, fwded));
            assertThat(fwded).isGreaterThan(0);
            assertThat(got + kdrops).as("frames read or dropped at the socket").isLessThanOrEqualTo(sent + 50);
            assertThat(s1.dropped() - s0.dropped()).as("packet path drops").isZero();
            // besides the flood it reads ARP and the real server's rate-limited ICMP port unreachables
            assertThat(fwded).as("every flood frame read was forwarded").isBetween(got - 50, got);
        } finally {
            tx.close();
        }
    }

    /** A 60-byte Ethernet/IPv4/UDP frame from the client (203.0.113.2:40000) to VIP:FLOOD_PORT. */
    private static byte[] udpFrame(String dstMac, String srcMac) {
        ByteBuffer f = ByteBuffer.allocate(60);
        f.put(io.netty.buffer.ByteBufUtil.decodeHexDump(dstMac.replace(":", "")));
        f.put(io.netty.buffer.ByteBufUtil.decodeHexDump(srcMac.replace(":", "")));
        f.putShort((short) 0x0800);
        int ip = f.position();
        f.put((byte) 0x45).put((byte) 0).putShort((short) 46).putShort((short) 1).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 17).putShort((short) 0)
                .put(new byte[] {(byte) 203, 0, 113, 2}).put(new byte[] {(byte) 192, 0, 2, 10});
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += f.getShort(ip + i) & 0xFFFF;
        }
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        f.putShort(ip + 10, (short) ~sum);
        f.putShort((short) 40000).putShort((short) FLOOD_PORT).putShort((short) 26).putShort((short) 0);
        f.put(new byte[18]);
        return f.array();
    }

    /** Keep-alive GETs on {@code n} connections for {@code millis}; all must be answered; returns how many. */
    private static long keepAlive(int n, long millis) throws Exception {
        InetSocketAddress vip = new InetSocketAddress(VIP, THROUGHPUT_PORT);
        byte[] get = "GET / HTTP/1.1\r\nHost: vip\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        java.util.concurrent.atomic.AtomicReference<IOException> error = new java.util.concurrent.atomic.AtomicReference<>();
        List<Thread> ts = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (SocketChannel ch : open(n)) {
            Thread t = new Thread(() -> {
                ByteBuffer in = ByteBuffer.allocate(4096);
                try (ch) {
                    ch.connect(vip);
                    while (System.nanoTime() < end) {
                        ch.write(ByteBuffer.wrap(get));
                        in.clear();
                        if (!readResponse(ch, in)) {
                            failed.incrementAndGet();
                            return;
                        }
                        done.incrementAndGet();
                    }
                } catch (IOException e) {
                    failed.incrementAndGet();
                    error.set(e);
                }
            });
            ts.add(t);
            t.start();
        }
        for (Thread t : ts) {
            t.join(millis + 10_000);
        }
        assertThat(failed.get()).as("failed connections, last error %s", error.get()).isZero();
        assertThat(done.get()).isGreaterThan(0);
        return done.get();
    }

    /**
     * Bytes a thread allocated so far (HotSpot's com.sun.management.ThreadMXBean, by reflection:
     * the test sources compile inside the module, which does not read jdk.management).
     */
    private static long allocatedBytes(long threadId) throws Exception {
        Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        return (Long) Class.forName("com.sun.management.ThreadMXBean").getMethod("getThreadAllocatedBytes", long.class)
                .invoke(bean, threadId);
    }

    /** User-mode CPU time of a thread so far. */
    private static long userNanos(long threadId) throws Exception {
        Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        return (Long) Class.forName("java.lang.management.ThreadMXBean").getMethod("getThreadUserTime", long.class)
                .invoke(bean, threadId);
    }

    /** CPU time of a thread so far. */
    private static long cpuNanos(long threadId) throws Exception {
        Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        return (Long) Class.forName("java.lang.management.ThreadMXBean").getMethod("getThreadCpuTime", long.class)
                .invoke(bean, threadId);
    }

    /** Reads one HTTP response with a Content-Length body; false on EOF before it is complete. */
    private static boolean readResponse(SocketChannel ch, ByteBuffer in) throws IOException {
        for (int i = 0; i < 1000; i++) {
            if (ch.read(in) < 0) {
                return false;
            }
            String s = new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
            int h = s.indexOf("\r\n\r\n");
            if (h >= 0) {
                int cl = s.toLowerCase().indexOf("content-length: ");
                if (cl >= 0) {
                    int len = Integer.parseInt(s.substring(cl + 16, s.indexOf("\r\n", cl)).trim());
                    if (in.position() >= h + 4 + len) {
                        boolean ok = s.substring(h + 4, h + 4 + len).startsWith("rs");
                        if (!ok) {
                            System.out.println("unexpected: " + s);
                        }
                        return ok;
                    }
                }
            }
        }
        return false;
    }

    /** Sockets created inside the client namespace (a socket keeps the namespace it was made in). */
    private static List<SocketChannel> open(int n) throws Exception {
        return Netns.call(c, () -> {
            List<SocketChannel> l = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    l.add(SocketChannel.open(java.net.StandardProtocolFamily.INET));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return l;
        });
    }
}
