package io.lvs4j.vrrp;

import io.lvs4j.internal.Preconditions;

/**
 * A check whose results arrive one by one (a {@link VrrpScript}; {@link VrrpNode} runs the command on
 * its interval with its timeout). keepalived's counting: the state is OK after
 * {@code rise} consecutive successes and failed after {@code fall} consecutive failures. Before the
 * first result a script counts as OK for priority purposes unless {@code initFail}, and the first
 * result decides (one success suffices, as keepalived sets the counter to rise - 1).
 */
public final class ScriptTracker extends Tracker {
    private final int rise;
    private final int fall;
    private final int weight;
    private final boolean reverse;
    /** keepalived's result counter: 0..rise+fall-1, OK when at least rise. */
    private int result;
    private boolean initial = true;

    private ScriptTracker(String name, int rise, int fall, int weight, boolean reverse, boolean initFail) {
        super(name, !initFail);
        this.rise = Preconditions.checkInRange(rise, 1, 1_000_000, "rise");
        this.fall = Preconditions.checkInRange(fall, 1, 1_000_000, "fall");
        this.weight = Preconditions.checkInRange(weight, -253, 253, "weight");
        this.reverse = reverse;
        this.result = initFail ? 0 : rise - 1;
    }

    /** A tracker from its settings in order, for tests; {@link #of(VrrpScript)} is the API. */
    static ScriptTracker of(String name, int rise, int fall, int weight, boolean reverse, boolean initFail) {
        return new ScriptTracker(name, rise, fall, weight, reverse, initFail);
    }

    /** The tracker of {@code script}: its name, rise, fall, weight, reverse and init_fail. */
    public static ScriptTracker of(VrrpScript script) {
        return new ScriptTracker(script.name(), script.rise(), script.fall(), script.weight(), script.reverse(),
                script.initFail());
    }

    /** Records one run: exit status 0 is {@code success}. */
    public void recordResult(boolean success) {
        int max = rise + fall - 1;
        if (success) {
            if (result < rise - 1) {
                result++;
            } else if (result != max) {
                boolean becomesOk = result < rise;
                result = max;
                initial = false;
                if (becomesOk) {
                    setState(true);
                }
            }
        } else {
            if (result > rise) {
                result--;
            } else {
                boolean becomesFailed = result == rise || initial;
                result = 0;
                initial = false;
                if (becomesFailed) {
                    setState(false);
                }
            }
        }
    }

    public int rise() {
        return rise;
    }

    public int fall() {
        return fall;
    }

    public int weight() {
        return weight;
    }

    @Override
    int defaultWeight() {
        return weight;
    }

    @Override
    boolean defaultReverse() {
        return reverse;
    }
}
