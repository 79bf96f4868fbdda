package io.lvs4j.vrrp;

import io.lvs4j.internal.Preconditions;
import java.time.Duration;
import java.util.Objects;

/**
 * When a master announces its addresses by gratuitous ARP (IPv4) and unsolicited neighbour
 * advertisements (IPv6), keepalived's {@code garp_*} settings of a VRRP instance:
 * <ul>
 *   <li>on becoming master: {@link #masterRepeat} now, and {@link #masterRepeat} more after
 *       {@link #masterDelay} (0: none);</li>
 *   <li>while master, every {@link #masterRefresh} (0: never): {@link #masterRefreshRepeat};</li>
 *   <li>on hearing a lower-priority master (a split brain healing): {@link #lowerPrioRepeat} now
 *       and again after {@link #lowerPrioDelay}; both default to the master ones.</li>
 * </ul>
 * Defaults are keepalived's: 5 now and 5 after 5 s, no refresh.
 *
 * <pre>{@code
 * GarpSettings.builder().masterDelay(Duration.ZERO).masterRefresh(Duration.ofSeconds(60)).build()
 * }</pre>
 */
public final class GarpSettings {
    /** keepalived's defaults. */
    public static final GarpSettings DEFAULTS = builder().build();

    private static final Duration MAX_DELAY = Duration.ofSeconds(255);
    private static final Duration MAX_REFRESH = Duration.ofSeconds(4294);

    private final Duration masterDelay;
    private final int masterRepeat;
    private final Duration masterRefresh;
    private final int masterRefreshRepeat;
    private final Duration lowerPrioDelay; // null: the master's
    private final Integer lowerPrioRepeat; // null: the master's

    private GarpSettings(Builder b) {
        this.masterDelay = b.masterDelay;
        this.masterRepeat = b.masterRepeat;
        this.masterRefresh = b.masterRefresh;
        this.masterRefreshRepeat = b.masterRefreshRepeat;
        this.lowerPrioDelay = b.lowerPrioDelay;
        this.lowerPrioRepeat = b.lowerPrioRepeat;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder().masterDelay(masterDelay).masterRepeat(masterRepeat).masterRefresh(masterRefresh)
                .masterRefreshRepeat(masterRefreshRepeat);
        b.lowerPrioDelay = lowerPrioDelay;
        b.lowerPrioRepeat = lowerPrioRepeat;
        return b;
    }

    /** {@code garp_master_delay}: when the second round follows the first (0: no second round); 5 s. */
    public Duration masterDelay() {
        return masterDelay;
    }

    /** {@code garp_master_repeat}: announcements per round; 5. */
    public int masterRepeat() {
        return masterRepeat;
    }

    /** {@code garp_master_refresh}: how often a master announces again (0: never); 0. */
    public Duration masterRefresh() {
        return masterRefresh;
    }

    /** {@code garp_master_refresh_repeat}: announcements per refresh; 1. */
    public int masterRefreshRepeat() {
        return masterRefreshRepeat;
    }

    /** {@code garp_lower_prio_delay}: the master delay unless set. */
    public Duration lowerPrioDelay() {
        return lowerPrioDelay != null ? lowerPrioDelay : masterDelay;
    }

    /** {@code garp_lower_prio_repeat}: the master repeat unless set. */
    public int lowerPrioRepeat() {
        return lowerPrioRepeat != null ? lowerPrioRepeat : masterRepeat;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GarpSettings g && masterDelay.equals(g.masterDelay) && masterRepeat == g.masterRepeat
                && masterRefresh.equals(g.masterRefresh) && masterRefreshRepeat == g.masterRefreshRepeat
                && Objects.equals(lowerPrioDelay, g.lowerPrioDelay) && Objects.equals(lowerPrioRepeat, g.lowerPrioRepeat);
    }

    @Override
    public int hashCode() {
        return Objects.hash(masterDelay, masterRepeat, masterRefresh, masterRefreshRepeat, lowerPrioDelay,
                lowerPrioRepeat);
    }

    @Override
    public String toString() {
        return "GarpSettings[masterDelay=" + masterDelay + ", masterRepeat=" + masterRepeat + ", masterRefresh="
                + masterRefresh + ", masterRefreshRepeat=" + masterRefreshRepeat + ", lowerPrioDelay="
                + lowerPrioDelay() + ", lowerPrioRepeat=" + lowerPrioRepeat() + "]";
    }

    /** Builder: each setter checks its argument at once. */
    public static final class Builder {
        private Duration masterDelay = Duration.ofSeconds(5);
        private int masterRepeat = 5;
        private Duration masterRefresh = Duration.ZERO;
        private int masterRefreshRepeat = 1;
        private Duration lowerPrioDelay;
        private Integer lowerPrioRepeat;

        private Builder() {}

        /** 0..255 s. */
        public Builder masterDelay(Duration delay) {
            this.masterDelay = check(delay, MAX_DELAY, "garp_master_delay");
            return this;
        }

        /** 1..255. */
        public Builder masterRepeat(int repeat) {
            this.masterRepeat = Preconditions.checkInRange(repeat, 1, 255, "garp_master_repeat");
            return this;
        }

        /** 0 (never) .. 4294 s. */
        public Builder masterRefresh(Duration refresh) {
            this.masterRefresh = check(refresh, MAX_REFRESH, "garp_master_refresh");
            return this;
        }

        /** 1..255. */
        public Builder masterRefreshRepeat(int repeat) {
            this.masterRefreshRepeat = Preconditions.checkInRange(repeat, 1, 255, "garp_master_refresh_repeat");
            return this;
        }

        /** 0..255 s. */
        public Builder lowerPrioDelay(Duration delay) {
            this.lowerPrioDelay = check(delay, MAX_DELAY, "garp_lower_prio_delay");
            return this;
        }

        /** 1..255. */
        public Builder lowerPrioRepeat(int repeat) {
            this.lowerPrioRepeat = Preconditions.checkInRange(repeat, 1, 255, "garp_lower_prio_repeat");
            return this;
        }

        public GarpSettings build() {
            return new GarpSettings(this);
        }

        private static Duration check(Duration d, Duration max, String name) {
            Preconditions.checkNotNull(d, name);
            Preconditions.checkArgument(!d.isNegative() && d.compareTo(max) <= 0, name, d,
                    "0s.." + max.toSeconds() + "s");
            return d;
        }
    }
}
