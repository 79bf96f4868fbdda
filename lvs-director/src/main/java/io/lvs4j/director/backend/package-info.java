/**
 * Checks over real systems (native code, hence not in lvs-health):
 * {@link io.lvs4j.director.backend.PingChecker} is PING_CHECK over lvs-netlink's ICMP datagram
 * socket. keepalived.conf's checker blocks map onto checks in
 * {@link io.lvs4j.director.config.CheckerMapping}.
 */
package io.lvs4j.director.backend;
