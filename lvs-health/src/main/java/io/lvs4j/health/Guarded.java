package io.lvs4j.health;

import io.lvs4j.internal.FatalErrors;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;

/**
 * Netty listeners of the checks, so that an error of the JVM ({@link OutOfMemoryError}) thrown in
 * one reaches the thread's uncaught exception handler ({@link FatalErrors}) instead of Netty's
 * {@code DefaultPromise}, which logs what a listener throws and goes on. Tasks handed to the event
 * loop use {@link FatalErrors#guard(Runnable)} (Netty's {@code safeExecute} logs and goes on too).
 */
final class Guarded {
    private Guarded() {
    }

    static <F extends Future<?>> GenericFutureListener<F> listener(GenericFutureListener<F> listener) {
        return f -> {
            try {
                listener.operationComplete(f);
            } catch (Throwable t) {
                if (!FatalErrors.report(t)) {
                    throw t;
                }
            }
        };
    }
}
