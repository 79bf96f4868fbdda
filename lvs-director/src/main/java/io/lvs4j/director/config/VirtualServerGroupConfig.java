package io.lvs4j.director.config;

import java.util.List;
import java.util.Objects;

/** A {@code virtual_server_group}. */
public record VirtualServerGroupConfig(String name, List<GroupEntry> entries) {
    public VirtualServerGroupConfig {
        Objects.requireNonNull(name, "name");
        entries = List.copyOf(entries);
    }
}
