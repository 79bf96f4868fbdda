/**
 * Director backends and checkers over real systems (native code, hence not in lvs-health):
 * {@link io.lvs4j.director.backend.KernelDirectorBackend} applies lvs-health's actions to the
 * kernel's IPVS table through lvs-netlink; {@link io.lvs4j.director.backend.PingChecker} is
 * PING_CHECK over lvs-netlink's ICMP datagram socket;
 * {@link io.lvs4j.director.backend.DirectorCheckers} maps every keepalived.conf checker block to a
 * checker and its policy (PING_CHECK here, the rest through lvs-health's {@code Checkers}).
 */
package io.lvs4j.director.backend;
