package io.lvs4j.sched;

/**
 * wrr ({@code ip_vs_wrr.c}): the current weight {@code cw} steps down from the maximum weight by the
 * gcd of the positive weights; each pick takes the next destination after the cursor, not
 * overloaded, whose weight is at least {@code cw}. Any change to the list or an edit restarts the
 * cursor at the head and fits {@code cw} to the new gcd and maximum.
 */
final class WeightedRoundRobin extends ServiceScheduler {
    /** Cursor: a destination, or NONE for the head. */
    private int cl = NONE;
    private int cw;
    private int mw;
    private int di;

    WeightedRoundRobin(Builder b) {
        super(b);
        di = gcdWeight();
        mw = maxWeight() - (di - 1);
        cw = mw;
    }

    private int gcdWeight() {
        DestinationTable t = table;
        int g = 0;
        for (int i = 0, n = t.sizeU(); i < n; i++) {
            int w = t.weightU(t.at(i));
            if (w > 0) {
                g = g > 0 ? gcd(w, g) : w;
            }
        }
        return g != 0 ? g : 1;
    }

    private int maxWeight() {
        DestinationTable t = table;
        int m = 0;
        for (int i = 0, n = t.sizeU(); i < n; i++) {
            m = Math.max(m, t.weightU(t.at(i)));
        }
        return m;
    }

    static int gcd(int a, int b) {
        while (b != 0) {
            int r = a % b;
            a = b;
            b = r;
        }
        return a;
    }

    private void changed() {
        cl = NONE;
        di = gcdWeight();
        mw = maxWeight() - (di - 1);
        if (cw > mw || cw == 0) {
            cw = mw;
        } else if (di > 1) {
            cw = (cw / di) * di + 1;
        }
    }

    @Override
    void added(int handle) {
        changed();
    }

    @Override
    void removed(int handle, int oldIndex) {
        changed();
    }

    @Override
    void edited(int handle) {
        changed();
    }

    @Override
    int pick(int srcFold, int srcPort, int dstFold, int d0, int d1, int d2, int d3) {
        if (mw == 0) {
            return NONE;
        }
        DestinationTable t = table;
        int n = t.sizeU();
        int last = cl == NONE ? -1 : t.pos(cl);
        int stop = -2;
        boolean lastPass = false;
        boolean restarted = false;
        int i = last;
        while (true) {
            for (i = i + 1; i < n; i++) {
                int h = t.at(i);
                if (!t.overloadedU(h) && t.weightU(h) >= cw) {
                    cl = h;
                    return h;
                }
                if (i == stop) {
                    cl = h;
                    return NONE;
                }
            }
            i = -1; // back at the head
            cw -= di;
            if (cw <= 0) {
                cw = mw;
                if (lastPass || last == -1) {
                    cl = NONE;
                    return NONE;
                }
                restarted = true;
            }
            lastPass = cw <= di;
            if (lastPass && restarted && last != -1) {
                stop = last;
            }
        }
    }
}
