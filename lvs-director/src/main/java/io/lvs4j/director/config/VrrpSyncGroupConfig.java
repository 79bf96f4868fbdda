package io.lvs4j.director.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@code vrrp_sync_group}: the instances that change state together, with notify scripts keyed
 * by keyword ({@code notify_master}, {@code notify}, ...).
 */
public record VrrpSyncGroupConfig(String name, List<String> instances, Map<String, String> notifyScripts,
        Boolean smtpAlert, List<TrackedObject> trackScripts, List<TrackedObject> trackInterfaces,
        boolean globalTracking) {
    public VrrpSyncGroupConfig {
        Objects.requireNonNull(name, "name");
        instances = List.copyOf(instances);
        notifyScripts = Map.copyOf(notifyScripts);
        trackScripts = List.copyOf(trackScripts);
        trackInterfaces = List.copyOf(trackInterfaces);
    }
}
