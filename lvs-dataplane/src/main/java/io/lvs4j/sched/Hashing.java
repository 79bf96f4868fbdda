package io.lvs4j.sched;

import java.util.Arrays;

/** dh and sh: 256-bucket tables rebuilt from the list on every change. */
final class Hashing {
    private Hashing() {}

    static final int BITS = 8;
    static final int SIZE = 1 << BITS;
    static final int MASK = SIZE - 1;

    /** The kernel's {@code hash_32}: multiply by {@code GOLDEN_RATIO_32}, keep the top bits. */
    static int hash32(int value, int bits) {
        return (value * 0x61C88647) >>> (32 - bits);
    }

    /** dh and sh: a bucket table rebuilt whenever a destination is added, removed or edited. */
    abstract static class BucketScheduler extends ServiceScheduler {
        BucketScheduler(Builder b) {
            super(b);
        }

        abstract void reassign();

        @Override
        final void added(int handle) {
            reassign();
        }

        @Override
        final void removed(int handle, int oldIndex) {
            reassign();
        }

        @Override
        final void edited(int handle) {
            reassign();
        }
    }

    /**
     * dh ({@code ip_vs_dh.c}): the buckets take the destinations in list order, one each, round and
     * round (weights do not matter, except that weight 0 or overload makes a hit fail). The flow's
     * destination address picks the bucket.
     */
    static final class Dh extends BucketScheduler {
        private final int[] bucket = new int[SIZE];

        Dh(Builder b) {
            super(b);
            reassign();
        }

        @Override
        void reassign() {
            DestinationTable t = table;
            int n = t.sizeU();
            if (n == 0) {
                Arrays.fill(bucket, NONE);
                return;
            }
            int p = 0;
            for (int i = 0; i < SIZE; i++) {
                bucket[i] = t.at(p);
                if (++p == n) {
                    p = 0;
                }
            }
        }

        @Override
        int pick(int srcFold, int srcPort, int dstFold, int d0, int d1, int d2, int d3) {
            int h = bucket[hash32(dstFold, BITS)];
            if (h == NONE || !available(h)) {
                return NONE;
            }
            return h;
        }
    }

    /**
     * sh ({@code ip_vs_sh.c}): the buckets take the destinations in list order, each for as many
     * consecutive buckets as its weight (at least one), round and round. The flow's source address
     * (plus source port with sh-port) picks the bucket; with sh-fallback an unavailable hit walks
     * the table for an available one.
     */
    static final class Sh extends BucketScheduler {
        private final int[] bucket = new int[SIZE];
        private final boolean fallback;
        private final boolean usePort;

        Sh(Builder b) {
            super(b);
            fallback = b.flag(io.lvs4j.SchedulerFlag.SH_FALLBACK.bit());
            usePort = b.flag(io.lvs4j.SchedulerFlag.SH_PORT.bit());
            reassign();
        }

        @Override
        void reassign() {
            DestinationTable t = table;
            int n = t.sizeU();
            if (n == 0) {
                Arrays.fill(bucket, NONE);
                return;
            }
            int p = 0;
            int count = 0;
            for (int i = 0; i < SIZE; i++) {
                int h = t.at(p);
                bucket[i] = h;
                if (++count >= t.weightU(h)) {
                    if (++p == n) {
                        p = 0;
                    }
                    count = 0;
                }
            }
        }

        @Override
        int pick(int srcFold, int srcPort, int dstFold, int d0, int d1, int d2, int d3) {
            int port = usePort ? srcPort : 0;
            int ihash = hash32(port + srcFold, BITS) & MASK;
            int h = bucket[ihash];
            if (h == NONE) {
                return NONE;
            }
            if (available(h)) {
                return h;
            }
            if (!fallback) {
                return NONE;
            }
            for (int offset = 0; offset < SIZE; offset++) {
                int roffset = (offset + ihash) % SIZE;
                h = bucket[(roffset + ihash) & MASK];
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
}
