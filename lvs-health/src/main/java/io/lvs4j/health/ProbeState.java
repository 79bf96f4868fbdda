package io.lvs4j.health;

/**
 * The state machine of one shared probe, pure and single-threaded: results in, transitions and the
 * delay until the next check out. The legal transitions are all here: UP to DOWN after
 * {@code fall} consecutive failures, DOWN to UP after {@code rise} consecutive successes.
 */
final class ProbeState {
    enum State { UP, DOWN }

    private final CheckPolicy policy;
    private State state;
    private int failures;
    private int successes;
    private int weight = -1;
    private CheckResult last;

    ProbeState(CheckPolicy policy) {
        this.policy = policy;
        this.state = policy.alpha() ? State.DOWN : State.UP;
    }

    State state() {
        return state;
    }

    /** The weight the last passing result set (misc_dynamic, FILE_CHECK), or -1. */
    int weight() {
        return weight;
    }

    CheckResult last() {
        return last;
    }

    /** Records a result; returns the new state if it changed, else null. */
    State record(CheckResult r) {
        last = r;
        if (r.isUp()) {
            failures = 0;
            if (r.weight().isPresent()) {
                weight = r.weight().getAsInt();
            }
            if (state == State.DOWN && ++successes >= policy.rise()) {
                successes = 0;
                state = State.UP;
                return state;
            }
            return null;
        }
        successes = 0;
        if (state == State.UP && ++failures >= policy.fall()) {
            failures = 0;
            state = State.DOWN;
            return state;
        }
        return null;
    }

    /** Whether the probe is between states (counting failures while up, or successes while down). */
    boolean transitioning() {
        return state == State.UP ? failures > 0 : successes > 0;
    }

    /** The nanoseconds until the next check; {@code random} in [0, 1) draws the jitter. */
    long nextDelayNanos(double random) {
        long base = (transitioning() ? policy.fastInterval() : policy.interval()).toNanos();
        if (policy.jitter() == 0) {
            return base;
        }
        double factor = 1 + policy.jitter() * (2 * random - 1);
        return Math.max(1, (long) (base * factor));
    }

    /** The delay of the first check: a random point within the warmup. */
    long firstDelayNanos(double random) {
        return (long) (policy.warmup().toNanos() * random);
    }
}
