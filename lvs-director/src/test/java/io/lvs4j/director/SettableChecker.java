package io.lvs4j.director;

import io.lvs4j.health.CheckContext;
import io.lvs4j.health.CheckResult;
import io.lvs4j.health.Checker;
import io.lvs4j.health.FailureReason;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A checker whose answer the test sets: for director tests on a virtual clock (a real checker's
 * answer would arrive on another thread in real time). Real checkers against real servers run in
 * the ITs.
 */
final class SettableChecker implements Checker {
    private final String name;
    private volatile boolean up = true;
    volatile int checks;

    SettableChecker(String name) {
        this.name = name;
    }

    void up(boolean up) {
        this.up = up;
    }

    @Override
    public CompletionStage<CheckResult> check(CheckContext context) {
        checks++;
        return CompletableFuture.completedFuture(up ? CheckResult.up(1000)
                : CheckResult.down(FailureReason.REFUSED, "set down by the test", 1000));
    }

    @Override
    public String describe() {
        return "SETTABLE " + name;
    }
}
