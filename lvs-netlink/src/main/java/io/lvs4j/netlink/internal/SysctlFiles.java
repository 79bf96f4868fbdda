package io.lvs4j.netlink.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads and writes one {@code /proc/sys} file with open/read/write(2), so that failures carry
 * errno. Called on a thread inside the wanted network namespace ({@link Netns#call}): the kernel
 * resolves {@code /proc/sys/net} for the calling thread's namespace.
 */
public final class SysctlFiles {
    private SysctlFiles() {}

    /** The file's content without its trailing newline. */
    public static String read(String path) throws NetlinkIoException {
        Native.LibC libc = Native.boundLibc();
        int fd = libc.open(path, Native.O_RDONLY | Native.O_CLOEXEC);
        if (fd < 0) {
            int e = Native.errno();
            throw new NetlinkIoException("open", e, Native.strerror(e), path);
        }
        try {
            ByteBuffer buf = ByteBuffer.allocateDirect(4096);
            long n = libc.read(fd, buf, buf.capacity());
            if (n < 0) {
                int e = Native.errno();
                throw new NetlinkIoException("read", e, Native.strerror(e), path);
            }
            byte[] bytes = new byte[(int) n];
            buf.get(0, bytes);
            String s = new String(bytes, StandardCharsets.US_ASCII);
            return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
        } finally {
            libc.close(fd);
        }
    }

    /** Writes {@code value} and a newline in one write(2), as sysctl(8) does. */
    public static void write(String path, String value) throws NetlinkIoException {
        Native.LibC libc = Native.boundLibc();
        int fd = libc.open(path, Native.O_WRONLY | Native.O_CLOEXEC);
        if (fd < 0) {
            int e = Native.errno();
            throw new NetlinkIoException("open", e, Native.strerror(e), path);
        }
        try {
            byte[] bytes = (value + "\n").getBytes(StandardCharsets.US_ASCII);
            ByteBuffer buf = ByteBuffer.allocateDirect(bytes.length);
            buf.put(0, bytes);
            long n = libc.write(fd, buf, bytes.length);
            if (n < 0) {
                int e = Native.errno();
                throw new NetlinkIoException("write", e, Native.strerror(e), path);
            }
        } finally {
            libc.close(fd);
        }
    }

}
