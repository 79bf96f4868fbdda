/** The SPI between the VRRP engine and its packet transports and timers. */
package io.lvs4j.vrrp.spi;
