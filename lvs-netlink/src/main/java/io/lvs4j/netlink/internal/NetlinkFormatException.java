package io.lvs4j.netlink.internal;

/**
 * A netlink message or attribute that breaks its own length rules: a length shorter than its
 * header, longer than what holds it, an attribute of the wrong size for its type.
 *
 * <p>This is the only exception the decoders in this package throw for bad input. The public API
 * turns it into an {@code IpvsException} with errno {@code EBADMSG}.
 */
public final class NetlinkFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NetlinkFormatException(String message) {
        super(message);
    }
}
