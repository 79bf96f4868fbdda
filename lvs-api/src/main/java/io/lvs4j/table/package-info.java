/**
 * The IPVS table SPI ({@link io.lvs4j.table.IpvsTable}) with its in-memory implementation, its
 * state types and the {@link io.lvs4j.table.Reconciler} that brings any table to a desired
 * {@link io.lvs4j.DirectorConfig} by the smallest change.
 */
package io.lvs4j.table;
