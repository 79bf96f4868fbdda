package io.lvs4j.director.config;

import io.lvs4j.internal.Preconditions;

/**
 * {@code lvs_sync_daemon INTERFACE [[inst] VRRP_INSTANCE] [id N] [maxlen N] [port N] [ttl N] [group ADDRESS]}
 * as read: the IPVS connection-sync daemon that follows the named {@code vrrp_instance} (master
 * daemon while it is MASTER), or, without an instance ({@code instance} null), runs as master and
 * backup both from the start (as keepalived 2.2.7 does). {@code null} options are not given: the
 * sync id then defaults to the instance's VRID (0 without an instance), as keepalived's does, the
 * others to the kernel's defaults. The reader has checked every value (and that the instance
 * exists) with its location.
 */
public record LvsSyncDaemonConfig(String interfaceName, String instance, Integer syncId, Integer maxLength,
        Integer port, Integer ttl, String group) {
    public LvsSyncDaemonConfig {
        Preconditions.checkNotNull(interfaceName, "lvs_sync_daemon interface");
    }
}
