/**
 * VRRP on a real Linux host: raw protocol-112 sockets, a real-time scheduler, VIPs through
 * rtnetlink, gratuitous ARP and neighbour advertisements, link tracking, vrrp_script and notify
 * commands, composed by {@link io.lvs4j.vrrp.linux.VrrpNode}.
 */
package io.lvs4j.vrrp.linux;
