package io.lvs4j.sched;

import io.lvs4j.AddressFamily;
import io.lvs4j.internal.Addresses;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.random.RandomGenerator;

/** Shared helpers for the scheduler tests. */
final class Fixtures {
    private Fixtures() {}

    static InetAddress ip(String literal) {
        return Addresses.parse(literal, "test address");
    }

    /** An IPv4 literal as the host-order int the picks take. */
    static int v4(String literal) {
        byte[] b = ip(literal).getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    static DestinationTable v4Table() {
        return DestinationTable.create(AddressFamily.INET);
    }

    /** Adds 10.0.0.1, 10.0.0.2, ... port 80 with these weights, in this order; returns the handles. */
    static int[] addAll(DestinationTable t, int... weights) {
        int[] h = new int[weights.length];
        for (int i = 0; i < weights.length; i++) {
            h[i] = t.add(ip("10.0.0." + (i + 1)), 80, weights[i]);
        }
        return h;
    }

    static void bindActive(DestinationTable t, int h, int n) {
        for (int i = 0; i < n; i++) {
            t.bind(h, true);
        }
    }

    static void bindInactive(DestinationTable t, int h, int n) {
        for (int i = 0; i < n; i++) {
            t.bind(h, false);
        }
    }

    /** A random source that returns queued values from {@code nextInt(bound)}. */
    static final class Scripted implements RandomGenerator {
        private final ArrayDeque<Integer> values = new ArrayDeque<>();

        Scripted(int... v) {
            for (int x : v) {
                values.add(x);
            }
        }

        @Override
        public int nextInt(int bound) {
            int v = values.remove();
            if (v < 0 || v >= bound) {
                throw new AssertionError("scripted " + v + " outside [0, " + bound + ")");
            }
            return v;
        }

        @Override
        public long nextLong() {
            throw new UnsupportedOperationException();
        }
    }

    /** A settable clock for lblc/lblcr. */
    static final class FakeTicker implements io.lvs4j.time.Ticker {
        long now;

        @Override
        public long nanos() {
            return now;
        }

        void seconds(double s) {
            now = (long) (s * 1e9);
        }
    }

    /**
     * The kernel's O(n) loops, written literally from ip_vs_lc.c, ip_vs_wlc.c, ip_vs_sed.c,
     * ip_vs_nq.c, ip_vs_fo.c and ip_vs_ovf.c over the public getters.
     */
    static final class KernelLoops {
        private KernelLoops() {}

        static int overhead(DestinationTable t, int h) {
            return t.activeConnections(h) * 256 + t.inactiveConnections(h);
        }

        static int lc(DestinationTable t) {
            int least = -1;
            long loh = 0;
            for (int h : t.handles()) {
                if (t.overloaded(h) || t.weight(h) == 0) {
                    continue;
                }
                long doh = overhead(t, h) & 0xffffffffL;
                if (least == -1 || doh < loh) {
                    least = h;
                    loh = doh;
                }
            }
            return least;
        }

        /** wlc; sed when {@code sed} (overhead active + 1). */
        static int wlc(DestinationTable t, boolean sed) {
            int[] list = t.handles();
            int i = 0;
            int least = -1;
            long loh = 0;
            for (; i < list.length; i++) {
                int h = list[i];
                if (!t.overloaded(h) && t.weight(h) > 0) {
                    least = h;
                    loh = sed ? t.activeConnections(h) + 1 : overhead(t, h);
                    break;
                }
            }
            if (least == -1) {
                return -1;
            }
            for (i = i + 1; i < list.length; i++) {
                int h = list[i];
                if (t.overloaded(h)) {
                    continue;
                }
                long doh = sed ? t.activeConnections(h) + 1 : overhead(t, h);
                if (loh * t.weight(h) > doh * t.weight(least)) {
                    least = h;
                    loh = doh;
                }
            }
            return least;
        }

        static int nq(DestinationTable t) {
            int least = -1;
            long loh = 0;
            for (int h : t.handles()) {
                if (t.overloaded(h) || t.weight(h) == 0) {
                    continue;
                }
                long doh = t.activeConnections(h) + 1;
                if (t.activeConnections(h) == 0) {
                    return h;
                }
                if (least == -1 || loh * t.weight(h) > doh * t.weight(least)) {
                    least = h;
                    loh = doh;
                }
            }
            return least;
        }

        static int fo(DestinationTable t) {
            int best = -1;
            int hw = 0;
            for (int h : t.handles()) {
                if (!t.overloaded(h) && t.weight(h) > hw) {
                    best = h;
                    hw = t.weight(h);
                }
            }
            return best;
        }

        static int ovf(DestinationTable t) {
            int best = -1;
            int hw = 0;
            for (int h : t.handles()) {
                int w = t.weight(h);
                if (t.overloaded(h) || t.activeConnections(h) > w || w == 0) {
                    continue;
                }
                if (best == -1 || w > hw) {
                    best = h;
                    hw = w;
                }
            }
            return best;
        }
    }
}
