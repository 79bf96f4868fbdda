package io.lvs4j.netlink.internal;

import java.nio.ByteBuffer;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.byref.IntByReference;

/** The libc calls this module uses, bound with jnr-ffi, and nothing else. */
final class Native {
    private Native() {}

    /** The bound functions. Public only because jnr-ffi implements it in another class loader. */
    public interface LibC {
        @SaveError
        int socket(int domain, int type, int protocol);

        @SaveError
        int bind(int fd, @In ByteBuffer addr, int addrlen);

        @SaveError
        int getsockname(int fd, @Out ByteBuffer addr, IntByReference addrlen);

        @SaveError
        long sendto(int fd, @In ByteBuffer buf, long len, int flags, @In ByteBuffer addr, int addrlen);

        @SaveError
        long recvfrom(int fd, @Out ByteBuffer buf, long len, int flags, @Out ByteBuffer addr, IntByReference addrlen);

        @SaveError
        int setsockopt(int fd, int level, int optname, @In IntByReference value, int optlen);

        @SaveError
        int setsockopt(int fd, int level, int optname, @In ByteBuffer value, int optlen);

        @SaveError
        long recvmsg(int fd, Pointer msg, int flags);

        @SaveError
        int recvmmsg(int fd, Pointer msgvec, int vlen, int flags, Pointer timeout);

        @SaveError
        int sendmmsg(int fd, Pointer msgvec, int vlen, int flags);

        @SaveError
        int poll(Pointer fds, long nfds, int timeoutMillis);

        @SaveError
        int getsockopt(int fd, int level, int optname, Pointer value, Pointer optlen);

        @SaveError
        int if_nametoindex(String name);

        @SaveError
        int close(int fd);

        @SaveError
        int setns(int fd, int nstype);

        @SaveError
        int open(String path, int flags);

        @SaveError
        long read(int fd, @Out ByteBuffer buf, long count);

        @SaveError
        int flock(int fd, int operation);

        @SaveError
        long write(int fd, @In ByteBuffer buf, long count);

        String strerror(int errnum);
    }

    static final int SOCK_RAW = 3;
    static final int SOCK_DGRAM = 2;
    static final int AF_UNIX = 1;
    static final int SO_SNDTIMEO = 21;
    static final int MSG_NOSIGNAL = 0x4000;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_RCVBUFFORCE = 33;
    static final int MSG_TRUNC = 0x20;
    static final int MSG_DONTWAIT = 0x40;
    static final int SOL_PACKET = 263;
    static final int PACKET_AUXDATA = 8;
    static final int PACKET_STATISTICS = 6;
    static final int PACKET_IGNORE_OUTGOING = 23;
    static final int POLLIN = 1;
    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_CLOEXEC = 0x80000;
    static final int O_RDWR = 2;
    static final int O_NOFOLLOW = 0x20000;
    static final int LOCK_EX = 2;
    static final int LOCK_NB = 4;
    static final int EWOULDBLOCK = 11;
    static final int CLONE_NEWNET = 0x40000000;
    static final int EINTR = 4;
    static final int EBADF = 9;
    static final int ENOBUFS = 105;
    static final int EAGAIN = 11;
    static final int ENODEV = 19;
    static final int ETIMEDOUT = 110;
    static final int SO_RCVTIMEO = 20;
    static final int SO_BINDTODEVICE = 25;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int AF_PACKET = 17;
    static final int IPPROTO_IP = 0;
    static final int IPPROTO_IPV6 = 41;
    static final int IPPROTO_ICMPV6 = 58;
    static final int IP_TTL = 2;
    static final int IP_HDRINCL = 3;
    static final int IP_MULTICAST_IF = 32;
    static final int IP_MULTICAST_TTL = 33;
    static final int IP_MULTICAST_LOOP = 34;
    static final int IP_ADD_MEMBERSHIP = 35;
    static final int IPV6_UNICAST_HOPS = 16;
    static final int IPV6_MULTICAST_IF = 17;
    static final int IPV6_MULTICAST_HOPS = 18;
    static final int IPV6_MULTICAST_LOOP = 19;
    static final int IPV6_ADD_MEMBERSHIP = 20;
    static final int IPV6_RECVPKTINFO = 49;
    static final int IPV6_PKTINFO = 50;
    static final int IPV6_RECVHOPLIMIT = 51;
    static final int IPV6_HOPLIMIT = 52;

    private static final LibC LIBC;
    private static final Throwable LOAD_FAILURE;

    static {
        LibC lib = null;
        Throwable failure = null;
        try {
            lib = LibraryLoader.create(LibC.class).load("c");
        } catch (Throwable t) {
            failure = t;
        }
        LIBC = lib;
        LOAD_FAILURE = failure;
    }

    /** The binding, or null when libc could not be bound ({@link #loadFailure()} says why). */
    static LibC libc() {
        return LIBC;
    }

    /** The binding; fails, with {@link #loadFailure()} as the detail, when libc could not be bound. */
    static LibC boundLibc() throws NetlinkIoException {
        if (LIBC == null) {
            throw new NetlinkIoException("dlopen", 0, "libc could not be bound", String.valueOf(LOAD_FAILURE));
        }
        return LIBC;
    }

    static Throwable loadFailure() {
        return LOAD_FAILURE;
    }

    /** The jnr-ffi runtime of the binding (for native memory). */
    static Runtime runtime() {
        return Runtime.getRuntime(LIBC);
    }

    static int errno() {
        return LastError.getLastError(Runtime.getRuntime(LIBC));
    }

    static String strerror(int errno) {
        String s = LIBC != null ? LIBC.strerror(errno) : null;
        return s != null ? s : "errno " + errno;
    }
}
