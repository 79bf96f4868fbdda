package io.lvs4j.benchmarks;

import io.lvs4j.AddressFamily;
import io.lvs4j.Scheduler;
import io.lvs4j.internal.Addresses;
import io.lvs4j.sched.DestinationTable;
import io.lvs4j.sched.ServiceScheduler;
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
 * The mh table build: 1000 real servers with weights 1..10, table size 65521. Each operation edits
 * one server's weight, which rebuilds the whole lookup table as the kernel's upd_dest does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MhBuildBenchmark {
    @Param({"1000"})
    public int servers;

    @Param({"65521"})
    public int tableSize;

    private DestinationTable table;
    private ServiceScheduler mh;
    private int first;
    private int flip;

    @Setup(Level.Trial)
    public void setUp() {
        table = DestinationTable.create(AddressFamily.INET);
        for (int s = 0; s < servers; s++) {
            first = table.add(Addresses.ofInt(0x0a000000 + s + 1), 8080, 1 + s % 10);
        }
        mh = ServiceScheduler.builder(Scheduler.MH, table).mhTableSize(tableSize).build();
    }

    @Benchmark
    public int rebuild() {
        flip ^= 1;
        table.weight(first, 1 + flip);
        return mh.pickIpv4(flip, 0, 0, 80);
    }
}
