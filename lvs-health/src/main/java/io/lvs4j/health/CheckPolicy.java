package io.lvs4j.health;

import io.lvs4j.internal.Preconditions;
import java.time.Duration;
import java.util.Objects;

/**
 * When a checker runs and how its results change the state, keepalived's way with HAProxy's
 * additions:
 * <ul>
 *   <li>{@code delay_loop} ({@link #interval}, default 60 s) between checks in a steady state;
 *   <li>{@code retry} (default 1) and {@code delay_before_retry} (default 1 s): a server that is up
 *       goes down after {@code retry + 1} consecutive failures, retried every
 *       {@code delay_before_retry} ({@link #fall} overrides {@code retry + 1});
 *   <li>{@link #rise} (default 1): a server that is down goes up after that many consecutive
 *       successes, checked every {@link #fastInterval} meanwhile (HAProxy's {@code fastinter},
 *       by default {@code delay_before_retry});
 *   <li>{@code warmup}: the first check starts at a random time within it;
 *   <li>{@link #jitter}: each interval varies randomly by up to that fraction;
 *   <li>{@code alpha}: start down rather than up;
 *   <li>{@link #slowStart}: after coming up, the weight ramps from 1 to its full value over that time.
 * </ul>
 */
public final class CheckPolicy {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);
    public static final Duration DEFAULT_DELAY_BEFORE_RETRY = Duration.ofSeconds(1);
    public static final int DEFAULT_RETRY = 1;
    /** The policy with every default. */
    public static final CheckPolicy DEFAULT = builder().build();

    private final Duration interval;
    private final Duration fastInterval;
    private final int fall;
    private final int rise;
    private final Duration warmup;
    private final double jitter;
    private final boolean alpha;
    private final Duration slowStart;
    private final Duration watchdog;

    private CheckPolicy(Builder b) {
        this.interval = b.interval;
        this.fastInterval = b.fastInterval;
        this.fall = b.fall > 0 ? b.fall : b.retry + 1;
        this.rise = b.rise;
        this.warmup = b.warmup;
        this.jitter = b.jitter;
        this.alpha = b.alpha;
        this.slowStart = b.slowStart;
        this.watchdog = b.watchdog;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Duration interval() {
        return interval;
    }

    public Duration fastInterval() {
        return fastInterval;
    }

    public int fall() {
        return fall;
    }

    public int rise() {
        return rise;
    }

    public Duration warmup() {
        return warmup;
    }

    public double jitter() {
        return jitter;
    }

    public boolean alpha() {
        return alpha;
    }

    public Duration slowStart() {
        return slowStart;
    }

    /**
     * A check still running after this long is failed with {@link FailureReason#CHECKER_ERROR}. On
     * a {@link io.lvs4j.time.VirtualClock} it is also how long, in real time, the clock waits for a
     * real check before it goes on and reports it late ({@link HealthEvent.Type#CHECK_LATE}).
     */
    public Duration watchdog() {
        return watchdog;
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.interval = interval;
        b.fastInterval = fastInterval;
        b.fall = fall;
        b.rise = rise;
        b.warmup = warmup;
        b.jitter = jitter;
        b.alpha = alpha;
        b.slowStart = slowStart;
        b.watchdog = watchdog;
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CheckPolicy p && interval.equals(p.interval) && fastInterval.equals(p.fastInterval)
                && fall == p.fall && rise == p.rise && warmup.equals(p.warmup) && jitter == p.jitter
                && alpha == p.alpha && slowStart.equals(p.slowStart) && watchdog.equals(p.watchdog);
    }

    @Override
    public int hashCode() {
        return Objects.hash(interval, fastInterval, fall, rise, warmup, jitter, alpha, slowStart, watchdog);
    }

    @Override
    public String toString() {
        return "CheckPolicy[interval=" + interval + ", fastInterval=" + fastInterval + ", fall=" + fall + ", rise=" + rise
                + ", warmup=" + warmup + ", jitter=" + jitter + ", alpha=" + alpha + ", slowStart=" + slowStart + "]";
    }

    /** Builds a {@link CheckPolicy}; each setting is checked at once. */
    public static final class Builder {
        private Duration interval = DEFAULT_INTERVAL;
        private Duration fastInterval = DEFAULT_DELAY_BEFORE_RETRY;
        private int retry = DEFAULT_RETRY;
        private int fall;
        private int rise = 1;
        private Duration warmup = Duration.ZERO;
        private double jitter;
        private boolean alpha;
        private Duration slowStart = Duration.ZERO;
        private Duration watchdog = Duration.ofMinutes(5);
        private boolean fallSet;
        private boolean retrySet;

        private Builder() {}

        /** {@code delay_loop}: 1 ms..1 day. */
        public Builder interval(Duration d) {
            this.interval = check(d, Duration.ofMillis(1), "delay_loop");
            return this;
        }

        /** {@code delay_before_retry}, also the interval while rising: 1 ms..1 day. */
        public Builder delayBeforeRetry(Duration d) {
            this.fastInterval = check(d, Duration.ofMillis(1), "delay_before_retry");
            return this;
        }

        /** HAProxy's name for {@link #delayBeforeRetry}. */
        public Builder fastInterval(Duration d) {
            return delayBeforeRetry(d);
        }

        /** {@code retry} / {@code nb_get_retry}: 0..1000; down after retry + 1 failures. */
        public Builder retry(int retry) {
            Preconditions.checkState(!fallSet, "retry", retry, "either retry or fall, not both");
            this.retry = Preconditions.checkInRange(retry, 0, 1000, "retry");
            this.retrySet = true;
            return this;
        }

        /** HAProxy's {@code fall}: consecutive failures to go down, 1..1001. */
        public Builder fall(int fall) {
            Preconditions.checkState(!retrySet, "fall", fall, "either retry or fall, not both");
            this.fall = Preconditions.checkInRange(fall, 1, 1001, "fall");
            this.fallSet = true;
            return this;
        }

        /** HAProxy's {@code rise}: consecutive successes to go up, 1..1000. */
        public Builder rise(int rise) {
            this.rise = Preconditions.checkInRange(rise, 1, 1000, "rise");
            return this;
        }

        /** {@code warmup}: 0..1 day. */
        public Builder warmup(Duration d) {
            this.warmup = check(d, Duration.ZERO, "warmup");
            return this;
        }

        /** Random variation of each interval, as a fraction 0..0.5. */
        public Builder jitter(double fraction) {
            Preconditions.checkArgument(fraction >= 0 && fraction <= 0.5, "jitter", fraction, "0..0.5");
            this.jitter = fraction;
            return this;
        }

        /** keepalived's {@code alpha}: start down. */
        public Builder alpha() {
            this.alpha = true;
            return this;
        }

        /** Ramp the weight up over this time after coming up: 0 (off)..1 day. */
        public Builder slowStart(Duration d) {
            this.slowStart = check(d, Duration.ZERO, "slow_start");
            return this;
        }

        /** See {@link CheckPolicy#watchdog()}: 1 ms..1 day, default 5 min. */
        public Builder watchdog(Duration d) {
            this.watchdog = check(d, Duration.ofMillis(1), "watchdog");
            return this;
        }

        private static Duration check(Duration d, Duration min, String name) {
            Preconditions.checkNotNull(d, name);
            Preconditions.checkArgument(d.compareTo(min) >= 0 && d.compareTo(Duration.ofDays(1)) <= 0, name, d,
                    (min.isZero() ? "0" : min.toMillis() + " ms") + "..1 day");
            return d;
        }

        public CheckPolicy build() {
            return new CheckPolicy(this);
        }
    }
}
