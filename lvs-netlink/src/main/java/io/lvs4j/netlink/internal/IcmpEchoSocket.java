package io.lvs4j.netlink.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jnr.ffi.byref.IntByReference;

/**
 * An ICMP echo ("ping") datagram socket: {@code socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)} or
 * {@code socket(AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6)}, both allowed only for groups in the
 * namespace's {@code net.ipv4.ping_group_range} (root included). The kernel sets the identifier
 * (one per socket) and the checksum, and delivers to this socket only the echo replies carrying its
 * identifier, from any address (the socket is not connected). ICMP errors are not delivered (no
 * {@code IP_RECVERR}): an unreachable target is a missing reply, except where {@code sendto} itself
 * fails (no route).
 *
 * <p>{@link #send} may be called from any thread; {@link #receive} from one thread at a time, and
 * {@link #close} only when no {@link #receive} is running.
 */
public final class IcmpEchoSocket implements AutoCloseable {
    /** {@link #receive} result: the timeout passed. */
    public static final int TIMEOUT = -2;
    /** {@link #receive} result: a datagram that is not an echo reply (ignored by callers). */
    public static final int NOT_A_REPLY = -1;

    private static final int SOCK_DGRAM = 2;
    private static final int IPPROTO_ICMP = 1;
    private static final int RCVBUF = 128 * 1024;

    private final Native.LibC libc;
    private final int fd;
    private final boolean v6;
    private final ByteBuffer tx = ByteBuffer.allocateDirect(256);
    private final ByteBuf txBuf = Unpooled.wrappedBuffer(tx);
    private final ByteBuffer to = ByteBuffer.allocateDirect(28).order(ByteOrder.nativeOrder());
    private final ByteBuffer rx = ByteBuffer.allocateDirect(1500);
    private final ByteBuf rxBuf = Unpooled.wrappedBuffer(rx);
    private final ByteBuffer from = ByteBuffer.allocateDirect(28).order(ByteOrder.nativeOrder());
    private final ByteBuffer timeval = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
    private long timeoutMicros = -1;
    private volatile boolean closed;

    private IcmpEchoSocket(Native.LibC libc, int fd, boolean v6) {
        this.libc = libc;
        this.fd = fd;
        this.v6 = v6;
    }

    /**
     * Opens the socket of one family, in the network namespace {@code /run/netns/NAME} when
     * {@code netns} is not null; fails with the errno (EACCES when the group is not allowed).
     */
    public static IcmpEchoSocket open(boolean v6, String netns) throws NetlinkIoException {
        Native.LibC libc = Native.libc();
        if (libc == null) {
            throw new NetlinkIoException("dlopen", 0, "libc could not be bound: " + Native.loadFailure(), null);
        }
        int fd = Netns.call(netns, () -> {
            int s = libc.socket(v6 ? Native.AF_INET6 : Native.AF_INET, SOCK_DGRAM | Native.SOCK_CLOEXEC,
                    v6 ? Native.IPPROTO_ICMPV6 : IPPROTO_ICMP);
            if (s < 0) {
                int e = Native.errno();
                throw new NetlinkIoException("socket", e, Native.strerror(e),
                        v6 ? "(AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6)" : "(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)");
            }
            return s;
        });
        // a bigger receive buffer for many replies at once; a failure leaves the default
        libc.setsockopt(fd, Native.SOL_SOCKET, Native.SO_RCVBUF, new IntByReference(RCVBUF), 4);
        return new IcmpEchoSocket(libc, fd, v6);
    }

    public boolean isV6() {
        return v6;
    }

    /** Sends one echo request with {@code sequence} and {@code data} (at most 248 bytes) to {@code target}. */
    public synchronized void send(InetAddress target, int sequence, byte[] data) throws NetlinkIoException {
        if (closed) {
            throw new IllegalStateException("ICMP echo socket: closed (expected: open)");
        }
        txBuf.clear();
        IcmpEchoCodec.writeRequest(txBuf, v6, sequence, data);
        int len = txBuf.writerIndex();
        int alen = sockaddr(to, target);
        for (int attempt = 0; ; attempt++) {
            if (libc.sendto(fd, tx, len, 0, to, alen) >= 0) {
                return;
            }
            int e = Native.errno();
            if (e != Native.EINTR || attempt >= 100) {
                throw new NetlinkIoException("sendto", e, Native.strerror(e), "ICMP echo to " + target.getHostAddress());
            }
        }
    }

    private int sockaddr(ByteBuffer b, InetAddress target) {
        byte[] a = target.getAddress();
        for (int i = 0; i < 28; i++) {
            b.put(i, (byte) 0);
        }
        if (v6) {
            if (a.length != 16) {
                throw new IllegalArgumentException("target: " + target.getHostAddress() + " (expected: an IPv6 address)");
            }
            b.putShort(0, (short) Native.AF_INET6);
            b.put(8, a, 0, 16);
            b.putInt(24, ((Inet6Address) target).getScopeId());
            return 28;
        }
        if (a.length != 4) {
            throw new IllegalArgumentException("target: " + target.getHostAddress() + " (expected: an IPv4 address)");
        }
        b.putShort(0, (short) Native.AF_INET);
        b.put(4, a, 0, 4);
        return 16;
    }

    /**
     * Waits at most {@code timeoutNanos} for one datagram. Returns the sequence number of an echo
     * reply (its source is then {@link #from()}), {@link #NOT_A_REPLY}, or {@link #TIMEOUT}.
     */
    public int receive(long timeoutNanos) throws NetlinkIoException {
        if (closed) {
            throw new IllegalStateException("ICMP echo socket: closed (expected: open)");
        }
        long micros = Math.max(1, timeoutNanos / 1000);
        if (micros != timeoutMicros) {
            timeval.putLong(0, micros / 1_000_000L);
            timeval.putLong(8, micros % 1_000_000L);
            if (libc.setsockopt(fd, Native.SOL_SOCKET, Native.SO_RCVTIMEO, timeval, 16) < 0) {
                int e = Native.errno();
                throw new NetlinkIoException("setsockopt", e, Native.strerror(e), "SO_RCVTIMEO");
            }
            timeoutMicros = micros;
        }
        rx.clear();
        long n = libc.recvfrom(fd, rx, rx.capacity(), 0, from, new IntByReference(28));
        if (n < 0) {
            int e = Native.errno();
            if (e == Native.EAGAIN || e == Native.EINTR) {
                return TIMEOUT; // EINTR: the caller's loop checks its deadline and calls again
            }
            throw new NetlinkIoException("recvfrom", e, Native.strerror(e), "ICMP echo socket");
        }
        rxBuf.setIndex(0, (int) Math.min(n, rx.capacity()));
        int seq = IcmpEchoCodec.replySequence(rxBuf, v6);
        return seq < 0 ? NOT_A_REPLY : seq;
    }

    /** Whether the last datagram {@link #receive} returned came from {@code address}. */
    public boolean fromIs(InetAddress address) {
        byte[] a = address.getAddress();
        int off = v6 ? 8 : 4;
        if (a.length != (v6 ? 16 : 4)) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (from.get(off + i) != a[i]) {
                return false;
            }
        }
        return true;
    }

    /** The source of the last datagram {@link #receive} returned. */
    public InetAddress from() {
        byte[] a = new byte[v6 ? 16 : 4];
        from.get(v6 ? 8 : 4, a);
        try {
            return v6 ? Inet6Address.getByAddress(null, a, from.getInt(24) > 0 ? from.getInt(24) : -1)
                    : Inet4Address.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen: the length is right
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            libc.close(fd);
        }
    }
}
