package io.lvs4j.sched;

/**
 * lc, wlc, sed, nq, fo and ovf: the kernel scans the whole list per new connection; this keeps the
 * scan's answer, ties included, in a {@link SelectionTree} so a pick is O(1) and a count change
 * O(log n).
 */
final class Indexed extends ServiceScheduler {
    private final SelectionTree tree;

    Indexed(Builder b) {
        super(b);
        SelectionTree.Kind kind = switch (b.algorithm) {
            case LC -> SelectionTree.Kind.LC;
            case WLC -> SelectionTree.Kind.WLC;
            case SED -> SelectionTree.Kind.SED;
            case NQ -> SelectionTree.Kind.NQ;
            case OVF -> SelectionTree.Kind.OVF;
            case FO -> SelectionTree.Kind.FO;
            default -> throw new AssertionError(b.algorithm);
        };
        tree = new SelectionTree(b.table, kind);
    }

    @Override
    int pick(int srcFold, int srcPort, int dstFold, int d0, int d1, int d2, int d3) {
        return tree.winner();
    }

    @Override
    void added(int handle) {
        tree.rebuild();
    }

    @Override
    void removed(int handle, int oldIndex) {
        tree.rebuild();
    }

    @Override
    void edited(int handle) {
        tree.update(handle);
    }

    @Override
    void countsChanged(int handle) {
        tree.update(handle);
    }
}
