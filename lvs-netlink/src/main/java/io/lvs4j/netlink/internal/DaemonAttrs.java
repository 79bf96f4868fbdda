package io.lvs4j.netlink.internal;

import java.net.InetAddress;

/**
 * A sync daemon: state 1 (master) or 2 (backup), its multicast interface and sync id, and the
 * optional settings (0 or null: the kernel's default).
 */
public record DaemonAttrs(int state, String ifname, int syncId, int syncMaxlen, InetAddress mcastGroup,
        int mcastPort, int mcastTtl) {

    public String describe() {
        return (state == IpvsProto.STATE_MASTER ? "master" : state == IpvsProto.STATE_BACKUP ? "backup"
                : "state " + state) + (ifname != null ? " " + ifname : "") + " syncid " + syncId;
    }
}
