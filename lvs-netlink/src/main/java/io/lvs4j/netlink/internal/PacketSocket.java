package io.lvs4j.netlink.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jnr.ffi.Pointer;

/**
 * An {@code AF_PACKET} raw socket on one interface with batched I/O: {@code recvmmsg} into a fixed
 * set of slots of one direct buffer, {@code sendmmsg} of frames queued from any such buffer. All
 * memory (frames, {@code mmsghdr}, {@code iovec}, {@code sockaddr_ll}, ancillary data) is allocated
 * once when the socket opens; receiving and sending allocate nothing.
 *
 * <p>The socket is opened with protocol 0 and then bound to the interface with {@code ETH_P_ALL},
 * so it never sees another interface's frames. It ignores its own outgoing frames
 * ({@code PACKET_IGNORE_OUTGOING}, and the {@code PACKET_OUTGOING} packet type is reported for
 * kernels without it), and asks for {@code PACKET_AUXDATA} so that a frame whose transport checksum
 * the sender left to offload ({@code TP_STATUS_CSUMNOTREADY}, common on veth) is reported. Each
 * slot keeps {@link #HEADROOM} bytes before the frame for encapsulation. Not thread-safe: one
 * thread receives and sends.
 */
public final class PacketSocket implements AutoCloseable {
    /** Bytes kept free before each received frame. */
    public static final int HEADROOM = 64;
    /** Bytes of a slot: headroom plus the largest frame taken whole. */
    public static final int SLOT = 2048;
    /** The largest frame taken whole; longer ones are reported truncated. */
    public static final int MAX_FRAME = SLOT - HEADROOM;
    /** {@code sll_pkttype}: to this host. */
    public static final int PACKET_HOST = 0;
    /** {@code sll_pkttype}: broadcast. */
    public static final int PACKET_BROADCAST = 1;
    /** {@code sll_pkttype}: sent by this host. */
    public static final int PACKET_OUTGOING = 4;

    private static final int ETH_P_ALL = 0x0003;
    private static final int TP_STATUS_CSUMNOTREADY = 1 << 3;
    private static final int MMSG = 64;
    private static final int IOV = 16;
    private static final int NAME = 32;
    private static final int CONTROL = 64;
    private static final int SCRATCH = 128;

    private final Native.LibC libc;
    private final int fd;
    private final int ifindex;
    private final String ifname;
    private final int batch;
    private final ByteBuffer data;
    private final ByteBuf frames;
    private final long dataAddress;
    private final ByteBuffer meta;
    private final long metaAddress;
    private final Pointer rxVec;
    private final Pointer txVec;
    private final int rxIovAt;
    private final int nameAt;
    private final int controlAt;
    private final int txVecAt;
    private final int txIovAt;
    private final int statsAt;
    private final Pointer stats;
    private final Pointer statsLen;
    private final ByteBuffer scratchData;
    private final ByteBuf scratch;
    private final long scratchAddress;
    private final int scratchSlots;
    private int scratchUsed;
    private int queued;
    private int dirty;
    private long sendErrors;
    private long kernelDrops;
    private int lastErrno;
    private boolean closed;

    private PacketSocket(Native.LibC libc, int fd, int ifindex, String ifname, int batch) {
        this.libc = libc;
        this.fd = fd;
        this.ifindex = ifindex;
        this.ifname = ifname;
        this.batch = batch;
        jnr.ffi.Runtime rt = Native.runtime();
        data = ByteBuffer.allocateDirect(batch * SLOT).order(ByteOrder.BIG_ENDIAN);
        dataAddress = Pointer.wrap(rt, data).address();
        frames = Unpooled.wrappedBuffer(data);
        frames.clear();
        rxIovAt = batch * MMSG;
        nameAt = rxIovAt + batch * IOV;
        controlAt = nameAt + batch * NAME;
        txVecAt = controlAt + batch * CONTROL;
        txIovAt = txVecAt + batch * MMSG;
        statsAt = txIovAt + batch * IOV;
        meta = ByteBuffer.allocateDirect(statsAt + 16).order(ByteOrder.nativeOrder());
        Pointer m = Pointer.wrap(rt, meta);
        metaAddress = m.address();
        rxVec = Pointer.wrap(rt, metaAddress);
        txVec = Pointer.wrap(rt, metaAddress + txVecAt);
        stats = Pointer.wrap(rt, metaAddress + statsAt);
        statsLen = Pointer.wrap(rt, metaAddress + statsAt + 8);
        scratchSlots = Math.min(batch, 64);
        scratchData = ByteBuffer.allocateDirect(scratchSlots * SCRATCH);
        scratchAddress = Pointer.wrap(rt, scratchData).address();
        scratch = Unpooled.wrappedBuffer(scratchData);
        scratch.clear();
        for (int i = 0; i < batch; i++) {
            int h = i * MMSG;
            meta.putLong(h, metaAddress + nameAt + (long) i * NAME); // msg_name
            meta.putLong(h + 16, metaAddress + rxIovAt + (long) i * IOV); // msg_iov
            meta.putLong(h + 24, 1); // msg_iovlen
            meta.putLong(h + 32, metaAddress + controlAt + (long) i * CONTROL); // msg_control
            meta.putInt(h + 8, NAME); // msg_namelen
            meta.putLong(h + 40, CONTROL); // msg_controllen
            meta.putLong(rxIovAt + i * IOV, dataAddress + (long) i * SLOT + HEADROOM);
            meta.putLong(rxIovAt + i * IOV + 8, MAX_FRAME);
            int t = txVecAt + i * MMSG;
            meta.putLong(t, 0);
            meta.putInt(t + 8, 0);
            meta.putLong(t + 16, metaAddress + txIovAt + (long) i * IOV);
            meta.putLong(t + 24, 1);
            meta.putLong(t + 32, 0);
            meta.putLong(t + 40, 0);
        }
    }

    /** Whether libc could be bound. */
    public static boolean nativeAvailable() {
        return Native.libc() != null;
    }

    /** Why {@link #nativeAvailable()} is false, or null. */
    public static Throwable bindFailure() {
        return Native.loadFailure();
    }

    /**
     * Opens a socket on {@code ifname} (inside {@code netns} when not null) with {@code batch}
     * slots and a receive buffer of {@code receiveBufferBytes} (forced when the caller may).
     */
    public static PacketSocket open(String netns, String ifname, int batch, int receiveBufferBytes)
            throws NetlinkIoException {
        Native.LibC libc = Native.boundLibc();
        return Netns.call(netns, () -> {
            int index = libc.if_nametoindex(ifname);
            if (index == 0) {
                int e = Native.errno();
                throw new NetlinkIoException("if_nametoindex", e, Native.strerror(e), ifname);
            }
            int fd = libc.socket(Native.AF_PACKET, Native.SOCK_RAW | Native.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                int e = Native.errno();
                throw new NetlinkIoException("socket", e, Native.strerror(e), "AF_PACKET on " + ifname);
            }
            PacketSocket s = new PacketSocket(libc, fd, index, ifname, batch);
            try {
                jnr.ffi.byref.IntByReference one = new jnr.ffi.byref.IntByReference(1);
                // best effort: kernels before 4.20 lack it; OUTGOING frames are then skipped by type
                libc.setsockopt(fd, Native.SOL_PACKET, Native.PACKET_IGNORE_OUTGOING, one, 4);
                s.check(libc.setsockopt(fd, Native.SOL_PACKET, Native.PACKET_AUXDATA, one, 4), "PACKET_AUXDATA");
                jnr.ffi.byref.IntByReference size = new jnr.ffi.byref.IntByReference(receiveBufferBytes);
                if (libc.setsockopt(fd, Native.SOL_SOCKET, Native.SO_RCVBUFFORCE, size, 4) != 0) {
                    s.check(libc.setsockopt(fd, Native.SOL_SOCKET, Native.SO_RCVBUF, size, 4), "SO_RCVBUF");
                }
                ByteBuffer ll = ByteBuffer.allocateDirect(20).order(ByteOrder.nativeOrder());
                ll.putShort(0, (short) Native.AF_PACKET);
                ll.order(ByteOrder.BIG_ENDIAN).putShort(2, (short) ETH_P_ALL).order(ByteOrder.nativeOrder());
                ll.putInt(4, index);
                s.check(libc.bind(fd, ll, 20), "bind");
                return s;
            } catch (NetlinkIoException | RuntimeException e) {
                s.close();
                throw e;
            }
        });
    }

    private void check(int rc, String op) throws NetlinkIoException {
        if (rc != 0) {
            int e = Native.errno();
            throw new NetlinkIoException(op, e, Native.strerror(e), "AF_PACKET on " + ifname);
        }
    }

    /** The interface index. */
    public int interfaceIndex() {
        return ifindex;
    }

    /** The interface name. */
    public String interfaceName() {
        return ifname;
    }

    /** The file descriptor (for polling). */
    public int fd() {
        return fd;
    }

    /** Slots per batch. */
    public int batch() {
        return batch;
    }

    /** The buffer holding the received frames; slot {@code i}'s frame starts at {@link #frameOffset}. */
    public ByteBuf frames() {
        return frames;
    }

    /** The native address of {@link #frames()}' first byte. */
    public long framesAddress() {
        return dataAddress;
    }

    /** Where slot {@code i}'s frame starts in {@link #frames()}. */
    public static int frameOffset(int i) {
        return i * SLOT + HEADROOM;
    }

    /**
     * Receives up to a batch without waiting; returns how many frames arrived (0 when none), or -1
     * on an error other than "would block" ({@link #lastErrno()}).
     */
    public int receive() {
        for (int i = 0; i < dirty; i++) { // the kernel rewrote these in the slots it filled last time
            int h = i * MMSG;
            meta.putInt(h + 8, NAME); // msg_namelen
            meta.putLong(h + 40, CONTROL); // msg_controllen
            meta.putInt(h + 48, 0); // msg_flags
        }
        int n = libc.recvmmsg(fd, rxVec, batch, Native.MSG_DONTWAIT, null);
        dirty = n < 0 ? batch : n;
        if (n < 0) {
            int e = Native.errno();
            if (e == Native.EAGAIN || e == Native.EINTR) {
                return 0;
            }
            lastErrno = e;
            return -1;
        }
        return n;
    }

    /** The errno of the last failed call. */
    public int lastErrno() {
        return lastErrno;
    }

    /** Bytes of slot {@code i}'s frame that were stored (at most {@link #MAX_FRAME}). */
    public int length(int i) {
        return length(meta, i * MMSG);
    }

    /** Whether slot {@code i}'s frame was longer than {@link #MAX_FRAME}. */
    public boolean truncated(int i) {
        return truncated(meta, i * MMSG);
    }

    /** Slot {@code i}'s {@code sll_pkttype} ({@link #PACKET_HOST}, ...). */
    public int packetType(int i) {
        return packetType(meta, nameAt + i * NAME);
    }

    /** Whether slot {@code i}'s transport checksum was left to offload (a partial sum is in it). */
    public boolean checksumNotReady(int i) {
        return checksumNotReady(meta, i * MMSG, controlAt + i * CONTROL);
    }

    // The metadata of one received frame, as recvmmsg left it in {@code meta}: its mmsghdr at
    // {@code header} (msg_controllen at +40, msg_flags at +48, msg_len at +56), its sockaddr_ll at
    // {@code name} (sll_pkttype at +10), its CONTROL bytes of ancillary data at {@code control}.

    /** The stored length (msg_len), within 0..{@link #MAX_FRAME} whatever the slot holds. */
    static int length(ByteBuffer meta, int header) {
        return Math.max(0, Math.min(meta.getInt(header + 56), MAX_FRAME));
    }

    static boolean truncated(ByteBuffer meta, int header) {
        return (meta.getInt(header + 48) & Native.MSG_TRUNC) != 0;
    }

    static int packetType(ByteBuffer meta, int name) {
        return meta.get(name + 10) & 0xFF;
    }

    /** Whether a {@code PACKET_AUXDATA} message has {@code TP_STATUS_CSUMNOTREADY} in its {@code tp_status}. */
    static boolean checksumNotReady(ByteBuffer meta, int header, int control) {
        int d = Cmsg.find(meta, control, meta.getLong(header + 40), CONTROL, Native.SOL_PACKET, Native.PACKET_AUXDATA, 4);
        return d >= 0 && (meta.getInt(d) & TP_STATUS_CSUMNOTREADY) != 0;
    }

    /** The sizes of one slot's metadata (for tests): mmsghdr, sockaddr_ll area, control area. */
    static final int META_HEADER = MMSG;
    static final int META_NAME = NAME;
    static final int META_CONTROL = CONTROL;

    /** Queues a frame at that native address for the next {@link #flush()}; flushes when full. */
    public void queue(long address, int length) {
        if (queued == batch) {
            flush();
        }
        int i = queued++;
        meta.putLong(txIovAt + i * IOV, address);
        meta.putLong(txIovAt + i * IOV + 8, length);
    }

    /** Queues {@code length} bytes of {@code frames} (another socket's or this one's) at {@code index}. */
    public void queue(PacketSocket owner, int index, int length) {
        queue(owner.dataAddress + index, length);
    }

    /**
     * A scratch area of 128 bytes for a frame this socket will send (e.g. an ARP reply), at the
     * returned index of {@link #scratch()}; flushes first when all are in use.
     */
    public int scratchSlot() {
        if (scratchUsed == scratchSlots) {
            flush();
        }
        return scratchUsed++ * SCRATCH;
    }

    /** The scratch buffer of {@link #scratchSlot()}. */
    public ByteBuf scratch() {
        return scratch;
    }

    /** Queues {@code length} bytes of the scratch buffer at {@code index}. */
    public void queueScratch(int index, int length) {
        queue(scratchAddress + index, length);
    }

    /** Sends everything queued with {@code sendmmsg}; returns how many frames could not be sent. */
    public int flush() {
        int failed = 0;
        int done = 0;
        int rounds = 0;
        while (done < queued && rounds++ < 8) {
            int n = libc.sendmmsg(fd, done == 0 ? txVec : Pointer.wrap(Native.runtime(), metaAddress + txVecAt + (long) done * MMSG),
                    queued - done, 0);
            if (n < 0) {
                lastErrno = Native.errno();
                if (lastErrno == Native.EINTR) {
                    continue;
                }
                // the first frame failed (e.g. EMSGSIZE): skip it and go on
                failed++;
                done++;
            } else {
                done += n;
            }
        }
        failed += queued - done;
        sendErrors += failed;
        queued = 0;
        scratchUsed = 0;
        return failed;
    }

    /** Frames that could not be sent so far. */
    public long sendErrors() {
        return sendErrors;
    }

    /** Frames the kernel dropped for this socket (full receive buffer) so far. */
    public long kernelDrops() {
        meta.putInt(statsAt + 8, 8);
        if (libc.getsockopt(fd, Native.SOL_PACKET, Native.PACKET_STATISTICS, stats, statsLen) == 0) {
            kernelDrops += meta.getInt(statsAt + 4) & 0xFFFFFFFFL;
        }
        return kernelDrops;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            libc.close(fd);
        }
    }

    /** Waits until one of the sockets is readable; pollfd memory allocated once. */
    public static final class Poller {
        private final Native.LibC libc;
        private final ByteBuffer fds;
        private final Pointer pointer;
        private final int n;

        public Poller(PacketSocket... sockets) throws NetlinkIoException {
            this.libc = Native.boundLibc();
            this.n = sockets.length;
            fds = ByteBuffer.allocateDirect(8 * n).order(ByteOrder.nativeOrder());
            pointer = Pointer.wrap(Native.runtime(), fds);
            for (int i = 0; i < n; i++) {
                fds.putInt(8 * i, sockets[i].fd);
                fds.putShort(8 * i + 4, (short) Native.POLLIN);
            }
        }

        /** Waits at most {@code timeoutMillis}; returns how many sockets are ready (0: timeout). */
        public int await(int timeoutMillis) {
            for (int i = 0; i < n; i++) {
                fds.putShort(8 * i + 6, (short) 0);
            }
            int r = libc.poll(pointer, n, timeoutMillis);
            return Math.max(r, 0);
        }

        /** Whether socket {@code i} was readable (or in error) at the last {@link #await}. */
        public boolean ready(int i) {
            return fds.getShort(8 * i + 6) != 0;
        }
    }
}
