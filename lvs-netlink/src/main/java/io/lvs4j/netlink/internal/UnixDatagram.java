package io.lvs4j.netlink.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * An unbound {@code AF_UNIX} datagram socket that sends to one address: a file system path
 * ({@code /run/systemd/notify}) or an abstract name ({@code @name}, which belongs to the network
 * namespace the socket was opened in). Java 17's {@code DatagramChannel} has no {@code AF_UNIX}.
 * Close-on-exec; each send waits at most one second for room in the receiver's queue.
 */
public final class UnixDatagram implements AutoCloseable {
    /** {@code sizeof(sun_path)}: a path needs its terminating NUL in it, an abstract name does not. */
    static final int SUN_PATH = 108;
    private static final int SEND_TIMEOUT_SECONDS = 1;

    private final Native.LibC libc;
    private final int fd;
    private final ByteBuffer address;
    private final int addressLength;
    private final String name;
    private boolean closed;

    private UnixDatagram(Native.LibC libc, int fd, ByteBuffer address, int addressLength, String name) {
        this.libc = libc;
        this.fd = fd;
        this.address = address;
        this.addressLength = addressLength;
        this.name = name;
    }

    /** Why no socket can be opened here (libc not bound), or null. */
    public static Throwable unavailabilityCause() {
        return Native.libc() == null ? Native.loadFailure() : null;
    }

    /**
     * Opens a socket that sends to {@code name}, in the calling thread's network namespace.
     *
     * @throws IllegalArgumentException if {@code name} is neither an absolute path nor {@code @name},
     *     or is too long for a {@code sockaddr_un}
     */
    public static UnixDatagram open(String name) throws NetlinkIoException {
        ByteBuffer a = ByteBuffer.allocateDirect(2 + SUN_PATH).order(ByteOrder.nativeOrder());
        int length = sockaddr(name, a);
        Native.LibC libc = Native.boundLibc();
        int fd = libc.socket(Native.AF_UNIX, Native.SOCK_DGRAM | Native.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            int e = Native.errno();
            throw new NetlinkIoException("socket", e, Native.strerror(e), "AF_UNIX datagram for " + name);
        }
        UnixDatagram s = new UnixDatagram(libc, fd, a, length, name);
        ByteBuffer tv = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
        tv.putLong(0, SEND_TIMEOUT_SECONDS);
        tv.putLong(8, 0);
        if (libc.setsockopt(fd, Native.SOL_SOCKET, Native.SO_SNDTIMEO, tv, 16) != 0) {
            int e = Native.errno();
            s.close();
            throw new NetlinkIoException("setsockopt", e, Native.strerror(e), "SO_SNDTIMEO for " + name);
        }
        return s;
    }

    /**
     * Writes the {@code sockaddr_un} for {@code name} into {@code a} (native byte order) and returns
     * its length: the family, then the path with its NUL, or a NUL and the abstract name without one.
     */
    static int sockaddr(String name, ByteBuffer a) {
        if (name == null || name.isEmpty() || (name.charAt(0) != '/' && name.charAt(0) != '@')) {
            throw io.lvs4j.internal.Preconditions.invalid("AF_UNIX address", name,
                    "an absolute path or @ and an abstract name");
        }
        boolean abstractName = name.charAt(0) == '@';
        byte[] bytes = (abstractName ? name.substring(1) : name).getBytes(StandardCharsets.UTF_8);
        int max = SUN_PATH - 1; // a path's NUL; an abstract name's leading NUL
        if (bytes.length > max || bytes.length == 0 || (!abstractName && indexOfNul(bytes) >= 0)) {
            throw io.lvs4j.internal.Preconditions.invalid("AF_UNIX address", name,
                    "at most " + max + " bytes" + (abstractName ? " after the @" : " without NUL"));
        }
        for (int i = 0; i < a.capacity(); i++) {
            a.put(i, (byte) 0);
        }
        a.putShort(0, (short) Native.AF_UNIX);
        a.put(abstractName ? 3 : 2, bytes);
        return 2 + 1 + bytes.length;
    }

    private static int indexOfNul(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    /** Sends {@code message} as one datagram. */
    public synchronized void send(byte[] message) throws NetlinkIoException {
        if (closed) {
            throw new NetlinkIoException("sendto", Native.EBADF, "Bad file descriptor", "(closed) to " + name);
        }
        ByteBuffer b = ByteBuffer.allocateDirect(Math.max(1, message.length));
        b.put(0, message);
        while (true) {
            long n = libc.sendto(fd, b, message.length, Native.MSG_NOSIGNAL, address, addressLength);
            if (n >= 0) {
                return;
            }
            int e = Native.errno();
            if (e != Native.EINTR) {
                throw new NetlinkIoException("sendto", e, Native.strerror(e), "to " + name);
            }
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            libc.close(fd);
        }
    }

    @Override
    public String toString() {
        return "AF_UNIX datagram to " + name;
    }
}
