/** Codec and helpers of the VRRP engine; not exported. */
package io.lvs4j.vrrp.internal;
