package io.lvs4j.internal;

import java.util.function.BiConsumer;

/**
 * Errors of the JVM itself ({@link VirtualMachineError}: {@link OutOfMemoryError},
 * {@link StackOverflowError}, ...) caught where a thread goes on (a scheduler's task, a Netty
 * handler's {@code exceptionCaught}): they are handed to the thread's
 * {@link Thread.UncaughtExceptionHandler}, as if the thread had died of them, so that the
 * application's policy decides (the {@code lvs4j run} command stops gracefully and exits). Without
 * an application handler, the JVM's default prints the error and the thread goes on.
 */
public final class FatalErrors {
    private FatalErrors() {
    }

    /** Whether {@code t} is, or was caused by, a {@link VirtualMachineError} (causes followed 16 deep). */
    public static boolean isFatal(Throwable t) {
        Throwable c = t;
        for (int i = 0; i < 16 && c != null; i++) {
            if (c instanceof VirtualMachineError) {
                return true;
            }
            if (c.getCause() == c) {
                return false;
            }
            c = c.getCause();
        }
        return false;
    }

    /**
     * Hands {@code t} to the current thread's uncaught exception handler when it is fatal
     * ({@link #isFatal}); whatever that handler throws is dropped.
     *
     * @return whether it was handed over (else the caller reports {@code t} as usual)
     */
    public static boolean report(Throwable t) {
        if (!isFatal(t)) {
            return false;
        }
        Thread thread = Thread.currentThread();
        try {
            thread.getUncaughtExceptionHandler().uncaughtException(thread, t);
        } catch (Throwable ignored) { // the handler may need the memory that ran out
        }
        return true;
    }

    /**
     * {@code task} for code that runs it and swallows what it throws (a Netty event loop, a
     * future's listener, an executor of someone else's): a fatal error ({@link #isFatal}) is
     * {@linkplain #report reported} to the running thread's handler and the task ends; anything
     * else passes through as before.
     */
    public static Runnable guard(Runnable task) {
        Preconditions.checkNotNull(task, "task");
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                if (!report(e)) {
                    throw e;
                }
            }
        };
    }

    /**
     * {@code action} for a {@link java.util.concurrent.CompletionStage}'s callbacks (which turn
     * what they throw into a failed stage nobody reads): as {@link #guard(Runnable)}.
     */
    public static <T, U> BiConsumer<T, U> guard(BiConsumer<T, U> action) {
        Preconditions.checkNotNull(action, "action");
        return (t, u) -> {
            try {
                action.accept(t, u);
            } catch (RuntimeException | Error e) {
                if (!report(e)) {
                    throw e;
                }
            }
        };
    }
}
