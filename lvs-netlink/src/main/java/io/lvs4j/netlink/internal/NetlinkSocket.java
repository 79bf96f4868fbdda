package io.lvs4j.netlink.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jnr.ffi.byref.IntByReference;

/**
 * A netlink socket: open (optionally inside a named network namespace), send, receive, close.
 * {@code EINTR} is retried. {@code ENOBUFS} means the kernel dropped messages for this socket
 * because its receive buffer was full (replies to pipelined requests, or multicast events): it is
 * reported by {@link #receive} to the caller, who cannot know what was lost (libnl, ipvsadm and
 * iproute2 also fail the operation; iproute2's monitor carries on). After an overrun the kernel
 * drops EVERY further message to the socket, without another ENOBUFS, until its receive queue has
 * been emptied (netlink's congestion flag): so {@link #send} first discards what is still queued,
 * or the reply to the next request would be lost and its reader wait for ever. Dumps never
 * overrun: the kernel fills the next part only when the reader has made room.
 *
 * <p>A request socket (one joined to no multicast group) waits at most
 * {@link #REQUEST_TIMEOUT_MILLIS} for each datagram ({@code SO_RCVTIMEO}): the kernel answers a
 * request while it is being sent, and a dump's next part while the previous one is read, so a wait
 * that long means the reply is lost or the kernel is stuck, and {@link #receive} fails with
 * {@code ETIMEDOUT} instead of holding the caller's thread for ever. A late reply is skipped by its
 * sequence number. An event socket (multicast groups) waits as long as it is told to
 * ({@link #receiveTimeout(int)}). Not thread-safe.
 */
public final class NetlinkSocket implements AutoCloseable {
    /** The receive buffer for one datagram; a dump part never exceeds it. */
    static final int RECV_SIZE = 256 * 1024;
    private static final int MSG_DONTWAIT = 0x40;
    /** At most this many queued datagrams are discarded before a send (bounds the loop). */
    private static final int DRAIN_LIMIT = 1 << 20;
    /** How long a request socket waits for each datagram of a reply. */
    public static final int REQUEST_TIMEOUT_MILLIS = 10_000;

    private final Native.LibC libc;
    private final int fd;
    private final int pid;
    private final ByteBuffer recvBuf = ByteBuffer.allocateDirect(RECV_SIZE).order(ByteOrder.nativeOrder());
    private ByteBuffer sendBuf = ByteBuffer.allocateDirect(64 * 1024).order(ByteOrder.nativeOrder());
    private ByteBuffer kernelAddr = sockaddrNl(0);
    private final ByteBuffer fromAddr = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
    private boolean closed;
    private boolean overrun;
    private int timeoutMillis;
    private long discarded;

    private NetlinkSocket(Native.LibC libc, int fd) throws NetlinkIoException {
        this.libc = libc;
        this.fd = fd;
        ByteBuffer local = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
        IntByReference len = new IntByReference(12);
        if (libc.getsockname(fd, local, len) != 0) {
            throw failure("getsockname", null);
        }
        this.pid = local.getInt(4);
    }

    /** Whether libc could be bound; {@link #bindFailure()} says why not. */
    public static boolean nativeAvailable() {
        return Native.libc() != null;
    }

    public static Throwable bindFailure() {
        return Native.loadFailure();
    }

    /**
     * Opens a bound generic netlink socket with extended ACKs and capped ACKs on.
     *
     * @param netns a name under {@code /run/netns}, or null for the caller's namespace
     */
    public static NetlinkSocket open(String netns) throws NetlinkIoException {
        return open(netns, Nl.NETLINK_GENERIC, 0);
    }

    /**
     * Opens a bound netlink socket of {@code protocol} (e.g. {@code NETLINK_ROUTE}) joined to the
     * multicast {@code groups} bitmask, with extended ACKs and capped ACKs on. Without groups it is a
     * request socket: its receive timeout is {@link #REQUEST_TIMEOUT_MILLIS}.
     *
     * @param netns a name under {@code /run/netns}, or null for the caller's namespace
     */
    public static NetlinkSocket open(String netns, int protocol, int groups) throws NetlinkIoException {
        Native.LibC libc = Native.boundLibc();
        int fd = Netns.call(netns, () -> openFd(libc, protocol, groups));
        try {
            NetlinkSocket s = new NetlinkSocket(libc, fd);
            s.setInt(Nl.SOL_NETLINK, Nl.NETLINK_EXT_ACK, 1, false);
            s.setInt(Nl.SOL_NETLINK, Nl.NETLINK_CAP_ACK, 1, false);
            if (!s.setInt(Native.SOL_SOCKET, Native.SO_RCVBUFFORCE, 4 << 20, false)) {
                s.setInt(Native.SOL_SOCKET, Native.SO_RCVBUF, 4 << 20, false);
            }
            s.setInt(Native.SOL_SOCKET, Native.SO_SNDBUF, 1 << 20, false);
            if (groups == 0) {
                s.receiveTimeout(REQUEST_TIMEOUT_MILLIS);
            }
            return s;
        } catch (NetlinkIoException | RuntimeException e) {
            libc.close(fd);
            throw e;
        }
    }

    private static int openFd(Native.LibC libc, int protocol, int groups) throws NetlinkIoException {
        int fd = libc.socket(Nl.AF_NETLINK, Native.SOCK_RAW | Native.SOCK_CLOEXEC, protocol);
        if (fd < 0) {
            int e = Native.errno();
            throw new NetlinkIoException("socket", e, Native.strerror(e), "(AF_NETLINK, protocol " + protocol + ")");
        }
        ByteBuffer addr = sockaddrNl(0);
        addr.putInt(8, groups);
        if (libc.bind(fd, addr, 12) != 0) {
            int e = Native.errno();
            libc.close(fd);
            throw new NetlinkIoException("bind", e, Native.strerror(e), null);
        }
        return fd;
    }

    /**
     * Makes {@link #receive()} give up after {@code millis} (0: wait forever) with errno
     * {@code ETIMEDOUT} ({@link #isTimeout}), so a request does not wait for ever for a reply and
     * a reader thread can notice that it should stop.
     */
    public void receiveTimeout(int millis) throws NetlinkIoException {
        if (millis < 0) {
            throw new IllegalArgumentException("receive timeout: " + millis + " (expected: 0 or more ms)");
        }
        ByteBuffer tv = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
        tv.putLong(0, millis / 1000);
        tv.putLong(8, (millis % 1000) * 1000L);
        if (libc.setsockopt(fd, Native.SOL_SOCKET, Native.SO_RCVTIMEO, tv, 16) != 0) {
            throw failure("setsockopt", "SO_RCVTIMEO");
        }
        timeoutMillis = millis;
    }

    /** The receive timeout in milliseconds (0: none). */
    public int receiveTimeoutMillis() {
        return timeoutMillis;
    }

    /**
     * Sets the receive buffer ({@code SO_RCVBUF}; the kernel doubles it and applies its minimum
     * and {@code net.core.rmem_max}). {@link #open} asks for 4 MiB; tests shrink it to provoke
     * overruns.
     */
    public void receiveBuffer(int bytes) throws NetlinkIoException {
        setInt(Native.SOL_SOCKET, Native.SO_RCVBUF, bytes, true);
    }

    /** Whether {@code e} is a receive timeout ({@link #receiveTimeout(int)}). */
    public static boolean isTimeout(NetlinkIoException e) {
        return e.errno == Native.ETIMEDOUT || e.errno == Native.EAGAIN;
    }

    private static ByteBuffer sockaddrNl(int pid) {
        ByteBuffer b = ByteBuffer.allocateDirect(12).order(ByteOrder.nativeOrder());
        b.putShort(0, (short) Nl.AF_NETLINK);
        b.putInt(4, pid);
        b.putInt(8, 0);
        return b;
    }

    /**
     * Sends to the netlink socket with port id {@code portId} instead of the kernel (0): a test seam
     * for a peer that never answers (sending to another process's socket needs CAP_NET_ADMIN).
     * Replies are still taken only from the kernel.
     */
    public void peer(int portId) {
        kernelAddr = sockaddrNl(portId);
    }

    /** The port id the kernel gave this socket ({@code nl_pid}). */
    public int pid() {
        return pid;
    }

    private boolean setInt(int level, int opt, int value, boolean required) throws NetlinkIoException {
        if (libc.setsockopt(fd, level, opt, new IntByReference(value), 4) == 0) {
            return true;
        }
        if (required) {
            throw failure("setsockopt", "option " + opt);
        }
        return false;
    }

    /** Sends the readable bytes of {@code msgs} (one or more netlink messages) to the kernel. */
    public void send(ByteBuf msgs) throws NetlinkIoException {
        if (overrun) {
            discardQueued();
        }
        int n = msgs.readableBytes();
        if (sendBuf.capacity() < n) {
            sendBuf = ByteBuffer.allocateDirect(Math.max(n, sendBuf.capacity() * 2)).order(ByteOrder.nativeOrder());
        }
        sendBuf.clear();
        msgs.getBytes(msgs.readerIndex(), sendBuf.limit(n));
        sendBuf.flip();
        for (int attempt = 0; ; attempt++) {
            long r = libc.sendto(fd, sendBuf, n, 0, kernelAddr, 12);
            if (r >= 0) {
                if (r != n) {
                    throw new NetlinkIoException("sendto", 0, "short send", r + " of " + n + " bytes");
                }
                return;
            }
            int e = Native.errno();
            if (e != Native.EINTR || attempt > 1000) {
                throw new NetlinkIoException("sendto", e, Native.strerror(e), n + " bytes");
            }
        }
    }

    /**
     * Receives one datagram. The returned buffer is valid until the next call.
     *
     * @throws NetlinkIoException with errno ENOBUFS when the kernel dropped replies, or when a
     *     datagram was larger than the receive buffer; with errno ETIMEDOUT when nothing came
     *     within the receive timeout
     */
    public ByteBuf receive() throws NetlinkIoException {
        for (int attempt = 0; ; attempt++) {
            recvBuf.clear();
            IntByReference alen = new IntByReference(12);
            long r = libc.recvfrom(fd, recvBuf, RECV_SIZE, Native.MSG_TRUNC, fromAddr, alen);
            if (r >= 0) {
                if (r > RECV_SIZE) {
                    throw new NetlinkIoException("recvfrom", Native.ENOBUFS, "datagram truncated",
                            r + " bytes (expected: at most " + RECV_SIZE + ")");
                }
                if (fromAddr.getInt(4) != 0) {
                    continue; // not from the kernel
                }
                recvBuf.limit((int) r);
                return Unpooled.wrappedBuffer(recvBuf);
            }
            int e = Native.errno();
            if (e == Native.ENOBUFS) {
                overrun = true;
                throw new NetlinkIoException("recvfrom", e, Native.strerror(e),
                        "(the kernel dropped messages for this socket: its receive buffer overflowed)");
            }
            if (e == Native.EAGAIN && timeoutMillis > 0) {
                throw new NetlinkIoException("recvfrom", Native.ETIMEDOUT, Native.strerror(Native.ETIMEDOUT),
                        "(no reply from the kernel within " + timeoutMillis + " ms)");
            }
            if (e != Native.EINTR || attempt > 1000) {
                throw new NetlinkIoException("recvfrom", e, Native.strerror(e), null);
            }
        }
    }

    /**
     * Marks the socket overrun (e.g. on an {@code NLMSG_OVERRUN} message): the next {@link #send}
     * first empties the receive queue.
     */
    public void markOverrun() {
        overrun = true;
    }

    /** Datagrams discarded so far by the clean-up after overruns (see {@link #send}). */
    public long discarded() {
        return discarded;
    }

    /**
     * Discards every datagram queued on the socket, without waiting, so the kernel lifts its
     * congestion flag and delivers what comes next; returns how many. Before a send, the replies
     * discarded belong to requests already failed with ENOBUFS, or to dumps abandoned after an error;
     * a monitor calls it after ENOBUFS before re-reading the state, the queued events being older.
     */
    public long discardQueued() throws NetlinkIoException {
        long before = discarded;
        for (int i = 0; i < DRAIN_LIMIT; i++) {
            recvBuf.clear();
            long r = libc.recvfrom(fd, recvBuf, RECV_SIZE, MSG_DONTWAIT, fromAddr, new IntByReference(12));
            if (r >= 0) {
                discarded++;
                continue;
            }
            int e = Native.errno();
            if (e == Native.EAGAIN) {
                overrun = false;
                return discarded - before;
            }
            if (e != Native.EINTR && e != Native.ENOBUFS) { // a second overrun while draining: keep draining
                throw new NetlinkIoException("recvfrom", e, Native.strerror(e), "while discarding replies after an overrun");
            }
        }
        throw new NetlinkIoException("recvfrom", Native.ENOBUFS, Native.strerror(Native.ENOBUFS),
                "(still receiving after discarding " + DRAIN_LIMIT + " datagrams following an overrun)");
    }

    private NetlinkIoException failure(String call, String detail) {
        int e = Native.errno();
        return new NetlinkIoException(call, e, Native.strerror(e), detail);
    }

    public static String strerror(int errno) {
        return Native.libc() != null ? Native.strerror(errno) : "errno " + errno;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            libc.close(fd);
        }
    }
}
