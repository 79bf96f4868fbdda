package io.lvs4j.health;

import java.util.concurrent.CompletionStage;

/**
 * One health check of one target, asynchronous: {@link #check} starts it and returns at once.
 * The stage completes with a {@link CheckResult} (never exceptionally for a failed check: a
 * refused connection is a result). If it throws or completes exceptionally anyway, the monitor
 * records a failed check with {@link FailureReason#CHECKER_ERROR}.
 *
 * <p>Implementations are immutable and thread-safe; {@link Object#equals} and {@link Object#hashCode} compare
 * what the check does, so the monitor runs identical checks of several services once.
 */
public interface Checker {
    /** Starts one check. */
    CompletionStage<CheckResult> check(CheckContext context);

    /** A short description for logs and events, e.g. {@code HTTP_GET 127.0.0.1:8080/health}. */
    String describe();
}
