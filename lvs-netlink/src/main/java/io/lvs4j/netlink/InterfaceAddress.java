package io.lvs4j.netlink;

import io.lvs4j.internal.Addresses;
import io.lvs4j.internal.Preconditions;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * An address on an interface, as {@code ip addr} shows and sets it: interface index, address,
 * prefix length, optional broadcast (IPv4) and label (IPv4, e.g. {@code eth0:0}), scope
 * ({@link #SCOPE_UNIVERSE} ... {@link #SCOPE_HOST}) and {@code IFA_F_*} flags (e.g. {@link #NODAD}).
 */
public record InterfaceAddress(int interfaceIndex, InetAddress address, int prefixLength, InetAddress broadcast,
        String label, int scope, int flags) {
    public static final int SCOPE_UNIVERSE = 0;
    public static final int SCOPE_SITE = 200;
    public static final int SCOPE_LINK = 253;
    public static final int SCOPE_HOST = 254;
    public static final int SCOPE_NOWHERE = 255;
    /** {@code IFA_F_NODAD}: no duplicate address detection (IPv6), as keepalived adds its VIPs. */
    public static final int NODAD = 0x02;

    public InterfaceAddress {
        Preconditions.checkArgument(interfaceIndex > 0, "interface index", interfaceIndex, "1 or more");
        Preconditions.checkNotNull(address, "address");
        int max = address instanceof Inet4Address ? 32 : 128;
        Preconditions.checkInRange(prefixLength, 0, max, "prefix length");
        Preconditions.checkArgument(broadcast == null || broadcast instanceof Inet4Address && address instanceof Inet4Address,
                "broadcast", broadcast == null ? null : Addresses.format(broadcast), "an IPv4 address for an IPv4 address");
        Preconditions.checkArgument(label == null || (address instanceof Inet4Address && label.length() <= 15
                && !label.isEmpty()), "label", label, "1..15 characters, IPv4 only");
        Preconditions.checkInRange(scope, 0, 255, "scope");
    }

    /** An address with its prefix, no broadcast or label, universe scope; IPv6 with {@link #NODAD}. */
    public static InterfaceAddress of(int interfaceIndex, InetAddress address, int prefixLength) {
        return new InterfaceAddress(interfaceIndex, address, prefixLength, null, null, SCOPE_UNIVERSE,
                address instanceof Inet6Address ? NODAD : 0);
    }

    @Override
    public String toString() {
        return Addresses.format(address) + "/" + prefixLength + (broadcast != null ? " brd " + Addresses.format(broadcast) : "")
                + " scope " + scope + (label != null ? " label " + label : "") + " ifindex " + interfaceIndex;
    }
}
