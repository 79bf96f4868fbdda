/**
 * A Linux Virtual Server director to embed: {@link io.lvs4j.director.Director} composes VRRP
 * instances, health checks and an IPVS table with keepalived's semantics, built fluently or from
 * a keepalived.conf ({@link io.lvs4j.director.config}), changed at runtime as the smallest kernel
 * change, observed through one ordered {@link io.lvs4j.director.DirectorEvent} stream and
 * {@link io.lvs4j.director.DirectorState} snapshots.
 */
package io.lvs4j.director;
