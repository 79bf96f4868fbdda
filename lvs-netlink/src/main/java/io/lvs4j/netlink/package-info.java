/**
 * The Linux layer: the kernel's IPVS over generic netlink and rtnetlink (VIP addresses, links),
 * and the raw, ICMP and packet sockets that VRRP, health checks and lvs-dataplane's userspace
 * forwarder ({@code io.lvs4j.forwarder.Forwarder}) use. This is the only lvs4j module that
 * touches native code.
 */
package io.lvs4j.netlink;
