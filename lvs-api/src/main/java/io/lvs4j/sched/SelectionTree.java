package io.lvs4j.sched;

/**
 * A tournament tree over list indexes that keeps, at its root, the destination a kernel loop of the
 * form "scan the list, replace the best only on a strict improvement" would return.
 *
 * <p>Every scheduler it serves compares by a fraction {@code oh / w} (lower is better): a strictly
 * better right child beats the left one, otherwise the left (earlier in the list) wins, exactly as
 * the kernel's strict comparison keeps the first of equals. Leaves that are not candidates hold no
 * destination. A change to one destination re-plays only its path to the root, stopping as soon as
 * a match's outcome cannot have changed.
 */
final class SelectionTree {
    /** Which kernel loop: the key and the candidate test. */
    enum Kind {
        /** lc: candidates not overloaded, weight > 0; least {@code active*256 + inactive}. */
        LC,
        /** wlc, and lblc/lblcr's fallback: least {@code (active*256 + inactive) / weight}. */
        WLC,
        /** sed: least {@code (active + 1) / weight}. */
        SED,
        /** nq: the first idle candidate, else as sed. */
        NQ,
        /** ovf: candidates also need {@code active <= weight}; highest weight. */
        OVF,
        /** fo: highest weight. */
        FO
    }

    private static final int STRIDE = 4;

    private final DestinationTable t;
    private final Kind kind;
    private int cap;
    /** Node i at [STRIDE*i]: winner handle (or -1), its key numerator, its key denominator. */
    private int[] node;

    SelectionTree(DestinationTable t, Kind kind) {
        this.t = t;
        this.kind = kind;
        rebuild();
    }

    /** The winner, or {@link DestinationTable#NONE}. */
    int winner() {
        return node[STRIDE];
    }

    /** Recomputes the whole tree after the list changed: O(n). */
    void rebuild() {
        int n = t.sizeU();
        int c = 1;
        while (c < n) {
            c <<= 1;
        }
        if (node == null || c != cap) {
            cap = c;
            node = new int[STRIDE * 2 * c];
        }
        for (int i = 0; i < cap; i++) {
            int leaf = cap + i;
            if (i < n) {
                setLeaf(leaf, t.at(i));
            } else {
                node[STRIDE * leaf] = -1;
            }
        }
        for (int i = cap - 1; i >= 1; i--) {
            play(i);
        }
    }

    /** Re-plays the path of one listed destination whose key or candidacy changed: O(log n). */
    void update(int h) {
        int i = cap + t.pos(h);
        setLeaf(i, h);
        int[] nd = node;
        i >>>= 1;
        while (i >= 1) {
            int old = nd[STRIDE * i];
            play(i);
            int now = nd[STRIDE * i];
            if (now == old && now != h) {
                return;
            }
            i >>>= 1;
        }
    }

    private void setLeaf(int leaf, int h) {
        int[] nd = node;
        int o = STRIDE * leaf;
        int w = t.weightU(h);
        if (t.overloadedU(h) || w <= 0) {
            nd[o] = -1;
            return;
        }
        int a = t.activeU(h);
        int oh;
        int den;
        switch (kind) {
            case LC:
                oh = t.overheadU(h);
                den = 1;
                break;
            case WLC:
                oh = t.overheadU(h);
                den = w;
                break;
            case SED:
                oh = a + 1;
                den = w;
                break;
            case NQ:
                oh = a == 0 ? 0 : a + 1;
                den = w;
                break;
            case OVF:
                if (a > w) {
                    nd[o] = -1;
                    return;
                }
                oh = -w;
                den = 1;
                break;
            default: // FO
                oh = -w;
                den = 1;
                break;
        }
        nd[o] = h;
        nd[o + 1] = oh;
        nd[o + 2] = den;
    }

    private void play(int i) {
        int[] nd = node;
        int l = STRIDE * 2 * i;
        int r = l + STRIDE;
        int o = STRIDE * i;
        int src;
        int rh = nd[r];
        if (rh < 0) {
            src = l;
        } else if (nd[l] < 0) {
            src = r;
        } else if ((long) nd[r + 1] * nd[l + 2] < (long) nd[l + 1] * nd[r + 2]) {
            src = r;
        } else {
            src = l;
        }
        nd[o] = nd[src];
        nd[o + 1] = nd[src + 1];
        nd[o + 2] = nd[src + 2];
    }
}
