package io.lvs4j.bgp.internal;

import io.lvs4j.internal.Addresses;
import java.net.InetAddress;

/** An IPv4 or IPv6 prefix as carried in NLRI: the address with its host bits zero, and the length. */
public record IpPrefix(InetAddress address, int length) {
    /** The host route of an address: /32 or /128. */
    public static IpPrefix host(InetAddress address) {
        return new IpPrefix(address, address.getAddress().length * 8);
    }

    @Override
    public String toString() {
        return Addresses.format(address) + "/" + length;
    }
}
