package io.lvs4j.benchmarks;

import io.lvs4j.metrics.LvsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * One {@code /metrics} scrape of a director with {@code services} × {@code servers} real servers
 * (issue 13: 1,000 × 10 in under 50 ms), the whole Prometheus text written to memory.
 * {@code path=micrometer} is every meter in Micrometer's {@link PrometheusMeterRegistry} (the
 * path before); {@code path=direct} is what {@code lvs4j run --http} serves now.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ScrapeBenchmark {
    @Param({"1000"})
    public int services;

    @Param({"10"})
    public int servers;

    @Param({"micrometer", "direct"})
    public String path;

    private BigDirector big;
    private Scraper scraper;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        big = new BigDirector(services, servers);
        scraper = Scraper.of(path, big);
        int size = scraper.scrape().size();
        System.out.println("\n" + path + ": " + size + " bytes, " + scraper.series() + " series");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        big.close();
    }

    @Benchmark
    public int scrape() throws Exception {
        return scraper.scrape().size();
    }

    /** A scrape by one of the two paths. */
    abstract static class Scraper {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);

        static Scraper of(String path, BigDirector big) {
            return switch (path) {
                case "micrometer" -> new MicrometerScraper(big);
                case "direct" -> new DirectScraper(big);
                default -> throw new IllegalArgumentException("path: " + path + " (expected: micrometer, direct)");
            };
        }

        ByteArrayOutputStream scrape() throws Exception {
            out.reset();
            write(out);
            return out;
        }

        abstract void write(ByteArrayOutputStream out) throws Exception;

        long series() throws Exception {
            return scrape().toString(java.nio.charset.StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.startsWith("#") && !l.isEmpty()).count();
        }
    }

    /** Every meter registered in a Prometheus registry, as before. */
    static final class MicrometerScraper extends Scraper {
        private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        private final LvsMetrics metrics;

        MicrometerScraper(BigDirector big) {
            metrics = LvsMetrics.builder(big.director).build();
            metrics.bindTo(registry);
        }

        @Override
        void write(ByteArrayOutputStream out) throws Exception {
            metrics.update();
            registry.scrape(out, "text/plain; version=0.0.4; charset=utf-8");
        }
    }

    /** What {@code lvs4j run --http} does now: the snapshot meters written directly, then the registry's events. */
    static final class DirectScraper extends Scraper {
        private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        private final LvsMetrics metrics;

        DirectScraper(BigDirector big) {
            metrics = LvsMetrics.builder(big.director).registerSnapshotMeters(false).build();
            metrics.bindTo(registry);
        }

        @Override
        void write(ByteArrayOutputStream out) throws Exception {
            metrics.writeSnapshotMeters(out, LvsMetrics.PROMETHEUS_CONTENT_TYPE);
            registry.scrape(out, LvsMetrics.PROMETHEUS_CONTENT_TYPE);
        }
    }
}
