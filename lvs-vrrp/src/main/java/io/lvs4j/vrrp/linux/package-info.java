/**
 * VRRP on a real Linux host ({@link io.lvs4j.vrrp.linux.LinuxNetwork}): raw protocol-112 sockets,
 * virtual addresses through rtnetlink, gratuitous ARP and neighbour advertisements, link state from
 * rtnetlink, commands in the host's network namespace.
 */
package io.lvs4j.vrrp.linux;
