/**
 * Health checks of real servers (keepalived's checkers, built with {@link io.lvs4j.health.Checks},
 * or a {@link io.lvs4j.health.Checker} of your own) and the {@link io.lvs4j.health.HealthMonitor},
 * which runs them and publishes what they mean as a {@link io.lvs4j.health.HealthView}.
 */
package io.lvs4j.health;
