package io.lvs4j.director.config;

import java.time.Duration;
import java.util.Objects;

/** A {@code vrrp_script} block. keepalived defaults: interval 1s, rise 1, fall 1, weight 0. */
public record VrrpScriptConfig(String name, String script, Duration interval, Duration timeout, Integer weight,
        boolean weightReverse, Integer rise, Integer fall, String user, String group, boolean initFail) {
    public VrrpScriptConfig {
        Objects.requireNonNull(name, "name");
    }
}
