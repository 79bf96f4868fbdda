/**
 * VRRP configuration: what keepalived's {@code vrrp_instance}, {@code vrrp_script} and
 * {@code vrrp_sync_group} blocks say. Immutable values; {@code null} means "not set", so
 * keepalived's default applies. Authentication passwords never appear in {@code toString()}.
 */
package io.lvs4j.vrrp.config;
