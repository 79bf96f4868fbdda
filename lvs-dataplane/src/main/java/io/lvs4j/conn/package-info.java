/**
 * The userspace director's connection table: {@link io.lvs4j.conn.ConnectionTable} with the
 * kernel's TCP/UDP/SCTP state machines ({@link io.lvs4j.conn.TcpState},
 * {@link io.lvs4j.conn.SctpState}), persistence templates and timer-wheel expiry.
 */
package io.lvs4j.conn;
