package io.lvs4j.vrrp.config;

import java.time.Duration;

/** The {@code garp_*} keywords of a vrrp_instance; {@code null} means keepalived's default. */
public record GarpSettings(Duration masterDelay, Integer masterRepeat, Duration masterRefresh,
        Integer masterRefreshRepeat, Duration lowerPrioDelay, Integer lowerPrioRepeat) {
    public static final GarpSettings DEFAULTS = new GarpSettings(null, null, null, null, null, null);
}
