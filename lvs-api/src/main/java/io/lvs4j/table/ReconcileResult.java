package io.lvs4j.table;

import io.lvs4j.Change;
import io.lvs4j.internal.Preconditions;
import java.util.List;

/**
 * What a {@link Reconciler} did.
 *
 * @param applied the changes the kernel applied, in order (empty when nothing needed changing).
 *     A real server being drained shows as an {@link Change.Kind#EDIT_SERVER EDIT_SERVER} to
 *     weight 0 when its drain starts and as a {@link Change.Kind#REMOVE_SERVER REMOVE_SERVER} when
 *     it ends.
 * @param draining the drains still under way afterwards, oldest first
 */
public record ReconcileResult(List<Change> applied, List<Drain> draining) {
    public ReconcileResult {
        applied = List.copyOf(Preconditions.checkNotNull(applied, "applied changes"));
        draining = List.copyOf(Preconditions.checkNotNull(draining, "drains"));
    }

    /** Whether nothing was changed. */
    public boolean isEmpty() {
        return applied.isEmpty();
    }
}
