package io.lvs4j.vrrp;

import io.lvs4j.internal.Addresses;
import io.lvs4j.internal.Preconditions;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * An address a VRRP master holds: the address with its prefix length, and how it goes on the
 * interface (the device, a broadcast address, a scope, a label), as {@code ip address add} takes
 * them. Immutable.
 *
 * <pre>{@code
 * VirtualAddress.of("192.0.2.10/24")                    // on the instance's interface, scope global
 * VirtualAddress.builder("192.0.2.11/24").device("eth1").label("eth1:vip").scope("link").build()
 * }</pre>
 *
 * <p>Defaults: prefix length 32 (IPv4) or 128 (IPv6), the instance's interface, no broadcast
 * address, scope global (0), no label. A label and a broadcast address apply to IPv4 addresses
 * only; IPv6 addresses are added without duplicate address detection, as keepalived adds them.
 */
public final class VirtualAddress {
    /** Scope numbers by name, as {@code ip address} knows them. */
    public static final int SCOPE_GLOBAL = 0;
    public static final int SCOPE_SITE = 200;
    public static final int SCOPE_LINK = 253;
    public static final int SCOPE_HOST = 254;
    public static final int SCOPE_NOWHERE = 255;

    private final InetAddress address;
    private final int prefixLength;
    private final InetAddress broadcast;
    private final String device;
    private final int scope;
    private final String label;

    private VirtualAddress(Builder b) {
        this.address = b.address;
        this.prefixLength = b.prefixLength >= 0 ? b.prefixLength : b.address instanceof Inet6Address ? 128 : 32;
        this.broadcast = b.broadcast;
        this.device = b.device;
        this.scope = b.scope;
        this.label = b.label;
    }

    /** {@code ADDRESS[/PREFIX]}, an IPv4 or IPv6 literal (no name lookup), with the defaults. */
    public static VirtualAddress of(String addressAndPrefix) {
        return builder(addressAndPrefix).build();
    }

    /** {@code address} as a host address (/32 or /128) with the defaults. */
    public static VirtualAddress of(InetAddress address) {
        return builder(address).build();
    }

    /** A builder for {@code ADDRESS[/PREFIX]}, an IPv4 or IPv6 literal (no name lookup). */
    public static Builder builder(String addressAndPrefix) {
        Preconditions.checkNotNull(addressAndPrefix, "virtual_ipaddress");
        int slash = addressAndPrefix.indexOf('/');
        String text = slash < 0 ? addressAndPrefix : addressAndPrefix.substring(0, slash);
        InetAddress a;
        try {
            a = Addresses.parse(text, "virtual_ipaddress");
        } catch (IllegalArgumentException e) {
            throw Preconditions.invalid("virtual_ipaddress", addressAndPrefix,
                    "an IPv4 or IPv6 address literal with an optional /prefix length");
        }
        Builder b = new Builder(a);
        if (slash >= 0) {
            int max = a instanceof Inet6Address ? 128 : 32;
            int p;
            try {
                p = Integer.parseInt(addressAndPrefix.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw Preconditions.invalid("virtual_ipaddress", addressAndPrefix, "a prefix length 0.." + max);
            }
            Preconditions.checkArgument(p >= 0 && p <= max, "virtual_ipaddress", addressAndPrefix,
                    "a prefix length 0.." + max);
            b.prefixLength(p);
        }
        return b;
    }

    public static Builder builder(InetAddress address) {
        return new Builder(Preconditions.checkNotNull(address, "virtual_ipaddress"));
    }

    public Builder toBuilder() {
        Builder b = new Builder(address).prefixLength(prefixLength).scope(scope);
        b.broadcast = broadcast;
        b.device = device;
        b.label = label;
        return b;
    }

    public InetAddress address() {
        return address;
    }

    public boolean ipv6() {
        return address instanceof Inet6Address;
    }

    /** The prefix length, 32 or 128 unless given. */
    public int prefixLength() {
        return prefixLength;
    }

    /** The broadcast address (IPv4 only), if given. */
    public Optional<InetAddress> broadcast() {
        return Optional.ofNullable(broadcast);
    }

    /** The interface the address goes on, if not the instance's own. */
    public Optional<String> device() {
        return Optional.ofNullable(device);
    }

    /** The address scope, 0 (global) unless given. */
    public int scope() {
        return scope;
    }

    /** The label (IPv4 only), if given. */
    public Optional<String> label() {
        return Optional.ofNullable(label);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VirtualAddress v && address.equals(v.address) && prefixLength == v.prefixLength
                && Objects.equals(broadcast, v.broadcast) && Objects.equals(device, v.device) && scope == v.scope
                && Objects.equals(label, v.label);
    }

    @Override
    public int hashCode() {
        return Objects.hash(address, prefixLength, broadcast, device, scope, label);
    }

    /** As {@code ip address} would take it: {@code 192.0.2.10/24 brd 192.0.2.255 dev eth1 scope 253 label eth1:1}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(Addresses.format(address)).append('/').append(prefixLength);
        if (broadcast != null) {
            sb.append(" brd ").append(Addresses.format(broadcast));
        }
        if (device != null) {
            sb.append(" dev ").append(device);
        }
        if (scope != SCOPE_GLOBAL) {
            sb.append(" scope ").append(scope);
        }
        if (label != null) {
            sb.append(" label ").append(label);
        }
        return sb.toString();
    }

    /** Builder: each setter checks its argument at once. */
    public static final class Builder {
        private final InetAddress address;
        private int prefixLength = -1;
        private InetAddress broadcast;
        private String device;
        private int scope = SCOPE_GLOBAL;
        private String label;

        private Builder(InetAddress address) {
            this.address = address;
        }

        /** 0..32 for IPv4, 0..128 for IPv6. */
        public Builder prefixLength(int prefixLength) {
            this.prefixLength = Preconditions.checkInRange(prefixLength, 0, address instanceof Inet6Address ? 128 : 32,
                    "virtual_ipaddress " + Addresses.format(address) + " prefix length");
            return this;
        }

        /** The broadcast address ({@code brd}); IPv4 only. */
        public Builder broadcast(InetAddress broadcast) {
            Preconditions.checkNotNull(broadcast, "brd");
            Preconditions.checkArgument(address instanceof Inet4Address && broadcast instanceof Inet4Address,
                    "virtual_ipaddress " + Addresses.format(address) + " brd", Addresses.format(broadcast),
                    "an IPv4 address, for an IPv4 virtual address");
            this.broadcast = broadcast;
            return this;
        }

        /** The broadcast address as a literal. */
        public Builder broadcast(String broadcast) {
            return broadcast(Addresses.parse(broadcast, "virtual_ipaddress " + Addresses.format(address) + " brd"));
        }

        /** The interface the address goes on ({@code dev}); by default the instance's interface. */
        public Builder device(String interfaceName) {
            this.device = checkInterfaceName(interfaceName, "virtual_ipaddress " + Addresses.format(address) + " dev");
            return this;
        }

        /** The scope, 0..255. */
        public Builder scope(int scope) {
            this.scope = Preconditions.checkInRange(scope, 0, 255,
                    "virtual_ipaddress " + Addresses.format(address) + " scope");
            return this;
        }

        /** The scope by name ({@code global}, {@code site}, {@code link}, {@code host}, {@code nowhere}) or number. */
        public Builder scope(String scope) {
            String name = "virtual_ipaddress " + Addresses.format(address) + " scope";
            Preconditions.checkNotNull(scope, name);
            switch (scope.toLowerCase(Locale.ROOT)) {
                case "global", "universe" -> this.scope = SCOPE_GLOBAL;
                case "site" -> this.scope = SCOPE_SITE;
                case "link" -> this.scope = SCOPE_LINK;
                case "host" -> this.scope = SCOPE_HOST;
                case "nowhere" -> this.scope = SCOPE_NOWHERE;
                default -> {
                    int n;
                    try {
                        n = Integer.parseInt(scope);
                    } catch (NumberFormatException e) {
                        throw Preconditions.invalid(name, scope, "one of global, site, link, host, nowhere or 0..255");
                    }
                    Preconditions.checkArgument(n >= 0 && n <= 255, name, scope,
                            "one of global, site, link, host, nowhere or 0..255");
                    this.scope = n;
                }
            }
            return this;
        }

        /** The label (IPv4 only; ignored for IPv6, which has none), at most 15 characters. */
        public Builder label(String label) {
            String name = "virtual_ipaddress " + Addresses.format(address) + " label";
            Preconditions.checkNotNull(label, name);
            Preconditions.checkArgument(!label.isEmpty() && label.length() <= 15, name, label, "1 to 15 characters");
            this.label = label;
            return this;
        }

        public VirtualAddress build() {
            return new VirtualAddress(this);
        }
    }

    /** An interface name as the kernel takes it: 1 to 15 characters, no '/', no blanks. */
    static String checkInterfaceName(String name, String setting) {
        Preconditions.checkNotNull(name, setting);
        boolean ok = !name.isEmpty() && name.length() <= 15 && name.indexOf('/') < 0 && !name.equals(".")
                && !name.equals("..") && name.chars().noneMatch(Character::isWhitespace);
        Preconditions.checkArgument(ok, setting, name, "an interface name of 1 to 15 characters without '/' or blanks");
        return name;
    }
}
