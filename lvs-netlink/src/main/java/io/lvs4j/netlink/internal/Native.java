package io.lvs4j.netlink.internal;

import java.nio.ByteBuffer;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
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
        int close(int fd);

        @SaveError
        int setns(int fd, int nstype);

        @SaveError
        int open(String path, int flags);

        String strerror(int errnum);
    }

    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_RCVBUFFORCE = 33;
    static final int MSG_TRUNC = 0x20;
    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 0x80000;
    static final int CLONE_NEWNET = 0x40000000;
    static final int EINTR = 4;
    static final int ENOBUFS = 105;
    static final int EAGAIN = 11;

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

    static Throwable loadFailure() {
        return LOAD_FAILURE;
    }

    static int errno() {
        return LastError.getLastError(Runtime.getRuntime(LIBC));
    }

    static String strerror(int errno) {
        String s = LIBC != null ? LIBC.strerror(errno) : null;
        return s != null ? s : "errno " + errno;
    }
}
