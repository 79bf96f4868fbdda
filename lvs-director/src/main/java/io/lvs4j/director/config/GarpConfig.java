package io.lvs4j.director.config;

import java.time.Duration;

/** The {@code garp_*} keywords of a vrrp_instance; {@code null} means keepalived's default. */
public record GarpConfig(Duration masterDelay, Integer masterRepeat, Duration masterRefresh,
        Integer masterRefreshRepeat, Duration lowerPrioDelay, Integer lowerPrioRepeat) {
    public static final GarpConfig DEFAULTS = new GarpConfig(null, null, null, null, null, null);
}
