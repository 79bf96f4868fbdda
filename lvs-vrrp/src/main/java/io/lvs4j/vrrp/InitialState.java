package io.lvs4j.vrrp;

/**
 * The state a VRRP instance asks for at start (keepalived's {@code state MASTER|BACKUP}): MASTER
 * takes the addresses at once, BACKUP waits for the Master_Down_Timer. The address owner
 * (priority 255) always starts as master.
 */
public enum InitialState { MASTER, BACKUP }
