package io.lvs4j.sched;

import io.lvs4j.AddressFamily;
import io.lvs4j.Scheduler;
import io.lvs4j.SchedulerFlag;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.time.Ticker;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * One service's scheduler: picks the destination of a {@link DestinationTable} for a new flow,
 * making the choice the kernel's {@code ip_vs_<name>.c} makes for the same list, weights, counts
 * and overload flags.
 *
 * <p>Obtain one with {@link #of(Scheduler, DestinationTable)} or {@link #builder}. It attaches to
 * the table and follows its changes until {@link #close() closed}. {@code pick} allocates nothing.
 * Not thread-safe: the table's thread owns it.
 */
public abstract class ServiceScheduler implements AutoCloseable {
    /** No destination available (the kernel's "no destination available"). */
    public static final int NONE = DestinationTable.NONE;

    final DestinationTable table;
    private final Scheduler algorithm;
    private final Set<SchedulerFlag> flags;
    private final boolean ipv6;
    private boolean closed;

    ServiceScheduler(Builder b) {
        this.table = b.table;
        this.algorithm = b.algorithm;
        this.flags = Collections.unmodifiableSet(b.flags.isEmpty()
                ? EnumSet.noneOf(SchedulerFlag.class) : EnumSet.copyOf(b.flags));
        this.ipv6 = b.table.family() == AddressFamily.INET6;
    }

    /** A scheduler with the kernel's defaults (no flags, mh table size 4093). */
    public static ServiceScheduler of(Scheduler algorithm, DestinationTable table) {
        return builder(algorithm, table).build();
    }

    /** A builder for a scheduler of that algorithm over that table. */
    public static Builder builder(Scheduler algorithm, DestinationTable table) {
        Preconditions.checkNotNull(algorithm, "scheduler");
        Preconditions.checkNotNull(table, "destination table");
        return new Builder(algorithm, table);
    }

    /** The algorithm. */
    public Scheduler algorithm() {
        return algorithm;
    }

    /** The table it schedules over. */
    public DestinationTable table() {
        return table;
    }

    /** The scheduler flags it was built with. */
    public Set<SchedulerFlag> flags() {
        return flags;
    }

    /**
     * Picks the destination for a new IPv4 flow of an IPv4 service.
     *
     * @param srcAddr the client's address, host order ({@code 192.0.2.1} is {@code 0xC0000201})
     * @param srcPort the client's port, 0..65535 (0 for protocols without ports)
     * @param dstAddr the address the client connected to (the service address, or for a firewall
     *     mark service whatever address the packet carried), host order
     * @param dstPort the port the client connected to, 0..65535
     * @return a destination handle, or {@link #NONE}
     */
    public final int pickIpv4(int srcAddr, int srcPort, int dstAddr, int dstPort) {
        checkPick(false, srcPort, dstPort);
        return pick(srcAddr, srcPort, dstAddr, dstAddr, 0, 0, 0);
    }

    /**
     * Picks the destination for a new IPv6 flow of an IPv6 service. Addresses are given as their
     * upper and lower 64 bits, big-endian ({@code 2001:db8::1} is {@code 0x20010db800000000L,
     * 1L}).
     *
     * @return a destination handle, or {@link #NONE}
     */
    public final int pickIpv6(long srcHigh, long srcLow, int srcPort, long dstHigh, long dstLow, int dstPort) {
        checkPick(true, srcPort, dstPort);
        int s = (int) (srcHigh >>> 32) ^ (int) srcHigh ^ (int) (srcLow >>> 32) ^ (int) srcLow;
        int d0 = (int) (dstHigh >>> 32);
        int d1 = (int) dstHigh;
        int d2 = (int) (dstLow >>> 32);
        int d3 = (int) dstLow;
        return pick(s, srcPort, d0 ^ d1 ^ d2 ^ d3, d0, d1, d2, d3);
    }

    private void checkPick(boolean six, int srcPort, int dstPort) {
        if (closed) {
            throw new IllegalStateException(Preconditions.message("scheduler", algorithm.kernelName(), "not closed"));
        }
        if (six != ipv6) {
            throw new IllegalStateException(Preconditions.message("pick family", six ? "IPv6" : "IPv4",
                    "the service's family, " + (ipv6 ? "IPv6" : "IPv4")));
        }
        DestinationTable.checkPort(srcPort, "source port");
        DestinationTable.checkPort(dstPort, "destination port");
    }

    /**
     * The unchecked path. {@code srcFold} and {@code dstFold} are the source and destination
     * addresses folded as the kernel folds them (IPv4 as is, IPv6 as the XOR of its four 32-bit
     * words, host order); {@code d0..d3} is the destination address (IPv4 in {@code d0}).
     */
    abstract int pick(int srcFold, int srcPort, int dstFold, int d0, int d1, int d2, int d3);

    /** Detaches from the table; further picks throw. Releases any cache the scheduler held. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            table.detach(this);
            closed();
        }
    }

    // ---- hooks the table calls (the kernel's add_dest, del_dest, upd_dest; counts) ----

    /** A destination was added at the head of the list. */
    void added(int handle) {}

    /** A destination was removed from list index {@code oldIndex}. */
    void removed(int handle, int oldIndex) {}

    /** A destination was edited (weight and thresholds). */
    void edited(int handle) {}

    /** A listed destination's counts or overload flag changed. */
    void countsChanged(int handle) {}

    /** Called once by {@link #close()}. */
    void closed() {}

    final boolean available(int h) {
        return !table.overloadedU(h) && table.weightU(h) > 0;
    }

    @Override
    public String toString() {
        return "ServiceScheduler{" + algorithm + (flags.isEmpty() ? "" : " " + flags) + '}';
    }

    /**
     * Options of a {@link ServiceScheduler}. Each option applies to some algorithms only; giving it
     * to another is rejected by {@link #build()}.
     */
    public static final class Builder {
        final Scheduler algorithm;
        final DestinationTable table;
        final EnumSet<SchedulerFlag> flags = EnumSet.noneOf(SchedulerFlag.class);
        int mhTableSize = Maglev.DEFAULT_SIZE;
        boolean mhTableSizeSet;
        Ticker ticker;
        RandomGenerator random;
        long expirationNanos = Locality.DEFAULT_EXPIRATION_NANOS;
        boolean expirationSet;

        private Builder(Scheduler algorithm, DestinationTable table) {
            this.algorithm = algorithm;
            this.table = table;
        }

        /** Adds scheduler flags ({@code ipvsadm -b}); sh-* only for sh, mh-* only for mh. */
        public Builder flags(SchedulerFlag... flags) {
            Preconditions.checkNotNull(flags, "flags");
            for (SchedulerFlag f : flags) {
                Preconditions.checkNotNull(f, "flag");
                if (f.onlyFor() != null && f.onlyFor() != algorithm) {
                    throw Preconditions.invalid("flag", f.ipvsadmName(),
                            "a flag of " + algorithm.kernelName() + ", not of " + f.onlyFor().kernelName());
                }
                this.flags.add(f);
            }
            return this;
        }

        /** Adds scheduler flags; see {@link #flags(SchedulerFlag...)}. */
        public Builder flags(Set<SchedulerFlag> flags) {
            Preconditions.checkNotNull(flags, "flags");
            return flags(flags.toArray(new SchedulerFlag[0]));
        }

        /**
         * mh only: the lookup table size, one of the kernel's primes 251, 509, 1021, 2039, 4093
         * (the default), 8191, 16381, 32749, 65521, 131071.
         */
        public Builder mhTableSize(int size) {
            if (Maglev.indexOf(size) < 0) {
                throw Preconditions.invalid("mh table size", size,
                        Preconditions.oneOf(java.util.Arrays.stream(Maglev.PRIMES).boxed().toList()));
            }
            this.mhTableSize = size;
            this.mhTableSizeSet = true;
            return this;
        }

        /**
         * lblc and lblcr (required there): the clock for cache expiry. Read once per pick; e.g.
         * {@link Ticker#system()}, or a {@code VirtualClock} in tests.
         */
        public Builder ticker(Ticker ticker) {
            this.ticker = Preconditions.checkNotNull(ticker, "ticker");
            return this;
        }

        /**
         * twos only: the random source of its two draws. Defaults to an unseeded
         * {@link SplittableRandom}; give a seeded one for repeatable picks.
         */
        public Builder random(RandomGenerator random) {
            this.random = Preconditions.checkNotNull(random, "random");
            return this;
        }

        /**
         * lblc and lblcr: the sysctl {@code lblc_expiration} / {@code lblcr_expiration} (default 24
         * hours). lblc drops, and lblcr drops or shrinks, cache entries unused that long.
         */
        public Builder expiration(Duration expiration) {
            Preconditions.checkNotNull(expiration, "expiration");
            Preconditions.checkArgument(!expiration.isNegative() && !expiration.isZero()
                    && expiration.compareTo(Duration.ofDays(10000)) <= 0, "expiration", expiration, "1ns..10000 days");
            this.expirationNanos = expiration.toNanos();
            this.expirationSet = true;
            return this;
        }

        /** Builds and attaches the scheduler to the table. */
        public ServiceScheduler build() {
            boolean locality = algorithm == Scheduler.LBLC || algorithm == Scheduler.LBLCR;
            rejectUnless(mhTableSizeSet, algorithm == Scheduler.MH, "mh table size");
            rejectUnless(random != null, algorithm == Scheduler.TWOS, "random");
            rejectUnless(ticker != null, locality, "ticker");
            rejectUnless(expirationSet, locality, "expiration");
            if (locality && ticker == null) {
                throw new IllegalStateException(Preconditions.message("ticker", null,
                        "a clock for " + algorithm.kernelName() + "'s cache expiry"));
            }
            ServiceScheduler s = switch (algorithm) {
                case RR -> new RoundRobin(this);
                case WRR -> new WeightedRoundRobin(this);
                case LC, WLC, SED, NQ, FO, OVF -> new Indexed(this);
                case LBLC -> new Locality.Lblc(this);
                case LBLCR -> new Locality.Lblcr(this);
                case DH -> new Hashing.Dh(this);
                case SH -> new Hashing.Sh(this);
                case MH -> new Maglev(this);
                case TWOS -> new Twos(this, random != null ? random : new SplittableRandom());
            };
            table.attach(s);
            return s;
        }

        private void rejectUnless(boolean given, boolean applies, String option) {
            if (given && !applies) {
                throw new IllegalStateException(Preconditions.message(option, "set",
                        "not set for " + algorithm.kernelName()));
            }
        }

        boolean flag(int bit) {
            for (SchedulerFlag f : flags) {
                if (f.bit() == bit) {
                    return true;
                }
            }
            return false;
        }
    }
}
