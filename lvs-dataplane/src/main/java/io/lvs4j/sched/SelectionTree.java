package io.lvs4j.sched;

/**
 * A tournament tree over list indexes that keeps, at its root, the destination a kernel loop of the
 * form "scan the list, replace the best only on a strict improvement" would return.
 *
 * <p>Every scheduler it serves compares by a fraction {@code oh / w} (lower is better): a strictly
 * better right child beats the left one, otherwise the left (earlier in the list) wins, exactly as
 * the kernel's strict comparison keeps the first of equals. Leaves that are not candidates hold no
 * destination and the key 1/0, which every candidate beats. A change to one destination re-plays only its path to the root, stopping as soon as
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
    private static final int K_LC = Kind.LC.ordinal();
    private static final int K_WLC = Kind.WLC.ordinal();
    private static final int K_SED = Kind.SED.ordinal();
    private static final int K_NQ = Kind.NQ.ordinal();
    private static final int K_OVF = Kind.OVF.ordinal();

    private final DestinationTable t;
    /** The kind's ordinal, tested in the hot path without an enum switch's indirection. */
    private final int k;
    private int cap;
    /** Node i at [STRIDE*i]: winner handle (or -1), its key numerator, its key denominator. */
    private int[] node;

    SelectionTree(DestinationTable t, Kind kind) {
        this.t = t;
        this.k = kind.ordinal();
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
                clearLeaf(STRIDE * leaf);
            }
        }
        for (int i = cap - 1; i >= 1; i--) {
            play(i);
        }
    }

    /**
     * Re-plays the path of one listed destination whose key or candidacy changed: O(log n). The
     * climbing winner stays in registers; each level only reads the sibling, which this update does
     * not write, so the loads do not wait on the previous level.
     */
    void update(int h) {
        int i = cap + t.pos(h);
        int[] nd = node;
        int o = STRIDE * i;
        int oldH = nd[o];
        int oldOh = nd[o + 1];
        int oldDen = nd[o + 2];
        setLeaf(i, h);
        int ch = nd[o];
        int coh = nd[o + 1];
        int cden = nd[o + 2];
        if (ch == oldH && coh == oldOh && cden == oldDen) {
            return; // nothing the matches look at has changed
        }
        while (i > 1) {
            int s = STRIDE * (i ^ 1);
            int sh = nd[s];
            int soh = nd[s + 1];
            int sden = nd[s + 2];
            long cs = (long) coh * sden;
            long sc = (long) soh * cden;
            // the right child wins only if strictly better
            boolean siblingWins = (i & 1) == 0 ? sc < cs : !(cs < sc);
            if (siblingWins) {
                ch = sh;
                coh = soh;
                cden = sden;
            }
            i >>>= 1;
            int p = STRIDE * i;
            int old = nd[p];
            nd[p] = ch;
            nd[p + 1] = coh;
            nd[p + 2] = cden;
            if (ch == old && ch != h) {
                return; // same winner as before, and not the one whose key moved: above is unchanged
            }
        }
    }

    private void setLeaf(int leaf, int h) {
        int[] nd = node;
        int o = STRIDE * leaf;
        int w = t.weightU(h);
        if (t.overloadedU(h) || w <= 0) {
            clearLeaf(o);
            return;
        }
        int a = t.activeU(h);
        int oh;
        int den;
        if (k == K_WLC) {
            oh = t.overheadU(h);
            den = w;
        } else if (k == K_SED) {
            oh = a + 1;
            den = w;
        } else if (k == K_NQ) {
            oh = a == 0 ? 0 : a + 1;
            den = w;
        } else if (k == K_LC) {
            oh = t.overheadU(h);
            den = 1;
        } else if (k == K_OVF) {
            if (a > w) {
                clearLeaf(o);
                return;
            }
            oh = -w;
            den = 1;
        } else { // FO
            oh = -w;
            den = 1;
        }
        nd[o] = h;
        nd[o + 1] = oh;
        nd[o + 2] = den;
    }

    /** A leaf with no destination: key 1/0, worse than any candidate's (whose denominator is > 0). */
    private void clearLeaf(int o) {
        node[o] = -1;
        node[o + 1] = 1;
        node[o + 2] = 0;
    }

    /**
     * One match: the right child wins only if strictly better, {@code r.oh / r.den < l.oh / l.den},
     * cross-multiplied. Written without data-dependent branches (the outcome is unpredictable).
     */
    private void play(int i) {
        int[] nd = node;
        int l = STRIDE * 2 * i;
        int r = l + STRIDE;
        long a = (long) nd[r + 1] * nd[l + 2];
        long b = (long) nd[l + 1] * nd[r + 2];
        int src = l + (int) ((a - b) >>> 63) * STRIDE;
        int o = STRIDE * i;
        nd[o] = nd[src];
        nd[o + 1] = nd[src + 1];
        nd[o + 2] = nd[src + 2];
    }
}
