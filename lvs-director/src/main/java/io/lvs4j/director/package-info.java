/** Composes VRRP, health checks and IPVS into a director; reads keepalived.conf. */
package io.lvs4j.director;
