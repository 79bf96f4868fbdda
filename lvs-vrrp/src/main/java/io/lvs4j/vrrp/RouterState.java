package io.lvs4j.vrrp;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states of a VRRP router: RFC 5798 section 6.4 (Initialize, Backup, Master) plus keepalived's
 * FAULT (a tracked interface or script failed). The legal transitions are listed here and nowhere
 * else.
 */
public enum RouterState {
    INIT, BACKUP, MASTER, FAULT;

    private Set<RouterState> next;

    static {
        INIT.next = EnumSet.of(BACKUP, MASTER, FAULT);
        BACKUP.next = EnumSet.of(MASTER, FAULT, INIT);
        MASTER.next = EnumSet.of(BACKUP, FAULT, INIT);
        FAULT.next = EnumSet.of(BACKUP, INIT);
    }

    /** Whether a router in this state may move to {@code target}. */
    public boolean canTransitionTo(RouterState target) {
        return next.contains(target);
    }
}
