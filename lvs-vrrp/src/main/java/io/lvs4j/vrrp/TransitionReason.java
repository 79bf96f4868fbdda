package io.lvs4j.vrrp;

/** Why a router changed state. */
public enum TransitionReason {
    /** Startup as a backup (RFC 5798 6.4.1, priority below 255). */
    STARTUP,
    /** Startup as the address owner (priority 255) or with {@code state MASTER}. */
    STARTUP_AS_MASTER,
    /** Master_Down_Timer fired: no advert from a master (or after a priority 0 advert, Skew_Time). */
    MASTER_DOWN,
    /** A master received an advert with a higher priority, or equal priority and a higher primary address. */
    PREEMPTED,
    /** Stopped: a master sent priority 0. */
    SHUTDOWN,
    /** A tracked interface or script with weight 0 failed (or its sync group went to FAULT). */
    FAULT,
    /** All faults cleared. */
    FAULT_CLEARED,
    /** Moved with its sync group. */
    SYNC_GROUP
}
