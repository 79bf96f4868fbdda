package io.lvs4j.netlink.internal;

import java.nio.ByteBuffer;

/**
 * Reads the ancillary data (control messages) {@code recvmsg} and {@code recvmmsg} return, as
 * Linux lays it out on a 64-bit machine: each message a {@code cmsghdr} (an 8-byte length that
 * counts the header, a 4-byte level, a 4-byte type), its data, padding to 8 bytes. The length
 * the kernel reports is trusted only as far as the buffer goes: nothing outside it is read.
 */
public final class Cmsg {
    /** The size of a {@code cmsghdr}; a message's data starts there. */
    public static final int HEADER = 16;

    private Cmsg() {}

    /**
     * Where the data of the first control message of {@code level} and {@code type} with at least
     * {@code minData} bytes of data starts in {@code b}, or -1 when there is none: the messages are
     * at {@code at}, {@code controlLength} bytes of them by the kernel's count ({@code
     * msg_controllen}), of which at most {@code capacity} bytes are in the buffer. A message whose
     * length is shorter than its header or runs past the end stops the walk.
     */
    public static int find(ByteBuffer b, int at, long controlLength, int capacity, int level, int type,
            int minData) {
        long end = Math.max(0, Math.min(controlLength, Math.min(capacity, b.limit() - (long) at)));
        long off = 0;
        while (off + HEADER <= end) {
            long len = b.getLong(at + (int) off);
            if (len < HEADER || len > end - off) {
                return -1;
            }
            if (b.getInt(at + (int) off + 8) == level && b.getInt(at + (int) off + 12) == type
                    && len - HEADER >= minData) {
                return at + (int) off + HEADER;
            }
            off += (len + 7) & ~7L;
        }
        return -1;
    }
}
