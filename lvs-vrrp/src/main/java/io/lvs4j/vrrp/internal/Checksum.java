package io.lvs4j.vrrp.internal;

import io.netty.buffer.ByteBuf;

/** The Internet checksum (RFC 1071) over ByteBuf ranges and byte arrays, in network byte order. */
final class Checksum {
    private Checksum() {}

    /** Adds the 16-bit big-endian words of {@code length} bytes at {@code index} to {@code sum}. */
    static long add(long sum, ByteBuf buf, int index, int length) {
        int end = index + length;
        int i = index;
        for (; i + 1 < end; i += 2) {
            sum += buf.getUnsignedShort(i);
        }
        if (i < end) {
            sum += (buf.getUnsignedByte(i) << 8);
        }
        return sum;
    }

    static long add(long sum, byte[] bytes) {
        return add(sum, bytes, bytes.length);
    }

    /** Adds the first {@code length} (even) bytes of {@code bytes}. */
    static long add(long sum, byte[] bytes, int length) {
        for (int i = 0; i + 1 < length; i += 2) {
            sum += ((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff);
        }
        return sum;
    }

    /** Folds the carries and complements: the value to put in a checksum field; 0 when verifying a correct packet. */
    static int finish(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }
}
