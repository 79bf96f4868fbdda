package io.lvs4j.benchmarks;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Does scraping delay the director's loop? One thread changes a real server's weight through the
 * director ({@code Director.weight}: a task on the director's loop, a reconcile of the in-memory
 * table, the state published), the other scrapes every {@code periodMillis} (back to back when a
 * scrape takes longer; Prometheus' default is every 15 s): by {@code path=micrometer} (every meter
 * in Micrometer's Prometheus registry, before), {@code path=direct} (now), or {@code path=none}
 * (it only sleeps: the baseline). The score of {@code loop} is the time of one change, with
 * percentiles: a scrape that delays the loop (a lock, a task on the loop, the GC pauses of its
 * garbage, or its CPU on a busy machine) shows there.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ScrapeLoopBenchmark {
    @Param({"1000"})
    public int services;

    @Param({"10"})
    public int servers;

    @Param({"none", "micrometer", "direct"})
    public String path;

    @Param({"250"})
    public long periodMillis;

    private BigDirector big;
    private ScrapeBenchmark.Scraper scraper;
    private InetAddress address;
    private int port;
    private int flip;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        big = new BigDirector(services, servers);
        scraper = path.equals("none") ? null : ScrapeBenchmark.Scraper.of(path, big);
        address = big.first.realServers().get(0).address();
        port = big.first.realServers().get(0).port();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        big.close();
    }

    @Benchmark
    @Group("scraping")
    @GroupThreads(1)
    public Object loop() throws Exception {
        flip ^= 1;
        return big.director.weight(big.first.key(), address, port, 5 + flip);
    }

    @Benchmark
    @Group("scraping")
    @GroupThreads(1)
    public int scrape() throws Exception {
        long start = System.nanoTime();
        int size = scraper == null ? 0 : scraper.scrape().size();
        long left = TimeUnit.MILLISECONDS.toNanos(periodMillis) - (System.nanoTime() - start);
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
        return size;
    }
}
