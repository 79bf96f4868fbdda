package io.lvs4j.benchmarks;

import io.lvs4j.AddressFamily;
import io.lvs4j.Scheduler;
import io.lvs4j.internal.Addresses;
import io.lvs4j.sched.DestinationTable;
import io.lvs4j.sched.ServiceScheduler;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One new connection per operation: a pick for a flow from a pool of 4096 random clients (and, for
 * dh/lblc/lblcr, 4096 random destination addresses), over {@code servers} real servers with mixed
 * weights 1..10.
 *
 * <p>For the schedulers that read connection counts (lc, wlc, sed, nq, fo, ovf, lblc, lblcr, twos)
 * each operation also binds the picked server and unbinds the connection bound 4096 operations
 * earlier, so about 4096 connections are always open and the index moves on every operation. rr,
 * wrr, dh, sh and mh do not read counts: their operation is the pick alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SchedulerPickBenchmark {
    private static final int FLOWS = 4096;
    private static final int MASK = FLOWS - 1;
    private static final int[] WEIGHTS = {1, 3, 10, 2, 7, 5, 1, 8, 4, 6, 9, 2};

    @Param({"rr", "wrr", "lc", "wlc", "sed", "nq", "fo", "ovf", "lblc", "lblcr", "dh", "sh", "mh", "twos"})
    public String scheduler;

    @Param({"8", "64", "1024"})
    public int servers;

    private DestinationTable table;
    private ServiceScheduler sched;
    private final int[] src = new int[FLOWS];
    private final int[] srcPort = new int[FLOWS];
    private final int[] dst = new int[FLOWS];
    private final int[] open = new int[FLOWS];
    private boolean counts;
    private int i;
    private long now;

    @Setup(Level.Trial)
    public void setUp() {
        Scheduler algorithm = Scheduler.of(scheduler);
        table = DestinationTable.create(AddressFamily.INET);
        for (int s = 0; s < servers; s++) {
            table.add(Addresses.ofInt(0x0a000000 + s + 1), 8080, WEIGHTS[s % WEIGHTS.length]);
        }
        ServiceScheduler.Builder b = ServiceScheduler.builder(algorithm, table);
        if (algorithm == Scheduler.LBLC || algorithm == Scheduler.LBLCR) {
            b.ticker(this::tick);
        }
        if (algorithm == Scheduler.TWOS) {
            b.random(new SplittableRandom(42));
        }
        sched = b.build();
        SplittableRandom rnd = new SplittableRandom(7);
        for (int f = 0; f < FLOWS; f++) {
            src[f] = rnd.nextInt();
            srcPort[f] = 1024 + rnd.nextInt(64000);
            dst[f] = 0xc6336400 | rnd.nextInt(1 << 12);
            open[f] = -1;
        }
        counts = switch (algorithm) {
            case RR, WRR, DH, SH, MH -> false;
            default -> true;
        };
    }

    private long tick() {
        return now;
    }

    @Benchmark
    public int pick() {
        int f = i++ & MASK;
        now += 1_000;
        int h = sched.pickIpv4(src[f], srcPort[f], dst[f], 80);
        if (counts) {
            int old = open[f];
            if (old >= 0) {
                table.unbind(old, true);
            }
            if (h >= 0) {
                table.bind(h, true);
            }
            open[f] = h;
        }
        return h;
    }
}
