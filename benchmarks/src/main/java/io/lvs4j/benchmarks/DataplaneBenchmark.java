package io.lvs4j.benchmarks;

import io.lvs4j.AddressFamily;
import io.lvs4j.Forwarding;
import io.lvs4j.RealServer;
import io.lvs4j.Scheduler;
import io.lvs4j.VirtualService;
import io.lvs4j.conn.ConnectionTable;
import io.lvs4j.internal.Addresses;
import io.lvs4j.packet.BenchmarkRewind;
import io.lvs4j.packet.DropReason;
import io.lvs4j.packet.PacketHeaders;
import io.lvs4j.packet.PacketPath;
import io.lvs4j.packet.PacketRewriter;
import io.lvs4j.packet.Verdict;
import io.lvs4j.sched.DestinationTable;
import io.lvs4j.sched.ServiceScheduler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import org.pcap4j.packet.IllegalRawDataException;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.namednumber.TcpPort;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The userspace data plane's hot paths on 64-byte packets in pooled direct ByteBufs.
 *
 * <ul>
 *   <li>{@code natRewrite}: the NAT inbound rewrite of a parsed IPv4/TCP packet (destination
 *       address and port, IP and TCP checksums), alternating between two real servers so every
 *       operation changes the bytes.</li>
 *   <li>{@code drRewrite}: the direct-routing MAC rewrite of a frame.</li>
 *   <li>{@code tunEncapsulate}: IPIP encapsulation of a parsed 64-byte IPv4 packet (as read from a
 *       TUN device) into its 20-byte headroom: outer header with the inner TOS, DF and TTL, total
 *       length, and its checksum computed. Encapsulation writes only the headroom, so the operation
 *       then restores the reader index and the parsed IP offset and length (three field writes,
 *       {@link BenchmarkRewind}) and the next one encapsulates the same, intact packet. That
 *       restore is part of the measured time; nothing is subtracted. {@code tunRewindOnly} is the
 *       restore alone, for reference.</li>
 *   <li>{@code lookup1M}: a client-side lookup in a table of 1,048,576 TCP connections, random
 *       keys in random order. {@code lookup1MBatch}: the same, 32 an invocation. {@code
 *       lookup1MPrefetch}: 32 an invocation as a receive batch would have them: their index slots
 *       worked out, their lines read together ({@code ConnectionTable.prefetch}), then the 32
 *       lookups; per lookup, everything included.</li>
 *   <li>{@code packetPath1M} and {@code packetPath1MPrefetch}: the whole per-packet path over
 *       1,048,576 established NAT flows in batches of 32 frames, without and with {@code
 *       PacketPath.prefetchFrames} first.</li>
 *   <li>{@code packetPath}: the whole per-packet path for an established NAT flow: copy the
 *       64-byte received frame into the working buffer (as a receive ring would), parse, look up
 *       among 65,536 connections, drive the TCP state, rewrite.</li>
 *   <li>{@code synFlood}: a SYN from a new spoofed source refused by a full table ({@code
 *       mode=full}: {@code TABLE_FULL}) or by the flood defence's early drop ({@code mode=early}).</li>
 *   <li>{@code newConnection}: schedule (rr over 8 servers), insert, and make the persistence
 *       template for a new client each operation; the injected clock moves 10 microseconds per
 *       operation and the timer wheel is advanced every 1024 operations, so connections and
 *       templates expire and the table stays at a steady size (its expiry cost is included).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DataplaneBenchmark {
    static final int VIP = 0xC000020A; // 192.0.2.10
    static final int RS1 = 0x0A000002;
    static final int RS2 = 0x0A000003;

    static int checksum(byte[] b, int off, int len) {
        long s = 0;
        for (int i = 0; i < len; i += 2) {
            s += (b[off + i] & 0xFF) << 8 | (i + 1 < len ? b[off + i + 1] & 0xFF : 0);
        }
        while ((s >> 16) != 0) {
            s = (s & 0xFFFF) + (s >> 16);
        }
        return (int) (~s & 0xFFFF);
    }

    /** A 64-byte IPv4/TCP packet (20 + 20 + 24 bytes of payload) with correct checksums. */
    static byte[] ipv4Tcp(int src, int dst, int sport, int dport, int flags) {
        ByteBuffer b = ByteBuffer.allocate(64);
        b.put((byte) 0x45).put((byte) 0).putShort((short) 64).putShort((short) 1).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 6).putShort((short) 0).putInt(src).putInt(dst);
        b.putShort((short) sport).putShort((short) dport).putInt(1).putInt(1).put((byte) 0x50).put((byte) flags)
                .putShort((short) 65535).putShort((short) 0).putShort((short) 0);
        for (int i = 0; i < 24; i++) {
            b.put((byte) i);
        }
        byte[] p = b.array();
        int ip = checksum(p, 0, 20);
        p[10] = (byte) (ip >>> 8);
        p[11] = (byte) ip;
        byte[] pseudo = ByteBuffer.allocate(12 + 44).putInt(src).putInt(dst).put((byte) 0).put((byte) 6)
                .putShort((short) 44).put(p, 20, 44).array();
        int t = checksum(pseudo, 0, pseudo.length);
        p[36] = (byte) (t >>> 8);
        p[37] = (byte) t;
        return p;
    }

    static ByteBuf direct(byte[] bytes, int headroom) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(headroom + bytes.length);
        b.writerIndex(headroom).readerIndex(headroom);
        return b.writeBytes(bytes);
    }

    /** A 64-byte Ethernet frame: 14 + IPv4 20 + TCP 20 + 10 bytes of payload. */
    static byte[] ethTcp(int src, int dst, int sport, int dport, int flags) {
        byte[] ip = ipv4Tcp(src, dst, sport, dport, flags);
        // rebuild with a 50-byte IP packet
        ByteBuffer b = ByteBuffer.allocate(50);
        b.put(ip, 0, 40);
        for (int i = 0; i < 10; i++) {
            b.put((byte) i);
        }
        byte[] p = b.array();
        p[2] = 0;
        p[3] = 50;
        p[10] = 0;
        p[11] = 0;
        int c = checksum(p, 0, 20);
        p[10] = (byte) (c >>> 8);
        p[11] = (byte) c;
        p[36] = 0;
        p[37] = 0;
        byte[] pseudo = ByteBuffer.allocate(12 + 30).putInt(src).putInt(dst).put((byte) 0).put((byte) 6)
                .putShort((short) 30).put(p, 20, 30).array();
        int t = checksum(pseudo, 0, pseudo.length);
        p[36] = (byte) (t >>> 8);
        p[37] = (byte) t;
        ByteBuffer f = ByteBuffer.allocate(64);
        f.putShort((short) 0x5254).putInt(1).putShort((short) 0x5254).putInt(9).putShort((short) 0x0800).put(p);
        return f.array();
    }

    @State(Scope.Thread)
    public static class Rewrite {
        final PacketHeaders h = new PacketHeaders();
        final PacketRewriter rw = new PacketRewriter();
        ByteBuf ip;
        ByteBuf frame;
        ByteBuf tun;
        final PacketHeaders th = new PacketHeaders();
        int tunReader;
        int tunEnd;
        boolean flip;

        @Setup(Level.Trial)
        public void setUp() {
            ip = direct(ipv4Tcp(0xC6336407, VIP, 40000, 80, 0x10), 0);
            if (h.parseIp(ip) != null) {
                throw new IllegalStateException("bad packet");
            }
            frame = direct(ethTcp(0xC6336407, VIP, 40000, 80, 0x10), 0);
            tun = direct(ipv4Tcp(0xC6336407, VIP, 40000, 80, 0x10), 20);
            tunReader = tun.readerIndex();
            tunEnd = tun.writerIndex();
            if (th.parseIp(tun) != null) {
                throw new IllegalStateException("bad packet");
            }
            // one encapsulation, checked, then the restore the benchmark relies on
            if (rw.tunnelIpv4(th, 0x0A0000FE, RS1) != null || tun.readerIndex() != 0 || tun.readableBytes() != 84
                    || tun.getUnsignedByte(0) != 0x45 || tun.getUnsignedByte(9) != 4 || tun.getInt(16) != RS1) {
                throw new IllegalStateException("encapsulation did not produce the outer header");
            }
            byte[] outer = new byte[20];
            tun.getBytes(0, outer);
            if (checksum(outer, 0, 20) != 0) {
                throw new IllegalStateException("outer header checksum");
            }
            BenchmarkRewind.rewindIp(th, tun, tunReader, 64);
            if (rw.tunnelIpv4(th, 0x0A0000FE, RS1) != null || tun.readerIndex() != 0) {
                throw new IllegalStateException("second encapsulation after the restore failed");
            }
            BenchmarkRewind.rewindIp(th, tun, tunReader, 64);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            ip.release();
            frame.release();
            tun.release();
        }
    }

    @Benchmark
    public DropReason natRewrite(Rewrite s) {
        s.flip = !s.flip;
        return s.rw.natInboundIpv4(s.h, s.flip ? RS1 : RS2, s.flip ? 8080 : 8081);
    }

    /** Parse and NAT-rewrite the same 64-byte packet: the counterpart of {@code pcap4jParseRewrite}. */
    @Benchmark
    public DropReason parseAndNat(Rewrite s) {
        s.flip = !s.flip;
        s.h.parseIp(s.ip);
        return s.rw.natInboundIpv4(s.h, s.flip ? RS1 : RS2, s.flip ? 8080 : 8081);
    }

    @State(Scope.Thread)
    public static class Pcap4j {
        byte[] packet;
        Inet4Address rs;
        Inet4Address client;
        TcpPort port = TcpPort.getInstance((short) 8080);

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            packet = ipv4Tcp(0xC6336407, VIP, 40000, 80, 0x10);
            rs = (Inet4Address) InetAddress.getByAddress(new byte[] {10, 0, 0, 2});
            client = (Inet4Address) InetAddress.getByAddress(new byte[] {(byte) 198, 51, 100, 7});
        }
    }

    /**
     * The same work with pcap4j 1.8.2: parse the 64-byte packet, rebuild it with the real server's
     * address and port and correct checksums, and serialise it.
     */
    @Benchmark
    public byte[] pcap4jParseRewrite(Pcap4j s) throws IllegalRawDataException {
        IpV4Packet p = IpV4Packet.newPacket(s.packet, 0, s.packet.length);
        TcpPacket.Builder tcp = ((TcpPacket) p.getPayload()).getBuilder().dstPort(s.port).srcAddr(s.client)
                .dstAddr(s.rs).correctChecksumAtBuild(true).correctLengthAtBuild(true);
        return p.getBuilder().dstAddr(s.rs).payloadBuilder(tcp).correctChecksumAtBuild(true)
                .correctLengthAtBuild(true).build().getRawData();
    }

    @Benchmark
    public ByteBuf drRewrite(Rewrite s) {
        s.flip = !s.flip;
        PacketRewriter.directRoute(s.frame, 0, s.flip ? 0x5254_0000_0002L : 0x5254_0000_0003L, 0x5254_0000_0001L);
        return s.frame;
    }

    /** The validation parse alone (the part of {@code parseAndNat} before the rewrite). */
    @Benchmark
    public DropReason parseOnly(Rewrite s) {
        s.tun.readerIndex(s.tunReader);
        s.tun.writerIndex(s.tunEnd);
        return s.th.parseIp(s.tun);
    }

    @Benchmark
    public DropReason tunEncapsulate(Rewrite s) {
        DropReason r = s.rw.tunnelIpv4(s.th, 0x0A0000FE, RS1);
        BenchmarkRewind.rewindIp(s.th, s.tun, s.tunReader, 64);
        return r;
    }

    /** The restore {@code tunEncapsulate} does after each encapsulation, alone (not subtracted). */
    @Benchmark
    public ByteBuf tunRewindOnly(Rewrite s) {
        BenchmarkRewind.rewindIp(s.th, s.tun, s.tunReader, 64);
        return s.tun;
    }

    static DestinationTable servers(int n) {
        DestinationTable d = DestinationTable.create(AddressFamily.INET);
        for (int i = 0; i < n; i++) {
            d.add(Addresses.ofInt(RS1 + i), 8080, 1);
        }
        return d;
    }

    /** Shuffles rows of equally long columns together (Fisher-Yates, one draw a row). */
    static void shuffle(SplittableRandom r, int[]... columns) {
        for (int k = columns[0].length - 1; k > 0; k--) {
            int j = r.nextInt(k + 1);
            for (int[] c : columns) {
                int t = c[k];
                c[k] = c[j];
                c[j] = t;
            }
        }
    }

    @State(Scope.Thread)
    public static class Lookup {
        static final int N = 1 << 20;
        ConnectionTable table;
        int[] caddr = new int[N];
        int[] cport = new int[N];
        int[] slots = new int[BATCH];
        int i;

        @Setup(Level.Trial)
        public void setUp() {
            table = ConnectionTable.builder().expectedConnections(N).ticker(() -> 0).build();
            int svc = table.addService(VirtualService.tcp("192.0.2.10", 80).build(),
                    ServiceScheduler.of(Scheduler.RR, servers(8)));
            SplittableRandom r = new SplittableRandom(1);
            for (int k = 0; k < N; k++) {
                int a;
                int p;
                do {
                    a = r.nextInt();
                    p = 1024 + r.nextInt(64512);
                } while (table.lookupInIpv4(6, a, p, VIP, 80) != ConnectionTable.NONE);
                table.connectIpv4(svc, 6, a, p, VIP, 80);
                caddr[k] = a;
                cport[k] = p;
            }
            shuffle(r, caddr, cport); // random order of lookups
        }
    }

    @Benchmark
    public int lookup1M(Lookup s) {
        int k = s.i++ & (Lookup.N - 1);
        return s.table.lookupInIpv4(6, s.caddr[k], s.cport[k], VIP, 80);
    }

    /** Frames a receive batch hands over at once in the batched benchmarks (the forwarder reads up to 64). */
    static final int BATCH = 32;

    /**
     * As {@code lookup1M}, 32 lookups an invocation, one after the other; the figure is per
     * lookup. The reference for {@code lookup1MPrefetch}.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int lookup1MBatch(Lookup s) {
        int base = s.i;
        s.i = base + BATCH;
        ConnectionTable t = s.table;
        int acc = 0;
        for (int j = 0; j < BATCH; j++) {
            int k = (base + j) & (Lookup.N - 1);
            acc += t.lookupInIpv4(6, s.caddr[k], s.cport[k], VIP, 80);
        }
        return acc;
    }

    /**
     * As {@code lookup1MBatch}, with the batch's index slots worked out first ({@link
     * ConnectionTable#indexSlotIpv4}) and their lines read together ({@link
     * ConnectionTable#prefetch}), as a receive loop does with a batch of frames; the figure is per
     * lookup, all of that included.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int lookup1MPrefetch(Lookup s) {
        int base = s.i;
        s.i = base + BATCH;
        ConnectionTable t = s.table;
        int[] at = s.slots;
        for (int j = 0; j < BATCH; j++) {
            int k = (base + j) & (Lookup.N - 1);
            at[j] = t.indexSlotIpv4(6, s.caddr[k], s.cport[k]);
        }
        t.prefetch(at, 0, BATCH, false);
        int acc = 0;
        for (int j = 0; j < BATCH; j++) {
            int k = (base + j) & (Lookup.N - 1);
            acc += t.lookupInIpv4(6, s.caddr[k], s.cport[k], VIP, 80);
        }
        return acc;
    }

    /**
     * The machine's floor for {@code lookup1M}: one random 8-byte read from an 80 MB array (the
     * size of a 1M-entry table's index and keys), with the same random-index pattern.
     */
    @State(Scope.Thread)
    public static class Floor {
        static final int WORDS = 10 << 20;
        long[] memory = new long[WORDS];
        int[] at = new int[Lookup.N];
        int i;

        @Setup(Level.Trial)
        public void setUp() {
            SplittableRandom r = new SplittableRandom(3);
            for (int k = 0; k < WORDS; k++) {
                memory[k] = k;
            }
            for (int k = 0; k < at.length; k++) {
                at[k] = r.nextInt(WORDS);
            }
        }
    }

    @Benchmark
    public long randomRead80MB(Floor s) {
        return s.memory[s.at[s.i++ & (Lookup.N - 1)]];
    }

    /** A packet path over a TCP service 192.0.2.10:80, rr, NAT to 8 real servers. */
    static PacketPath natPath(ConnectionTable table) {
        VirtualService.Builder vs = VirtualService.tcp("192.0.2.10", 80);
        for (int k = 0; k < 8; k++) {
            vs.realServer(RealServer.of(Addresses.ofInt(RS1 + k), 8080).forwarding(Forwarding.MASQ));
        }
        table.addService(vs.build(), ServiceScheduler.of(Scheduler.RR, servers(8)));
        return new PacketPath(table).localMac(0x5254_0000_0001L);
    }

    /**
     * Opens a flow from client a:p to the virtual service with a SYN and an ACK through the path;
     * returns the ACK frame, or {@code null} if the flow already existed.
     */
    static byte[] establish(PacketPath path, ByteBuf work, int a, int p) {
        work.clear().writeBytes(ethTcp(a, VIP, p, 80, 0x02));
        if (path.processFrame(work) != Verdict.TO_REAL_SERVER) {
            return null;
        }
        byte[] ack = ethTcp(a, VIP, p, 80, 0x10);
        work.clear().writeBytes(ack);
        if (path.processFrame(work) != Verdict.TO_REAL_SERVER) {
            throw new IllegalStateException("ack not forwarded: " + path.lastDrop());
        }
        return ack;
    }

    @State(Scope.Thread)
    public static class Path {
        static final int FLOWS = 1 << 16;
        ConnectionTable table;
        PacketPath path;
        ByteBuf templates;
        ByteBuf work;
        int i;

        @Setup(Level.Trial)
        public void setUp() {
            table = ConnectionTable.builder().expectedConnections(FLOWS).ticker(() -> 0).build();
            path = natPath(table);
            templates = PooledByteBufAllocator.DEFAULT.directBuffer(64 * FLOWS);
            work = PooledByteBufAllocator.DEFAULT.directBuffer(128);
            SplittableRandom r = new SplittableRandom(2);
            for (int k = 0; k < FLOWS; k++) {
                int a = 0xC6000000 | r.nextInt(1 << 24);
                int p = 1024 + r.nextInt(64512);
                byte[] ack = establish(path, work, a, p);
                if (ack == null) {
                    k--; // a duplicate flow: draw again
                    continue;
                }
                templates.writeBytes(ack);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (path.drops().total() != 0) {
                throw new IllegalStateException("drops: " + path.drops());
            }
            templates.release();
            work.release();
        }
    }

    @Benchmark
    public Verdict packetPath(Path s) {
        int k = s.i++ & (Path.FLOWS - 1);
        ByteBuf w = s.work;
        w.setBytes(0, s.templates, k * 64, 64);
        w.readerIndex(0).writerIndex(64);
        return s.path.processFrame(w);
    }

    /**
     * The whole per-packet path over 1,048,576 established NAT flows, in batches of 32 frames as a
     * receive loop gets them: each frame is a copy of one 64-byte ACK frame whose client address,
     * port and IP header checksum are then set to a random flow's (from arrays read in order), so
     * the frames themselves are in the cache as a freshly received batch is.
     */
    @State(Scope.Thread)
    public static class Path1M {
        static final int FLOWS = 1 << 20;
        ConnectionTable table;
        PacketPath path;
        byte[] frame;
        ByteBuf[] work = new ByteBuf[BATCH];
        int[] caddr = new int[FLOWS];
        int[] cport = new int[FLOWS];
        int[] ipSum = new int[FLOWS];
        int i;

        @Setup(Level.Trial)
        public void setUp() {
            table = ConnectionTable.builder().expectedConnections(FLOWS).ticker(() -> 0).build();
            path = natPath(table);
            for (int j = 0; j < BATCH; j++) {
                work[j] = PooledByteBufAllocator.DEFAULT.directBuffer(128);
            }
            ByteBuf w = work[0];
            SplittableRandom r = new SplittableRandom(4);
            for (int k = 0; k < FLOWS; k++) {
                int a = 0xC6000000 | r.nextInt(1 << 24);
                int p = 1024 + r.nextInt(64512);
                byte[] ack = establish(path, w, a, p);
                if (ack == null) {
                    k--; // a duplicate flow: draw again
                    continue;
                }
                caddr[k] = a;
                cport[k] = p;
                ipSum[k] = (ack[24] & 0xFF) << 8 | ack[25] & 0xFF;
                frame = ack;
            }
            shuffle(r, caddr, cport, ipSum); // random order of flows
        }

        /** Fills the batch's buffers with the next 32 flows' frames. */
        void fill() {
            int base = i;
            i = base + BATCH;
            for (int j = 0; j < BATCH; j++) {
                int k = (base + j) & (FLOWS - 1);
                ByteBuf w = work[j];
                w.setBytes(0, frame);
                w.setInt(26, caddr[k]);
                w.setShort(34, cport[k]);
                w.setShort(24, ipSum[k]);
                w.readerIndex(0).writerIndex(64);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (path.drops().total() != 0) {
                throw new IllegalStateException("drops: " + path.drops());
            }
            for (ByteBuf w : work) {
                w.release();
            }
        }
    }

    /**
     * The whole per-packet path (parse, look up, TCP state, NAT rewrite) over 1M flows, a batch of
     * 32 frames processed one after the other; the figure is per packet, filling the frames
     * included.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int packetPath1M(Path1M s) {
        s.fill();
        int acc = 0;
        for (int j = 0; j < BATCH; j++) {
            acc += s.path.processFrame(s.work[j]).ordinal();
        }
        return acc;
    }

    /** As {@code packetPath1M}, the batch read ahead with {@link PacketPath#prefetchFrames} first. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int packetPath1MPrefetch(Path1M s) {
        s.fill();
        PacketPath p = s.path;
        p.prefetchFrames(s.work, 0, BATCH);
        int acc = 0;
        for (int j = 0; j < BATCH; j++) {
            acc += p.processFrame(s.work[j]).ordinal();
        }
        return acc;
    }

    /**
     * A SYN flood against a full table: 65,536 established NAT flows fill a table limited to
     * 65,536 entries (defence from 49,152), and every operation is a SYN from another spoofed
     * source (one of 65,536, set into a copy of one frame as {@code packetPath1M} does), which the
     * path looks up on both sides, finds the service for, and has refused: {@code TABLE_FULL}.
     * {@code synFloodEarlyDrop}: the same with the table at its threshold plus one and a random
     * generator that always draws 0, so every SYN is refused by the early drop (one draw).
     */
    @State(Scope.Thread)
    public static class Flood {
        static final int FLOWS = 1 << 16;
        @org.openjdk.jmh.annotations.Param({"full", "early"})
        String mode;
        boolean filling = true;
        ConnectionTable table;
        PacketPath path;
        byte[] frame;
        ByteBuf work;
        int[] caddr = new int[FLOWS];
        int[] cport = new int[FLOWS];
        int[] ipSum = new int[FLOWS];
        int i;

        @Setup(Level.Trial)
        public void setUp() {
            boolean full = mode.equals("full");
            int limit = FLOWS;
            int threshold = FLOWS * 3 / 4;
            int established = full ? limit : threshold + 1;
            table = ConnectionTable.builder().expectedConnections(limit).maxConnections(limit)
                    .defenseThreshold(threshold).random(new java.util.random.RandomGenerator() {
                        @Override
                        public long nextLong() {
                            return 0;
                        }

                        @Override
                        public int nextInt(int bound) {
                            return filling ? bound - 1 : 0; // admit while filling, then drop
                        }
                    }).ticker(() -> 0).build();
            path = natPath(table);
            work = PooledByteBufAllocator.DEFAULT.directBuffer(128);
            SplittableRandom r = new SplittableRandom(5);
            for (int k = 0; k < established; k++) {
                if (establish(path, work, 0xC6000000 | r.nextInt(1 << 24), 1024 + r.nextInt(64512)) == null) {
                    k--;
                }
            }
            for (int k = 0; k < FLOWS; k++) { // the spoofed sources, 203.0.0.0/8 (never established)
                caddr[k] = 0xCB000000 | r.nextInt(1 << 24);
                cport[k] = 1024 + r.nextInt(64512);
                frame = ethTcp(caddr[k], VIP, cport[k], 80, 0x02);
                ipSum[k] = (frame[24] & 0xFF) << 8 | frame[25] & 0xFF;
            }
            filling = false;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            DropReason want = mode.equals("full") ? DropReason.TABLE_FULL : DropReason.EARLY_DROP;
            if (path.drops().total() != path.drops().count(want) || path.drops().total() == 0) {
                throw new IllegalStateException("drops: " + path.drops());
            }
            work.release();
        }
    }

    @Benchmark
    public Verdict synFlood(Flood s) {
        int k = s.i++ & (Flood.FLOWS - 1);
        ByteBuf w = s.work;
        w.setBytes(0, s.frame);
        w.setInt(26, s.caddr[k]);
        w.setShort(34, s.cport[k]);
        w.setShort(24, s.ipSum[k]);
        w.readerIndex(0).writerIndex(64);
        return s.path.processFrame(w);
    }

    @State(Scope.Thread)
    public static class NewConn {
        ConnectionTable table;
        int svc;
        long[] clock = {0};
        int i;

        @Setup(Level.Trial)
        public void setUp() {
            table = ConnectionTable.builder().expectedConnections(1 << 20).ticker(() -> clock[0]).build();
            svc = table.addService(VirtualService.tcp("192.0.2.10", 80).persistenceSeconds(1).build(),
                    ServiceScheduler.of(Scheduler.RR, servers(8)));
        }
    }

    @Benchmark
    public int newConnection(NewConn s) {
        int n = s.i++;
        if ((n & 1023) == 0) {
            s.clock[0] += 10_240_000L; // 10 us per operation
            s.table.advance();
        }
        return s.table.connectIpv4(s.svc, 6, 0x0B000000 + (n & 0xFFFFFF), 1024 + (n & 0x7FFF), VIP, 80);
    }
}
