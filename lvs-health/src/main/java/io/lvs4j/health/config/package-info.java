/**
 * Health-checker configuration: what keepalived's {@code real_server} checker blocks
 * ({@code TCP_CHECK}, {@code HTTP_GET}, {@code SSL_GET}, {@code MISC_CHECK}, {@code SMTP_CHECK},
 * {@code DNS_CHECK}, {@code UDP_CHECK}, {@code PING_CHECK}, {@code FILE_CHECK}, {@code BFD_CHECK})
 * and the {@code SSL} block say. Immutable values; a {@code null} option means "not set here", so
 * the real server's or virtual server's setting (or keepalived's default) applies.
 */
package io.lvs4j.health.config;
