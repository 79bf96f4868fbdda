package io.lvs4j.sched;

import io.lvs4j.time.Ticker;
import java.util.Arrays;

/**
 * lblc and lblcr ({@code ip_vs_lblc.c}, {@code ip_vs_lblcr.c}): a cache from the flow's destination
 * address to a destination (lblc) or a set of destinations (lblcr), kept in the kernel's 1024
 * buckets so that garbage collection visits entries in the kernel's order. A periodic check every
 * 60 s (run, when due, at the start of the next pick, at the time it was due) drops entries unused
 * for the expiration (every 30th check, or sooner while the table is small) or, while there are
 * more than 16384 entries, entries unused for 6 minutes until enough are gone.
 */
abstract class Locality extends ServiceScheduler {
    static final long DEFAULT_EXPIRATION_NANOS = 24L * 60 * 60 * 1_000_000_000L;
    static final long CHECK_INTERVAL_NANOS = 60L * 1_000_000_000L;
    static final long ENTRY_TIMEOUT_NANOS = 6L * 60 * 1_000_000_000L;
    static final int COUNT_FOR_FULL_EXPIRATION = 30;
    static final int TAB_BITS = 10;
    static final int TAB_SIZE = 1 << TAB_BITS;
    static final int TAB_MASK = TAB_SIZE - 1;
    static final int MAX_SIZE = TAB_SIZE * 16;

    private final Ticker ticker;
    final long expiration;
    final SelectionTree wlc;

    private long nextCheck;
    private int rover;
    private int counter = 1;
    /** The kernel's {@code tbl->entries}, which for lblc can drift above the real count. */
    int entriesCounter;

    // entries: open pool with per-bucket chains
    private final int[] bucketHead = new int[TAB_SIZE];
    int[] next = new int[16];
    private int[] key = new int[64];
    long[] lastuse = new long[16];
    private int freeEntry = -1;
    private int entryTop;

    Locality(Builder b) {
        super(b);
        this.ticker = b.ticker;
        this.expiration = b.expirationNanos;
        this.wlc = new SelectionTree(b.table, SelectionTree.Kind.WLC);
        Arrays.fill(bucketHead, -1);
        nextCheck = ticker.nanos() + CHECK_INTERVAL_NANOS;
    }

    @Override
    final int pick(int srcFold, int srcPort, int dstFold, int d0, int d1, int d2, int d3) {
        long now = ticker.nanos();
        while (now - nextCheck >= 0) {
            checkExpire(nextCheck);
            nextCheck += CHECK_INTERVAL_NANOS;
        }
        return pick(now, Hashing.hash32(dstFold, TAB_BITS), d0, d1, d2, d3);
    }

    abstract int pick(long now, int bucket, int d0, int d1, int d2, int d3);

    /** The kernel's lblc/lblcr {@code is_overloaded}: busier than its weight while another is half idle. */
    final boolean busy(int h) {
        return table.activeU(h) > table.weightU(h) && table.underHalf() > 0;
    }

    @Override
    final void added(int handle) {
        wlc.rebuild();
    }

    @Override
    final void removed(int handle, int oldIndex) {
        wlc.rebuild();
    }

    @Override
    final void edited(int handle) {
        wlc.update(handle);
    }

    @Override
    final void countsChanged(int handle) {
        wlc.update(handle);
    }

    @Override
    final void closed() {
        for (int b = 0; b < TAB_SIZE; b++) {
            for (int e = bucketHead[b]; e >= 0; ) {
                int nx = next[e];
                releaseEntry(e);
                e = nx;
            }
            bucketHead[b] = -1;
        }
    }

    // ---- entries ----

    final int lookup(int bucket, int d0, int d1, int d2, int d3) {
        int[] k = key;
        for (int e = bucketHead[bucket]; e >= 0; e = next[e]) {
            int o = 4 * e;
            if (k[o] == d0 && k[o + 1] == d1 && k[o + 2] == d2 && k[o + 3] == d3) {
                return e;
            }
        }
        return -1;
    }

    /** Allocates an entry at the head of its bucket; the caller fills the rest. */
    final int newEntry(int bucket, int d0, int d1, int d2, int d3, long now) {
        int e;
        if (freeEntry >= 0) {
            e = freeEntry;
            freeEntry = next[e];
        } else {
            e = entryTop++;
            if (e == next.length) {
                grow(e * 2);
            }
        }
        int o = 4 * e;
        key[o] = d0;
        key[o + 1] = d1;
        key[o + 2] = d2;
        key[o + 3] = d3;
        lastuse[e] = now;
        next[e] = bucketHead[bucket];
        bucketHead[bucket] = e;
        entriesCounter++;
        return e;
    }

    void grow(int n) {
        next = Arrays.copyOf(next, n);
        key = Arrays.copyOf(key, 4 * n);
        lastuse = Arrays.copyOf(lastuse, n);
    }

    /** Unlinks an entry from its bucket and frees it; does not touch the entries counter. */
    final void deleteEntry(int bucket, int e) {
        int prev = -1;
        for (int x = bucketHead[bucket]; x >= 0; x = next[x]) {
            if (x == e) {
                if (prev < 0) {
                    bucketHead[bucket] = next[e];
                } else {
                    next[prev] = next[e];
                }
                releaseEntry(e);
                next[e] = freeEntry;
                freeEntry = e;
                return;
            }
            prev = x;
        }
        throw new AssertionError("entry " + e + " not in bucket " + bucket);
    }

    /** Releases what the entry refers to. */
    abstract void releaseEntry(int e);

    private void checkExpire(long now) {
        if (counter % COUNT_FOR_FULL_EXPIRATION == 0) {
            sweep(now, expiration, Integer.MAX_VALUE);
            counter = 1;
            return;
        }
        if (entriesCounter <= MAX_SIZE) {
            counter++;
            return;
        }
        int goal = (entriesCounter - MAX_SIZE) * 4 / 3;
        if (goal > MAX_SIZE / 2) {
            goal = MAX_SIZE / 2;
        }
        sweep(now, ENTRY_TIMEOUT_NANOS, goal);
    }

    /** Walks the buckets from after the rover, dropping entries unused for {@code age}. */
    private void sweep(long now, long age, int goal) {
        int j = rover;
        for (int i = 0; i < TAB_SIZE; i++) {
            j = (j + 1) & TAB_MASK;
            int prev = -1;
            for (int e = bucketHead[j]; e >= 0; ) {
                int nx = next[e];
                if (now - (lastuse[e] + age) < 0) {
                    prev = e;
                } else {
                    if (prev < 0) {
                        bucketHead[j] = nx;
                    } else {
                        next[prev] = nx;
                    }
                    releaseEntry(e);
                    next[e] = freeEntry;
                    freeEntry = e;
                    entriesCounter--;
                    goal--;
                }
                e = nx;
            }
            if (goal <= 0) {
                break;
            }
        }
        rover = j;
    }

    /** How many entries the cache holds (tests). */
    final int entries() {
        int c = 0;
        for (int b = 0; b < TAB_SIZE; b++) {
            for (int e = bucketHead[b]; e >= 0; e = next[e]) {
                c++;
            }
        }
        return c;
    }

    /** lblc: one destination per address. */
    static final class Lblc extends Locality {
        private int[] dest = new int[16];

        Lblc(Builder b) {
            super(b);
        }

        @Override
        void grow(int n) {
            super.grow(n);
            dest = Arrays.copyOf(dest, n);
        }

        @Override
        int pick(long now, int bucket, int d0, int d1, int d2, int d3) {
            DestinationTable t = table;
            int e = lookup(bucket, d0, d1, d2, d3);
            if (e >= 0) {
                lastuse[e] = now;
                int d = dest[e];
                if (t.listedU(d) && t.weightU(d) > 0 && !busy(d)) {
                    return d;
                }
            }
            int d = wlc.winner();
            if (d == NONE) {
                return NONE;
            }
            if (e >= 0) {
                if (dest[e] == d) {
                    return d;
                }
                // the kernel unlinks the old entry without counting it down
                deleteEntry(bucket, e);
            }
            e = newEntry(bucket, d0, d1, d2, d3, now);
            dest[e] = d;
            t.retain(d);
            return d;
        }

        @Override
        void releaseEntry(int e) {
            table.release(dest[e]);
        }
    }

    /** lblcr: a set of destinations per address, most recently added first. */
    static final class Lblcr extends Locality {
        private int[] setHead = new int[16];
        private int[] setSize = new int[16];
        private long[] lastmod = new long[16];
        private int[] elemDest = new int[16];
        private int[] elemNext = new int[16];
        private int freeElem = -1;
        private int elemTop;

        Lblcr(Builder b) {
            super(b);
        }

        @Override
        void grow(int n) {
            super.grow(n);
            setHead = Arrays.copyOf(setHead, n);
            setSize = Arrays.copyOf(setSize, n);
            lastmod = Arrays.copyOf(lastmod, n);
        }

        @Override
        int pick(long now, int bucket, int d0, int d1, int d2, int d3) {
            int e = lookup(bucket, d0, d1, d2, d3);
            if (e >= 0) {
                lastuse[e] = now;
                int d = setMin(e);
                if (setSize[e] > 1 && now - (lastmod[e] + expiration) > 0) {
                    int m = setMax(e);
                    if (m != NONE) {
                        erase(e, m, now);
                    }
                }
                if (d != NONE && !busy(d)) {
                    return d;
                }
                d = wlc.winner();
                if (d == NONE) {
                    return NONE;
                }
                insert(e, d, true, now);
                return d;
            }
            int d = wlc.winner();
            if (d == NONE) {
                return NONE;
            }
            e = newEntry(bucket, d0, d1, d2, d3, now);
            setHead[e] = -1;
            setSize[e] = 0;
            insert(e, d, false, now);
            return d;
        }

        private int setMin(int e) {
            DestinationTable t = table;
            int x = setHead[e];
            int least = NONE;
            for (; x >= 0; x = elemNext[x]) {
                int h = elemDest[x];
                if (t.overloadedU(h)) {
                    continue;
                }
                if (t.weightU(h) > 0 && t.listedU(h)) {
                    least = h;
                    break;
                }
            }
            if (least == NONE) {
                return NONE;
            }
            int loh = t.overheadU(least);
            for (x = elemNext[x]; x >= 0; x = elemNext[x]) {
                int h = elemDest[x];
                if (t.overloadedU(h)) {
                    continue;
                }
                int doh = t.overheadU(h);
                if ((long) loh * t.weightU(h) > (long) doh * t.weightU(least) && t.listedU(h)) {
                    least = h;
                    loh = doh;
                }
            }
            return least;
        }

        private int setMax(int e) {
            DestinationTable t = table;
            int x = setHead[e];
            int most = NONE;
            for (; x >= 0; x = elemNext[x]) {
                int h = elemDest[x];
                if (t.weightU(h) > 0) {
                    most = h;
                    break;
                }
            }
            if (most == NONE) {
                return NONE;
            }
            int moh = t.overheadU(most);
            for (x = elemNext[x]; x >= 0; x = elemNext[x]) {
                int h = elemDest[x];
                int doh = t.overheadU(h);
                if ((long) moh * t.weightU(h) < (long) doh * t.weightU(most) && t.weightU(h) > 0) {
                    most = h;
                    moh = doh;
                }
            }
            return most;
        }

        private void insert(int e, int d, boolean check, long now) {
            if (check) {
                for (int x = setHead[e]; x >= 0; x = elemNext[x]) {
                    if (elemDest[x] == d) {
                        return;
                    }
                }
            }
            int x;
            if (freeElem >= 0) {
                x = freeElem;
                freeElem = elemNext[x];
            } else {
                x = elemTop++;
                if (x == elemDest.length) {
                    elemDest = Arrays.copyOf(elemDest, x * 2);
                    elemNext = Arrays.copyOf(elemNext, x * 2);
                }
            }
            elemDest[x] = d;
            elemNext[x] = setHead[e];
            setHead[e] = x;
            setSize[e]++;
            lastmod[e] = now;
            table.retain(d);
        }

        private void erase(int e, int d, long now) {
            int prev = -1;
            for (int x = setHead[e]; x >= 0; x = elemNext[x]) {
                if (elemDest[x] == d) {
                    setSize[e]--;
                    lastmod[e] = now;
                    if (prev < 0) {
                        setHead[e] = elemNext[x];
                    } else {
                        elemNext[prev] = elemNext[x];
                    }
                    elemNext[x] = freeElem;
                    freeElem = x;
                    table.release(d);
                    return;
                }
                prev = x;
            }
        }

        @Override
        void releaseEntry(int e) {
            int x = setHead[e];
            while (x >= 0) {
                int nx = elemNext[x];
                table.release(elemDest[x]);
                elemNext[x] = freeElem;
                freeElem = x;
                x = nx;
            }
            setHead[e] = -1;
            setSize[e] = 0;
        }
    }
}
