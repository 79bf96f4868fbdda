/** An in-memory VRRP network on a virtual clock, for deterministic tests and simulations. */
package io.lvs4j.vrrp.memory;
