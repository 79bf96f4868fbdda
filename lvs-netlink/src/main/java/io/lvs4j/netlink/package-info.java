/**
 * The Linux layer: the kernel's IPVS over generic netlink and rtnetlink (VIP addresses, links).
 * This is the only lvs4j module that touches native code.
 */
package io.lvs4j.netlink;
