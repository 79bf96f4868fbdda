package io.lvs4j.netlink.internal;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jnr.ffi.byref.IntByReference;

/**
 * An ICMP echo ("ping") datagram socket: {@code socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)}, allowed
 * for groups in the namespace's {@code net.ipv4.ping_group_range} (root included). The kernel sets the identifier
 * (one per socket, and it delivers to this socket only the replies carrying it) and the checksum.
 * One thread at a time.
 */
public final class IcmpEchoSocket implements AutoCloseable {
    private static final int SOCK_DGRAM = 2;
    private static final int IPPROTO_ICMP = 1;
    private static final int ECHO_REPLY = 0;
    private static final int ECHO_REQUEST = 8;

    private final Native.LibC libc;
    private final int fd;
    private final ByteBuffer tx = ByteBuffer.allocateDirect(64).order(ByteOrder.BIG_ENDIAN);
    private final ByteBuffer rx = ByteBuffer.allocateDirect(1500).order(ByteOrder.BIG_ENDIAN);
    private final ByteBuffer addr = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
    private final ByteBuffer from = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
    private final ByteBuffer timeval = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
    private int sequence;
    private boolean closed;

    private IcmpEchoSocket(Native.LibC libc, int fd) {
        this.libc = libc;
        this.fd = fd;
    }

    /** Opens the socket; fails with the errno (EACCES when the group is not allowed). */
    public static IcmpEchoSocket open() throws NetlinkIoException {
        Native.LibC libc = Native.libc();
        if (libc == null) {
            throw new NetlinkIoException("dlopen", 0, "libc could not be bound: " + Native.loadFailure(), null);
        }
        int fd = libc.socket(Native.AF_INET, SOCK_DGRAM | Native.SOCK_CLOEXEC, IPPROTO_ICMP);
        if (fd < 0) {
            int e = Native.errno();
            throw new NetlinkIoException("socket", e, Native.strerror(e), "(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)");
        }
        return new IcmpEchoSocket(libc, fd);
    }

    /**
     * Sends one echo request with {@code payload} to {@code target} and waits for its reply at most
     * {@code timeoutNanos}. Returns the round trip in nanoseconds, or -1 when no reply came in time.
     */
    public long echo(Inet4Address target, byte[] payload, long timeoutNanos) throws NetlinkIoException {
        if (closed) {
            throw new IllegalStateException("ICMP echo socket: closed (expected: open)");
        }
        int seq = sequence = (sequence + 1) & 0xffff;
        tx.clear();
        tx.put((byte) ECHO_REQUEST).put((byte) 0).putShort((short) 0).putShort((short) 0).putShort((short) seq);
        tx.put(payload, 0, Math.min(payload.length, tx.remaining()));
        int len = tx.position();
        tx.flip(); // jnr-ffi passes a direct buffer from its position
        addr.clear();
        addr.putShort(0, (short) Native.AF_INET);
        addr.put(4, target.getAddress(), 0, 4);
        long start = System.nanoTime();
        long deadline = start + timeoutNanos;
        if (libc.sendto(fd, tx, len, 0, addr, 16) < 0) {
            int e = Native.errno();
            throw new NetlinkIoException("sendto", e, Native.strerror(e), "ICMP echo to " + target.getHostAddress());
        }
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return -1;
            }
            timeval.putLong(0, left / 1_000_000_000L);
            timeval.putLong(8, Math.max(1, left % 1_000_000_000L / 1000));
            if (libc.setsockopt(fd, Native.SOL_SOCKET, Native.SO_RCVTIMEO, timeval, 16) < 0) {
                int e = Native.errno();
                throw new NetlinkIoException("setsockopt", e, Native.strerror(e), "SO_RCVTIMEO");
            }
            rx.clear();
            long n = libc.recvfrom(fd, rx, rx.capacity(), 0, from, new IntByReference(16));
            if (n < 0) {
                int e = Native.errno();
                if (e == Native.EAGAIN || e == Native.EINTR) {
                    continue; // the loop checks the deadline
                }
                throw new NetlinkIoException("recvfrom", e, Native.strerror(e), "ICMP echo from " + target.getHostAddress());
            }
            boolean fromTarget = from.get(4) == target.getAddress()[0] && from.get(5) == target.getAddress()[1]
                    && from.get(6) == target.getAddress()[2] && from.get(7) == target.getAddress()[3];
            if (n >= 8 && fromTarget && (rx.get(0) & 0xff) == ECHO_REPLY && (rx.getShort(6) & 0xffff) == seq) {
                return Math.max(0, System.nanoTime() - start);
            }
            // an older reply, or one from elsewhere: keep waiting
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
