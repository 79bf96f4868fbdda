/** Packet rewrite for the userspace data plane. */
package io.lvs4j.packet;
