/**
 * A VRRP v2/v3 engine (RFC 3768 and RFC 5798) with keepalived's semantics. Inputs are typed,
 * validated values with builders ({@link io.lvs4j.vrrp.VrrpInstance}, {@link io.lvs4j.vrrp.VrrpScript},
 * {@link io.lvs4j.vrrp.VrrpSyncGroup}, {@link io.lvs4j.vrrp.VirtualAddress},
 * {@link io.lvs4j.vrrp.GarpSettings}, {@link io.lvs4j.vrrp.VrrpAuthentication}); a
 * {@link io.lvs4j.vrrp.VrrpNode} runs them over a {@link io.lvs4j.vrrp.spi.VrrpNetwork}: Linux's raw
 * sockets or an in-memory link on a virtual clock. Passwords never appear in {@code toString()}.
 */
package io.lvs4j.vrrp;
