package io.lvs4j.sched;

/**
 * rr ({@code ip_vs_rr.c}): a cursor on the list; each pick takes the next available destination
 * after it, wrapping once. The cursor survives additions (the kernel has no add hook for rr); when
 * its destination is removed it moves back to the predecessor, so the removed one's successor is
 * next.
 */
final class RoundRobin extends ServiceScheduler {
    /** The destination the cursor is on, or NONE for the list head. */
    private int cursor = NONE;

    RoundRobin(Builder b) {
        super(b);
    }

    @Override
    int pick(int srcFold, int srcPort, int dstFold, int d0, int d1, int d2, int d3) {
        DestinationTable t = table;
        int n = t.sizeU();
        int start = cursor == NONE ? -1 : t.pos(cursor);
        for (int i = start + 1; i < n; i++) {
            int h = t.at(i);
            if (available(h)) {
                cursor = h;
                return h;
            }
        }
        // second pass from the head, up to and including the start (only if not at the head)
        for (int i = 0; i <= start; i++) {
            int h = t.at(i);
            if (available(h)) {
                cursor = h;
                return h;
            }
        }
        return NONE;
    }

    @Override
    void removed(int handle, int oldIndex) {
        if (cursor == handle) {
            cursor = oldIndex == 0 ? NONE : table.at(oldIndex - 1);
        }
    }
}
