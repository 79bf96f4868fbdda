package io.lvs4j.forwarder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs4j.RealServer;
import io.lvs4j.Scheduler;
import io.lvs4j.VirtualService;
import io.lvs4j.netlink.internal.PacketSocket;
import io.lvs4j.packet.DropReason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * A SYN flood against the userspace forwarder (issue 16, point 3), in network namespaces on this
 * host: a client namespace downloads files through the forwarder (LVS-NAT, round robin) from two
 * nginx real servers that pace them ({@code limit_rate}), and while the downloads run, an
 * AF_PACKET socket in the same namespace sends millions of SYNs to the virtual address from
 * spoofed sources (203.0.113.100-254, every port), each a new flow. The forwarder's connection
 * table has a limit; the test samples its fill throughout and checks that it never passes the
 * limit, that its arrays stay within the limit's memory, that every download completes during the
 * flood, that the refused SYNs are counted by reason, and that new connections are answered once
 * the flood stops. Figures are printed (and recorded in benchmarks/RESULTS.md).
 *
 * <p>Settings (system properties): {@code lvs4j.flood.syns} SYNs to send (default 2,000,000),
 * {@code lvs4j.flood.rate} SYNs a second offered (default 150,000), {@code lvs4j.flood.cap} the
 * table's limit (default 100,000). The flood goes on until it sent its SYNs and the downloads are
 * done, at most 90 s.
 */
class ForwarderSynFloodIT {
    static final String VIP = "192.0.2.10";
    static final int CAP = Integer.getInteger("lvs4j.flood.cap", 100_000);
    static final long SYNS = Long.getLong("lvs4j.flood.syns", 2_000_000L);
    static final int RATE = Integer.getInteger("lvs4j.flood.rate", 150_000);
    static final int DOWNLOADS = 4;
    static final int FILE_BYTES = 640 * 1024;
    static final String LIMIT_RATE = "64k"; // 10 s a download
    static final Duration FLOOD_LIMIT = Duration.ofSeconds(90);
    /** Spoofed sources: 203.0.113.100-254, ports 1024-65535: 10 million distinct flows. */
    static final int SOURCES = 155;
    static final int PORTS = 65536 - 1024;

    @Test
    void synFlood_spoofedSources_tableStaysUnderItsLimit_downloadsComplete_dropsCountedByReason() throws Exception {
        assumeTrue(FwdNet.isRoot(), "needs root for network namespaces");
        try (FwdNet net = new FwdNet("y")) {
            String c = net.ns("c");
            String d = net.ns("d");
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
            // one segment a packet: the forwarder drops GSO super-packets (counted as truncated), which
            // veth passes on whole, and a download whose segments are dropped again and again stalls
            FwdNet.sh("ip", "-n", r1, "link", "set", "dev", "eth0", "gso_max_segs", "1");
            FwdNet.sh("ip", "-n", r2, "link", "set", "dev", "eth0", "gso_max_segs", "1");
            byte[] content = new byte[FILE_BYTES];
            new SplittableRandom(16).nextBytes(content);
            for (String[] rs : new String[][] {{r1, "rs1"}, {r2, "rs2"}}) {
                Path www = Files.createDirectories(net.dir.resolve(rs[0]).resolve("www"));
                Files.write(www.resolve("big.bin"), content);
                net.nginxServers(rs[0], """
                            server {
                                listen 80;
                                location / { return 200 "%s\\n"; }
                                location = /big.bin { root %s; limit_rate %s; }
                            }
                        """.formatted(rs[1], www, LIMIT_RATE), 80);
            }
            try (Forwarder fwd = Forwarder.builder().netns(d).interfaces("c0", "s0")
                    .service(VirtualService.tcp(VIP, 80).scheduler(Scheduler.RR)
                            .realServer(RealServer.of("198.51.100.11", 80).masquerade())
                            .realServer(RealServer.of("198.51.100.12", 80).masquerade()).build())
                    .expectedConnections(CAP / 4).maxConnections(CAP).open().start()) {
                assertThat(fwd.awaitResolved(Duration.ofSeconds(5))).as("real servers answered ARP").isTrue();
                assertThat(net.curls(c, "http://" + VIP + "/", 2)).containsOnly("rs1", "rs2");
                run(net, c, d, fwd, content);
            }
        }
    }

    private static void run(FwdNet net, String c, String d, Forwarder fwd, byte[] content) throws Exception {
        long heapBefore = heapAfterGc();
        long tableBefore = fwd.onThread(() -> fwd.plane().connectionTable().memoryBytes());
        ForwarderStats s0 = fwd.stats();

        // the downloads: established before the flood starts
        List<Process> downloads = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < DOWNLOADS; i++) {
            Path f = net.dir.resolve("download-" + i);
            files.add(f);
            downloads.add(net.start(c, "curl", "-s", "-o", f.toString(), "-w", "%{http_code} %{size_download}",
                    "--max-time", "120", "http://" + VIP + "/big.bin"));
        }
        long waitEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (files.stream().anyMatch(f -> size(f) < 16 * 1024) && System.nanoTime() < waitEnd) {
            Thread.sleep(50);
        }
        assertThat(files).as("downloads under way before the flood").allSatisfy(f -> assertThat(size(f))
                .isGreaterThanOrEqualTo(16 * 1024));

        // the flood, on its own thread, until it sent its SYNs and the downloads are done
        AtomicBoolean downloadsDone = new AtomicBoolean();
        AtomicLong sent = new AtomicLong();
        AtomicReference<Throwable> floodError = new AtomicReference<>();
        String dmac = net.mac(d, "c0");
        String smac = net.mac(c, "eth0");
        long floodStart = System.nanoTime();
        long floodDeadline = floodStart + FLOOD_LIMIT.toNanos();
        Thread flood = new Thread(() -> {
            try {
                flood(c, dmac, smac, sent, downloadsDone, floodDeadline);
            } catch (Throwable t) {
                floodError.set(t);
            }
        }, "syn-flood");
        flood.start();

        int maxConnections = 0;
        long maxTableBytes = tableBefore;
        long[] finished = new long[DOWNLOADS];
        int samples = 0;
        while (flood.isAlive() && System.nanoTime() - floodDeadline < TimeUnit.SECONDS.toNanos(10)) {
            ForwarderStats st = fwd.stats();
            maxConnections = Math.max(maxConnections, st.connections());
            maxTableBytes = Math.max(maxTableBytes, fwd.onThread(() -> fwd.plane().connectionTable().memoryBytes()));
            samples++;
            boolean all = true;
            for (int i = 0; i < DOWNLOADS; i++) {
                if (finished[i] == 0 && !downloads.get(i).isAlive()) {
                    finished[i] = System.nanoTime();
                }
                all &= finished[i] != 0;
            }
            downloadsDone.set(all);
            if (samples % 10 == 1) {
                System.out.printf("flood +%.1f s: sent %d, table %d, early %d, full %d, evicted %d, kernel drops %d,"
                        + " received %d, to real servers %d, to clients %d; downloaded %s%n",
                        (System.nanoTime() - floodStart) / 1e9, sent.get(), st.connections(),
                        st.drops(DropReason.EARLY_DROP), st.drops(DropReason.TABLE_FULL), st.halfOpenEvictions(),
                        st.kernelDrops(), st.received(), st.toRealServer(), st.toClient(),
                        files.stream().map(ForwarderSynFloodIT::size).toList());
            }
            Thread.sleep(100);
        }
        flood.join(TimeUnit.SECONDS.toMillis(15));
        long floodEnd = System.nanoTime();
        assertThat(flood.isAlive()).as("flood thread ended").isFalse();
        assertThat(floodError.get()).as("flood sender").isNull();
        long heapFlood = heapAfterGc();
        ForwarderStats s1 = fwd.stats();
        int connectionsAtEnd = s1.connections();
        double floodSecs = (floodEnd - floodStart) / 1e9;

        List<String> results = new ArrayList<>();
        for (Process p : downloads) {
            if (p.waitFor(5, TimeUnit.SECONDS)) {
                results.add(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim() + " exit "
                        + p.exitValue());
            } else {
                results.add("still running");
            }
        }
        // New connections are dropped early (with a rising probability) while the table is over its
        // defence threshold (three quarters of the cap by default), and the flood's half-open entries
        // leave it within their shortened timeout (5 s): the requests after the flood wait for that.
        long drainBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (fwd.stats().connections() >= CAP * 3 / 4 && System.nanoTime() < drainBy) {
            Thread.sleep(100);
        }
        int connectionsBeforeAfter = fwd.stats().connections();
        assertThat(connectionsBeforeAfter).as("table back under its defence threshold").isLessThan(CAP * 3 / 4);
        List<String> after = net.curls(c, "http://" + VIP + "/", 4);

        long early = s1.drops(DropReason.EARLY_DROP) - s0.drops(DropReason.EARLY_DROP);
        long full = s1.drops(DropReason.TABLE_FULL) - s0.drops(DropReason.TABLE_FULL);
        long evicted = s1.halfOpenEvictions() - s0.halfOpenEvictions();
        long received = s1.received() - s0.received();
        long toReal = s1.toRealServer() - s0.toRealServer();
        long kernelDrops = s1.kernelDrops() - s0.kernelDrops();
        long bound = tableBound(CAP);
        System.out.printf("SYN flood through the userspace forwarder: %d SYNs sent in %.1f s (%.0f/s offered) from %d"
                + " spoofed sources; forwarder read %d frames (%d dropped by the kernel at its sockets), sent %d to"
                + " real servers; drops EARLY_DROP %d, TABLE_FULL %d, half-open evicted %d; connection table: limit %d,"
                + " at most %d entries in %d samples, %d at the flood's end, arrays %d -> at most %d bytes (bound %d);"
                + " heap after GC %d MB before, %d MB at the flood's end; downloads (%d x %d bytes at %s/s): %s,"
                + " finished %s s into the flood of %.1f s; after it: %s; %s%n",
                sent.get(), floodSecs, sent.get() / floodSecs, SOURCES * PORTS, received, kernelDrops, toReal, early, full,
                evicted, CAP, maxConnections, samples, connectionsAtEnd, tableBefore, maxTableBytes, bound,
                heapBefore >> 20, heapFlood >> 20, DOWNLOADS, FILE_BYTES, LIMIT_RATE, results, secondsInto(finished,
                floodStart), floodSecs, after, s1);

        assertThat(sent.get()).as("SYNs sent within %s", FLOOD_LIMIT).isGreaterThanOrEqualTo(SYNS);
        assertThat(maxConnections).as("largest table fill sampled").isLessThanOrEqualTo(CAP);
        assertThat(connectionsAtEnd).isLessThanOrEqualTo(CAP);
        assertThat(maxTableBytes).as("connection table arrays").isLessThanOrEqualTo(bound);
        assertThat(heapFlood - heapBefore).as("heap growth over the flood").isLessThan(bound + (64L << 20));
        assertThat(results).as("downloads").allSatisfy(r -> assertThat(r).isEqualTo("200 " + FILE_BYTES + " exit 0"));
        for (int i = 0; i < DOWNLOADS; i++) {
            assertThat(Files.readAllBytes(files.get(i))).as("download %d", i).isEqualTo(content);
            assertThat(finished[i]).as("download %d finished while the flood ran", i).isBetween(floodStart, floodEnd);
        }
        assertThat(early).as("new connections dropped early").isPositive();
        assertThat(s1.truncated() - s0.truncated()).as("GSO super-packets (segmentation offload left on)").isZero();
        assertThat(fwd.state()).isEqualTo(Forwarder.State.RUNNING);
        assertThat(fwd.lastFailure()).isNull();
        assertThat(after).as("new connections after the flood").containsOnly("rs1", "rs2");
    }

    /**
     * The most bytes the table's arrays may take at that limit: 132 bytes an entry (key record,
     * entry line, free list) and an index of the smallest power of two of 32-byte slots that holds
     * it at three quarters full, plus the timer wheel and slack for alignment and headers.
     */
    static long tableBound(int cap) {
        long slots = Long.highestOneBit((cap * 4L + 2) / 3 - 1) << 1;
        return 132L * (cap + 1) + 32L * slots + 4096 + 1024;
    }

    private static String secondsInto(long[] finished, long start) {
        List<String> l = new ArrayList<>();
        for (long f : finished) {
            l.add(f == 0 ? "-" : String.format("%.1f", (f - start) / 1e9));
        }
        return l.toString();
    }

    private static long size(Path f) {
        try {
            return Files.exists(f) ? Files.size(f) : 0;
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        Thread.sleep(100);
        System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }

    /**
     * Sends SYNs from spoofed sources to VIP:80 with an AF_PACKET socket in {@code ns}, 64 a
     * {@code sendmmsg}, paced to {@link #RATE}, until {@link #SYNS} are sent and {@code done} is
     * set, or the deadline.
     */
    static void flood(String ns, String dmac, String smac, AtomicLong sent, AtomicBoolean done, long deadline)
            throws Exception {
        PacketSocket tx = PacketSocket.open(ns, "eth0", 64, 1 << 20);
        try {
            byte[] d = ByteBufUtil.decodeHexDump(dmac.replace(":", ""));
            byte[] src = ByteBufUtil.decodeHexDump(smac.replace(":", ""));
            ByteBuf b = tx.scratch();
            long start = System.nanoTime();
            long n = 0;
            long failed = 0;
            while ((n - failed < SYNS || !done.get()) && System.nanoTime() - deadline < 0) {
                for (int j = 0; j < 64; j++) {
                    int at = tx.scratchSlot();
                    syn(b, at, d, src, n++);
                    tx.queueScratch(at, 60);
                }
                failed += tx.flush();
                sent.set(n - failed);
                long due = start + n * 1_000_000_000L / RATE;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        } finally {
            tx.close();
        }
    }

    /** Writes SYN number {@code i}: 203.0.113.(100 + i % 155):(1024 + i / 155 % 64512) to VIP:80. */
    static void syn(ByteBuf b, int at, byte[] dmac, byte[] smac, long i) {
        int saddr = 0xCB007164 + (int) (i % SOURCES); // 203.0.113.100 +
        int sport = 1024 + (int) (i / SOURCES % PORTS);
        int daddr = 0xC000020A;
        b.setBytes(at, dmac);
        b.setBytes(at + 6, smac);
        b.setShort(at + 12, 0x0800);
        int ip = at + 14;
        b.setByte(ip, 0x45);
        b.setByte(ip + 1, 0);
        b.setShort(ip + 2, 40);
        b.setShort(ip + 4, (int) i);
        b.setShort(ip + 6, 0x4000);
        b.setByte(ip + 8, 64);
        b.setByte(ip + 9, 6);
        b.setShort(ip + 10, 0);
        b.setInt(ip + 12, saddr);
        b.setInt(ip + 16, daddr);
        b.setShort(ip + 10, fold(sum(b, ip, 20)));
        int tcp = ip + 20;
        b.setShort(tcp, sport);
        b.setShort(tcp + 2, 80);
        b.setInt(tcp + 4, (int) (i * 2654435761L));
        b.setInt(tcp + 8, 0);
        b.setByte(tcp + 12, 0x50);
        b.setByte(tcp + 13, 0x02);
        b.setShort(tcp + 14, 64240);
        b.setShort(tcp + 16, 0);
        b.setShort(tcp + 18, 0);
        long pseudo = (saddr >>> 16) + (saddr & 0xFFFF) + (daddr >>> 16) + (daddr & 0xFFFF) + 6 + 20;
        b.setShort(tcp + 16, fold(pseudo + sum(b, tcp, 20)));
        b.setZero(tcp + 20, 6); // padding to 60 bytes
    }

    private static long sum(ByteBuf b, int from, int len) {
        long s = 0;
        for (int k = 0; k < len; k += 2) {
            s += b.getUnsignedShort(from + k);
        }
        return s;
    }

    private static int fold(long s) {
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) ~s & 0xFFFF;
    }
}
