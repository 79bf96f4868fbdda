/**
 * A Linux Virtual Server director to embed: {@link io.lvs4j.director.Director} composes VRRP
 * instances, health checks and an IPVS table with keepalived's semantics, from one
 * {@link io.lvs4j.director.DirectorConfig} built fluently or mapped from a keepalived.conf by its
 * reader ({@link io.lvs4j.director.config}), changed at runtime as the smallest kernel
 * change, observed through one ordered {@link io.lvs4j.director.DirectorEvent} stream and
 * {@link io.lvs4j.director.DirectorState} snapshots.
 */
package io.lvs4j.director;
