/**
 * lvs4j metrics module: a director's Micrometer meters ({@link io.lvs4j.metrics.LvsMetrics}), its
 * state as JSON and its events as NDJSON ({@link io.lvs4j.metrics.DirectorJson}).
 */
module io.lvs4j.metrics {
    requires transitive io.lvs4j.director;
    requires transitive micrometer.core;

    exports io.lvs4j.metrics;
}
