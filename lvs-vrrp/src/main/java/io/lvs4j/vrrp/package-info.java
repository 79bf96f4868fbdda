/** A VRRP v2/v3 engine (RFC 3768 and RFC 5798) with pluggable transports. */
package io.lvs4j.vrrp;
