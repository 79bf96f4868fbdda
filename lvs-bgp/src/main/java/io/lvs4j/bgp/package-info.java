/**
 * An announce-only BGP-4 speaker (RFC 4271) for directors that announce their virtual addresses to
 * routers: 4-octet AS numbers (RFC 6793), IPv4 and IPv6 host routes (RFC 4760), several
 * neighbours, TCP MD5 (RFC 2385) and the GRACEFUL_SHUTDOWN community (RFC 8326) for a planned
 * stop. It never advertises graceful restart, so a router drops a dead speaker's routes at once.
 * Start with {@link io.lvs4j.bgp.BgpSpeaker#builder()}.
 */
package io.lvs4j.bgp;
