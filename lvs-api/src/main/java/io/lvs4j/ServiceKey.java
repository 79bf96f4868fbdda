package io.lvs4j;

import io.lvs4j.internal.Addresses;
import io.lvs4j.internal.Preconditions;
import java.net.InetAddress;
import java.util.Objects;

/**
 * What identifies a virtual service to the kernel: a protocol with an address and port, or a
 * firewall mark with an address family.
 */
public final class ServiceKey implements Comparable<ServiceKey> {
    /** The largest firewall mark (the kernel's is a u32). */
    public static final long MAX_FWMARK = 0xFFFF_FFFFL;

    private final Protocol protocol;
    private final InetAddress address;
    private final int port;
    private final long fwmark;
    private final AddressFamily family;
    private final int hash; // a key is looked up in maps of every service on each reconcile

    private ServiceKey(Protocol protocol, InetAddress address, int port, long fwmark, AddressFamily family) {
        this.protocol = protocol;
        this.address = address;
        this.port = port;
        this.fwmark = fwmark;
        this.family = family;
        this.hash = Objects.hash(protocol, address, port, fwmark, family);
    }

    /** A key by protocol, address and port (port 0 only for persistent services). */
    public static ServiceKey of(Protocol protocol, InetAddress address, int port) {
        Preconditions.checkNotNull(protocol, "protocol");
        Preconditions.checkNotNull(address, "address");
        Preconditions.checkInRange(port, 0, 65535, "port");
        return new ServiceKey(protocol, address, port, 0, AddressFamily.of(address));
    }

    /** A key by protocol, address literal and port. */
    public static ServiceKey of(Protocol protocol, String address, int port) {
        return of(protocol, Addresses.parse(address, "address"), port);
    }

    /** A firewall-mark key for IPv4. */
    public static ServiceKey fwmark(long mark) {
        return fwmark(mark, AddressFamily.INET);
    }

    /** A firewall-mark key for the given family. */
    public static ServiceKey fwmark(long mark, AddressFamily family) {
        Preconditions.checkInRange(mark, 1, MAX_FWMARK, "fwmark");
        Preconditions.checkNotNull(family, "family");
        return new ServiceKey(null, null, 0, mark, family);
    }

    /** Whether this key is a firewall mark. */
    public boolean isFwmark() {
        return fwmark != 0;
    }

    /** The protocol, or {@code null} for a firewall-mark key. */
    public Protocol protocol() {
        return protocol;
    }

    /** The virtual address, or {@code null} for a firewall-mark key. */
    public InetAddress address() {
        return address;
    }

    /** The virtual port; 0 for a firewall-mark key. */
    public int port() {
        return port;
    }

    /** The firewall mark, or 0 if the key is by address. */
    public long fwmark() {
        return fwmark;
    }

    public AddressFamily family() {
        return family;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ServiceKey)) {
            return false;
        }
        ServiceKey k = (ServiceKey) o;
        return port == k.port && fwmark == k.fwmark && protocol == k.protocol
                && family == k.family && Objects.equals(address, k.address);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** Orders firewall marks after addressed keys, like ipvsadm's sorted listing. */
    @Override
    public int compareTo(ServiceKey o) {
        if (isFwmark() != o.isFwmark()) {
            return isFwmark() ? 1 : -1;
        }
        if (isFwmark()) {
            int c = Long.compare(fwmark, o.fwmark);
            return c != 0 ? c : family.compareTo(o.family);
        }
        int c = protocol.compareTo(o.protocol);
        if (c != 0) {
            return c;
        }
        c = family.compareTo(o.family);
        if (c != 0) {
            return c;
        }
        c = java.util.Arrays.compareUnsigned(address.getAddress(), o.address.getAddress());
        return c != 0 ? c : Integer.compare(port, o.port);
    }

    /** {@code TCP 192.0.2.10:80}, {@code UDP [2001:db8::1]:53}, {@code FWM 1} or {@code FWM 1 IPv6}. */
    @Override
    public String toString() {
        if (isFwmark()) {
            return "FWM " + fwmark + (family == AddressFamily.INET6 ? " IPv6" : "");
        }
        return protocol + " " + Addresses.endpoint(address, port);
    }
}
