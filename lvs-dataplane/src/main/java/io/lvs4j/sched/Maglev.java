package io.lvs4j.sched;

import io.lvs4j.AddressFamily;
import io.lvs4j.SchedulerFlag;
import java.util.Arrays;

/**
 * mh ({@code ip_vs_mh.c}): a Maglev lookup table of prime size. Each destination gets an offset and
 * skip from hsiphash of its address and port under two fixed keys, and a number of turns from its
 * last non-zero weight (divided by the gcd, shifted right so the largest fits the table's bits);
 * the destinations then take turns claiming their next free preferred slot, in list order, until
 * the table is full. The flow's source address (plus source port with mh-port) hashed under the
 * first key picks the slot; with mh-fallback an unavailable hit walks on.
 */
final class Maglev extends ServiceScheduler {
    /** The kernel's table sizes, for {@code CONFIG_IP_VS_MH_TAB_INDEX} 8..17. */
    static final int[] PRIMES = {251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071};
    static final int DEFAULT_SIZE = 4093;

    static final long KEY1 = 2654435761L;
    static final long KEY2 = 2654446892L;

    private final int size;
    /** The kernel's {@code IP_VS_MH_TAB_BITS}: half the config index. */
    private final int tabBits;
    private final boolean fallback;
    private final boolean usePort;
    private final boolean serviceV6;
    private final int[] lookup;
    /** {@code ceil(2^64 / size)}, for {@link #mod}. */
    private final long sizeInverse;
    private long[] used;
    private int[] offset = new int[0];
    private int[] skip = new int[0];
    private int[] perm = new int[0];
    private int[] turns = new int[0];

    Maglev(Builder b) {
        super(b);
        size = b.mhTableSize;
        tabBits = (8 + indexOf(size)) / 2;
        fallback = b.flag(SchedulerFlag.MH_FALLBACK.bit());
        usePort = b.flag(SchedulerFlag.MH_PORT.bit());
        serviceV6 = b.table.family() == AddressFamily.INET6;
        sizeInverse = Long.divideUnsigned(-1L, size) + 1;
        lookup = new int[size];
        Arrays.fill(lookup, NONE);
        used = new long[(size + 63) >>> 6];
        reassign();
    }

    static int indexOf(int size) {
        for (int i = 0; i < PRIMES.length; i++) {
            if (PRIMES[i] == size) {
                return i;
            }
        }
        return -1;
    }

    /** Table size. */
    int size() {
        return size;
    }

    /** The destination in a slot (tests). */
    int slot(int i) {
        return lookup[i];
    }

    @Override
    void added(int handle) {
        reassign();
    }

    @Override
    void removed(int handle, int oldIndex) {
        if (!reassign()) {
            // the kernel keeps its old table; we drop the removed destination from it rather than
            // hand out a handle that may be reused
            for (int i = 0; i < size; i++) {
                if (lookup[i] == handle) {
                    lookup[i] = NONE;
                }
            }
        }
    }

    @Override
    void edited(int handle) {
        reassign();
    }

    private int fold(int h) {
        DestinationTable t = table;
        int a = t.addrWord(h, 0);
        if (serviceV6) {
            a ^= t.addrWord(h, 1) ^ t.addrWord(h, 2) ^ t.addrWord(h, 3);
        }
        return a;
    }

    /** Rebuilds the table; false if there are more destinations than slots (table left alone). */
    private boolean reassign() {
        DestinationTable t = table;
        int n = t.sizeU();
        int gcd = 0;
        int max = 0;
        for (int i = 0; i < n; i++) {
            int lw = t.lastWeightU(t.at(i));
            if (lw > 0) {
                gcd = gcd > 0 ? WeightedRoundRobin.gcd(lw, gcd) : lw;
            }
            max = Math.max(max, lw);
        }
        int rshift = 0;
        if (gcd >= 1) {
            int mw = max / gcd;
            int shift = (32 - Integer.numberOfLeadingZeros(mw)) - tabBits;
            rshift = Math.max(shift, 0);
        }
        if (n > size) {
            return false;
        }
        if (gcd < 1) {
            Arrays.fill(lookup, NONE);
            return true;
        }
        if (offset.length < n) {
            int c = Math.max(n, offset.length * 2);
            offset = new int[c];
            skip = new int[c];
            perm = new int[c];
            turns = new int[c];
        }
        for (int i = 0; i < n; i++) {
            int h = t.at(i);
            int v = fold(h) + t.portU(h);
            offset[i] = Integer.remainderUnsigned(HalfSipHash.hash(v, KEY1, KEY1), size);
            skip[i] = Integer.remainderUnsigned(HalfSipHash.hash(v, KEY2, KEY2), size - 1) + 1;
            perm[i] = offset[i];
            int lw = t.lastWeightU(h);
            int tr = (lw / gcd) >> rshift;
            turns[i] = tr != 0 ? tr : (lw != 0 ? 1 : 0);
        }
        populate(n);
        return true;
    }

    private void populate(int n) {
        long[] bits = used;
        Arrays.fill(bits, 0L);
        DestinationTable t = table;
        int filled = 0;
        int count = 0;
        int m = size;
        while (true) {
            int i = 0;
            while (i < n) {
                if (turns[i] < 1) {
                    i++;
                    continue;
                }
                int c = perm[i];
                while ((bits[c >>> 6] & (1L << c)) != 0) {
                    c += skip[i];
                    if (c >= m) {
                        c -= m;
                    }
                }
                perm[i] = c;
                bits[c >>> 6] |= 1L << c;
                lookup[c] = t.at(i);
                if (++filled == m) {
                    return;
                }
                if (++count >= turns[i]) {
                    count = 0;
                    i++;
                }
            }
        }
    }

    /**
     * {@code Integer.remainderUnsigned(x, size)} without a division (Lemire's fastmod for 32-bit
     * operands: the high 64 bits of {@code (inverse * x mod 2^64) * size}).
     */
    int mod(int x) {
        long low = sizeInverse * (x & 0xffffffffL);
        return (int) (Math.multiplyHigh(low, size) + ((low >> 63) & size));
    }

    @Override
    int pick(int srcFold, int srcPort, int dstFold, int d0, int d1, int d2, int d3) {
        int v = (usePort ? srcPort : 0) + srcFold;
        int ihash = mod(HalfSipHash.hash(v, KEY1, KEY1));
        int h = lookup[ihash];
        if (h == NONE) {
            return NONE;
        }
        if (available(h)) {
            return h;
        }
        if (!fallback) {
            return NONE;
        }
        for (int offset = 0; offset < size; offset++) {
            int roffset = (offset + ihash) % size;
            int hash = mod(HalfSipHash.hash(roffset + v, KEY1, KEY1));
            h = lookup[hash];
            if (h == NONE) {
                break;
            }
            if (available(h)) {
                return h;
            }
        }
        return NONE;
    }
}
