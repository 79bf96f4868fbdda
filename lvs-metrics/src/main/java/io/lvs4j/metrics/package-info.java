/**
 * A director seen from outside: {@link io.lvs4j.metrics.LvsMetrics} binds its meters to a
 * Micrometer registry; {@link io.lvs4j.metrics.DirectorJson} writes its state as JSON (what
 * {@code lvs4j status --json} prints) and its events as NDJSON.
 */
package io.lvs4j.metrics;
