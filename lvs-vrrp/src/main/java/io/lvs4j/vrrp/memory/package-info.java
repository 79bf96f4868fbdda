/** In-memory VRRP network and virtual clock for deterministic tests. */
package io.lvs4j.vrrp.memory;
