/**
 * The Linux layer: the kernel's IPVS over generic netlink and rtnetlink (VIP addresses, links),
 * and {@link io.lvs4j.netlink.Forwarder}, a userspace director over {@code AF_PACKET} for kernels
 * without IPVS. This is the only lvs4j module that touches native code.
 */
package io.lvs4j.netlink;
