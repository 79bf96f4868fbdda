package io.lvs4j;

import io.lvs4j.internal.Preconditions;

/**
 * An {@link OsException} where no operating system is involved: what an in-memory table or
 * network refuses as the kernel would (a scheduler it lacks, a full table), thrown unchecked by
 * APIs that never touch the host, such as {@code io.lvs4j.director.InMemoryDirector}. The cause is
 * the refusal as the kernel path would have thrown it (a {@code ReconcileException} naming what was
 * applied and what failed), so tests can assert on it the same way.
 */
public final class UncheckedOsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Wraps {@code cause}; the message is its message. */
    public UncheckedOsException(OsException cause) {
        super(Preconditions.checkNotNull(cause, "cause").getMessage(), cause);
    }

    /** The refusal, as the kernel path would have thrown it. */
    @Override
    public synchronized OsException getCause() {
        return (OsException) super.getCause();
    }
}
