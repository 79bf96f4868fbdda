package io.lvs4j.packet;

import io.netty.buffer.ByteBuf;

/** Internet checksum arithmetic (RFC 1071) and incremental updates (RFC 1624, equation 3). */
final class Checksums {
    private Checksums() {
    }

    private static int fold(int sum) {
        sum = (sum & 0xFFFF) + (sum >>> 16);
        return (sum & 0xFFFF) + (sum >>> 16);
    }

    /** HC' = ~(~HC + ~m + m') for one 16-bit word. */
    static int update16(int hc, int old16, int new16) {
        int sum = (~hc & 0xFFFF) + (~old16 & 0xFFFF) + (new16 & 0xFFFF);
        return ~fold(sum) & 0xFFFF;
    }

    /** The same for a 32-bit field (two words). */
    static int update32(int hc, int old32, int new32) {
        int sum = (~hc & 0xFFFF) + (~old32 >>> 16 & 0xFFFF) + (~old32 & 0xFFFF) + (new32 >>> 16) + (new32 & 0xFFFF);
        return ~fold(sum) & 0xFFFF;
    }

    /** The same for a 128-bit address given as two longs. */
    static int update128(int hc, long oldHi, long oldLo, long newHi, long newLo) {
        hc = update32(hc, (int) (oldHi >>> 32), (int) (newHi >>> 32));
        hc = update32(hc, (int) oldHi, (int) newHi);
        hc = update32(hc, (int) (oldLo >>> 32), (int) (newLo >>> 32));
        return update32(hc, (int) oldLo, (int) newLo);
    }

    /** The one's-complement sum (not inverted, not folded to 16 bits beyond int range) of bytes. */
    static long sum(ByteBuf buf, int offset, int length) {
        long s = 0;
        int i = offset;
        int end = offset + length;
        for (; i + 4 <= end; i += 4) {
            s += buf.getUnsignedInt(i);
        }
        // 2^16 = 1 modulo 0xFFFF, so a word counts the same in either half of a 32-bit word
        if (i + 2 <= end) {
            s += buf.getUnsignedShort(i);
            i += 2;
        }
        if (i < end) {
            s += buf.getUnsignedByte(i) << 8;
        }
        return s;
    }

    /** Folds a 64-bit sum of 32-bit big-endian words to 16 bits and inverts it. */
    static int finish(long s) {
        s = (s & 0xFFFFFFFFL) + (s >>> 32);
        s = (s & 0xFFFFFFFFL) + (s >>> 32);
        int x = (int) ((s & 0xFFFF) + (s >>> 16));
        return ~fold(x) & 0xFFFF;
    }

    static long sumAddress(long hi, long lo) {
        return (hi >>> 32) + (hi & 0xFFFFFFFFL) + (lo >>> 32) + (lo & 0xFFFFFFFFL);
    }
}
