package io.lvs4j.bgp.internal;

import java.nio.ByteBuffer;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.byref.IntByReference;

/** The libc calls this module uses (TCP MD5 on sockets), bound with jnr-ffi, and nothing else. */
final class Native {
    private Native() {}

    /** The bound functions. Public only because jnr-ffi implements it in another class loader. */
    public interface LibC {
        @SaveError
        int socket(int domain, int type, int protocol);

        @SaveError
        int close(int fd);

        @SaveError
        int setsockopt(int fd, int level, int optname, @In ByteBuffer value, int optlen);

        @SaveError
        int getsockopt(int fd, int level, int optname, @Out ByteBuffer value, IntByReference optlen);

        @SaveError
        int getsockname(int fd, @Out ByteBuffer addr, IntByReference addrlen);

        String strerror(int errnum);
    }

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_STREAM = 1;
    static final int SOL_SOCKET = 1;
    static final int SO_TYPE = 3;
    static final int SO_ACCEPTCONN = 30;
    static final int SO_DOMAIN = 39;
    static final int IPPROTO_TCP = 6;
    static final int TCP_MD5SIG = 14;
    /** sizeof(struct tcp_md5sig): sockaddr_storage 128, flags 1, prefixlen 1, keylen 2, ifindex 4, key 80. */
    static final int TCP_MD5SIG_SIZE = 216;
    static final int TCP_MD5SIG_KEYLEN_OFFSET = 130;
    static final int TCP_MD5SIG_KEY_OFFSET = 136;

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
