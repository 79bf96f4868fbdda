package io.lvs4j.bgp;

import io.lvs4j.internal.Addresses;
import io.lvs4j.internal.Preconditions;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One BGP neighbour (a router) of a {@link BgpSpeaker}: its address and AS, how to reach it, and
 * what goes with the routes announced to it. Immutable; {@link #toString()} hides the password.
 *
 * <pre>{@code
 * BgpNeighbor router = BgpNeighbor.builder("192.0.2.1").remoteAs(65000).holdTime(Duration.ofSeconds(3)).build();
 * }</pre>
 */
public final class BgpNeighbor {
    /** The BGP port. */
    public static final int DEFAULT_PORT = 179;
    /** RFC 4271's suggested hold time. */
    public static final Duration DEFAULT_HOLD_TIME = Duration.ofSeconds(90);
    /** LOCAL_PREF sent to an internal (same AS) neighbour unless set. */
    public static final long DEFAULT_LOCAL_PREFERENCE = 100;
    /** TCP_MD5SIG_MAXKEYLEN. */
    public static final int MAX_PASSWORD_BYTES = 80;

    private final InetAddress address;
    private final long remoteAs;
    private final int port;
    private final InetAddress localAddress;
    private final Duration holdTime;
    private final boolean passive;
    private final String password;
    private final List<Community> communities;
    private final long med;
    private final long localPreference;
    private final Inet4Address ipv4NextHop;
    private final Inet6Address ipv6NextHop;

    private BgpNeighbor(Builder b) {
        this.address = b.address;
        this.remoteAs = b.remoteAs;
        this.port = b.port;
        this.localAddress = b.localAddress;
        this.holdTime = b.holdTime;
        this.passive = b.passive;
        this.password = b.password;
        this.communities = List.copyOf(b.communities);
        this.med = b.med;
        this.localPreference = b.localPreference;
        this.ipv4NextHop = b.ipv4NextHop;
        this.ipv6NextHop = b.ipv6NextHop;
    }

    /** A builder for the neighbour at that address literal (IPv4 or IPv6; never resolved). */
    public static Builder builder(String address) {
        return new Builder(Addresses.parse(address, "neighbor address"));
    }

    /** A builder for the neighbour at that address. */
    public static Builder builder(InetAddress address) {
        Preconditions.checkNotNull(address, "neighbor address");
        return new Builder(Addresses.of(address.getAddress()));
    }

    public InetAddress address() {
        return address;
    }

    /** The neighbour's AS number, 1..4294967295. */
    public long remoteAs() {
        return remoteAs;
    }

    /** The TCP port the speaker dials, 179 unless set. */
    public int port() {
        return port;
    }

    /** The address the speaker's connections come from, if set; else the kernel's choice. */
    public Optional<InetAddress> localAddress() {
        return Optional.ofNullable(localAddress);
    }

    /** The hold time the speaker offers: zero (no keepalives) or 3..65535 s. */
    public Duration holdTime() {
        return holdTime;
    }

    /** Whether the speaker only waits for the neighbour to connect, never dials. */
    public boolean passive() {
        return passive;
    }

    /** Whether TCP MD5 signatures (RFC 2385) protect the session. */
    public boolean hasPassword() {
        return password != null;
    }

    /** The MD5 key's bytes, for the transport. */
    byte[] passwordBytes() {
        return password == null ? null : password.getBytes(StandardCharsets.UTF_8);
    }

    /** Communities sent with every route, in order. */
    public List<Community> communities() {
        return communities;
    }

    /** MULTI_EXIT_DISC sent with every route, if set (none by default). */
    public OptionalLong med() {
        return med < 0 ? OptionalLong.empty() : OptionalLong.of(med);
    }

    /** LOCAL_PREF sent to an internal neighbour (100 unless set); never sent to an external one. */
    public long localPreference() {
        return localPreference < 0 ? DEFAULT_LOCAL_PREFERENCE : localPreference;
    }

    boolean localPreferenceSet() {
        return localPreference >= 0;
    }

    /** NEXT_HOP of IPv4 routes, if set; else the session's local address when it is IPv4. */
    public Optional<Inet4Address> ipv4NextHop() {
        return Optional.ofNullable(ipv4NextHop);
    }

    /** Next hop of IPv6 routes (in MP_REACH_NLRI), if set; else the session's local address when it is IPv6. */
    public Optional<Inet6Address> ipv6NextHop() {
        return Optional.ofNullable(ipv6NextHop);
    }

    /** A builder holding these settings. */
    public Builder toBuilder() {
        Builder b = new Builder(address);
        b.remoteAs = remoteAs;
        b.port = port;
        b.localAddress = localAddress;
        b.holdTime = holdTime;
        b.passive = passive;
        b.password = password;
        b.communities.addAll(communities);
        b.med = med;
        b.localPreference = localPreference;
        b.ipv4NextHop = ipv4NextHop;
        b.ipv6NextHop = ipv6NextHop;
        return b;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof BgpNeighbor)) {
            return false;
        }
        BgpNeighbor n = (BgpNeighbor) o;
        return remoteAs == n.remoteAs && port == n.port && passive == n.passive && med == n.med
                && localPreference == n.localPreference && address.equals(n.address)
                && Objects.equals(localAddress, n.localAddress) && holdTime.equals(n.holdTime)
                && Objects.equals(password, n.password) && communities.equals(n.communities)
                && Objects.equals(ipv4NextHop, n.ipv4NextHop) && Objects.equals(ipv6NextHop, n.ipv6NextHop);
    }

    @Override
    public int hashCode() {
        return Objects.hash(address, remoteAs, port, localAddress, holdTime, passive, password, communities, med,
                localPreference, ipv4NextHop, ipv6NextHop);
    }

    /** The settings, with the password shown as {@code password=***} when there is one. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("BgpNeighbor[").append(Addresses.endpoint(address, port));
        sb.append(" remoteAs=").append(remoteAs).append(" holdTime=").append(holdTime.toSeconds()).append('s');
        if (localAddress != null) {
            sb.append(" localAddress=").append(Addresses.format(localAddress));
        }
        if (passive) {
            sb.append(" passive");
        }
        if (password != null) {
            sb.append(" password=***");
        }
        if (!communities.isEmpty()) {
            sb.append(" communities=").append(communities);
        }
        if (med >= 0) {
            sb.append(" med=").append(med);
        }
        if (localPreference >= 0) {
            sb.append(" localPreference=").append(localPreference);
        }
        if (ipv4NextHop != null) {
            sb.append(" ipv4NextHop=").append(Addresses.format(ipv4NextHop));
        }
        if (ipv6NextHop != null) {
            sb.append(" ipv6NextHop=").append(Addresses.format(ipv6NextHop));
        }
        return sb.append(']').toString();
    }

    /** Settings of a {@link BgpNeighbor}; each setter checks its argument at once. */
    public static final class Builder {
        private final InetAddress address;
        private final String name;
        private long remoteAs = -1;
        private int port = DEFAULT_PORT;
        private InetAddress localAddress;
        private Duration holdTime = DEFAULT_HOLD_TIME;
        private boolean passive;
        private String password;
        private final List<Community> communities = new ArrayList<>();
        private long med = -1;
        private long localPreference = -1;
        private Inet4Address ipv4NextHop;
        private Inet6Address ipv6NextHop;

        private Builder(InetAddress address) {
            Preconditions.checkArgument(!address.isAnyLocalAddress() && !address.isMulticastAddress(),
                    "neighbor address", Addresses.format(address), "a unicast address");
            this.address = address;
            this.name = "neighbor " + Addresses.format(address) + " ";
        }

        /** The neighbour's AS number: 1..4294967295, not 23456 (AS_TRANS). Required. */
        public Builder remoteAs(long remoteAs) {
            this.remoteAs = checkAs(remoteAs, name + "remoteAs");
            return this;
        }

        /** The TCP port to dial, 1..65535 (179 unless set). */
        public Builder port(int port) {
            this.port = Preconditions.checkInRange(port, 1, 65535, name + "port");
            return this;
        }

        /** The local address the speaker's connections come from; of the neighbour's family. */
        public Builder localAddress(InetAddress localAddress) {
            Preconditions.checkNotNull(localAddress, name + "localAddress");
            Preconditions.checkArgument(sameFamily(localAddress, address) && !localAddress.isAnyLocalAddress()
                    && !localAddress.isMulticastAddress(), name + "localAddress", Addresses.format(localAddress),
                    "a unicast " + family(address) + " address, as the neighbor's");
            this.localAddress = Addresses.of(localAddress.getAddress());
            return this;
        }

        /** {@link #localAddress(InetAddress)} of an address literal. */
        public Builder localAddress(String localAddress) {
            return localAddress(Addresses.parse(localAddress, name + "localAddress"));
        }

        /**
         * The hold time to offer: zero (no keepalives, no hold timer) or 3..65535 whole seconds
         * (90 s unless set). The session uses the smaller of both sides' and sends keepalives every
         * third of it.
         */
        public Builder holdTime(Duration holdTime) {
            Preconditions.checkNotNull(holdTime, name + "holdTime");
            long s = holdTime.getSeconds();
            Preconditions.checkArgument(holdTime.getNano() == 0 && (s == 0 || s >= 3 && s <= 65535),
                    name + "holdTime", holdTime, "0 or 3..65535 whole seconds");
            this.holdTime = holdTime;
            return this;
        }

        /** Whether only to wait for the neighbour to connect (false unless set). */
        public Builder passive(boolean passive) {
            this.passive = passive;
            return this;
        }

        /** The TCP MD5 signature key (RFC 2385): 1..80 bytes of UTF-8. */
        public Builder password(String password) {
            Preconditions.checkNotNull(password, name + "password");
            int n = password.getBytes(StandardCharsets.UTF_8).length;
            Preconditions.checkInRange(n, 1, MAX_PASSWORD_BYTES, name + "password length in bytes");
            this.password = password;
            return this;
        }

        /** Adds a community sent with every route (each once). */
        public Builder community(Community community) {
            Preconditions.checkNotNull(community, name + "community");
            Preconditions.checkArgument(!communities.contains(community), name + "community", community.toString(),
                    "each community once");
            communities.add(community);
            return this;
        }

        /** {@link #community(Community)} of {@code ASN:VALUE}. */
        public Builder community(String community) {
            return community(Community.parse(community));
        }

        /** Adds these communities (no null, each once); on a refusal none is added. */
        public Builder communities(List<Community> communities) {
            Preconditions.checkNotNull(communities, name + "communities");
            List<Community> all = new ArrayList<>(this.communities);
            for (Community c : communities) {
                Preconditions.checkNotNull(c, name + "community");
                Preconditions.checkArgument(!all.contains(c), name + "community", c.toString(), "each community once");
                all.add(c);
            }
            this.communities.clear();
            this.communities.addAll(all);
            return this;
        }

        /** MULTI_EXIT_DISC sent with every route, 0..4294967295 (none unless set). */
        public Builder med(long med) {
            this.med = Preconditions.checkInRange(med, 0, 0xFFFF_FFFFL, name + "med");
            return this;
        }

        /** LOCAL_PREF for an internal neighbour (remote AS = local AS), 0..4294967295; 100 unless set. */
        public Builder localPreference(long localPreference) {
            this.localPreference = Preconditions.checkInRange(localPreference, 0, 0xFFFF_FFFFL,
                    name + "localPreference");
            return this;
        }

        /** NEXT_HOP of IPv4 routes (else the session's local address, when it is IPv4). */
        public Builder ipv4NextHop(InetAddress nextHop) {
            Preconditions.checkNotNull(nextHop, name + "ipv4NextHop");
            Preconditions.checkArgument(nextHop instanceof Inet4Address && !nextHop.isAnyLocalAddress()
                    && !nextHop.isMulticastAddress(), name + "ipv4NextHop", Addresses.format(nextHop),
                    "a unicast IPv4 address");
            this.ipv4NextHop = (Inet4Address) nextHop;
            return this;
        }

        public Builder ipv4NextHop(String nextHop) {
            return ipv4NextHop(Addresses.parse(nextHop, name + "ipv4NextHop"));
        }

        /** Next hop of IPv6 routes (else the session's local address, when it is a global IPv6 one). */
        public Builder ipv6NextHop(InetAddress nextHop) {
            Preconditions.checkNotNull(nextHop, name + "ipv6NextHop");
            Preconditions.checkArgument(nextHop instanceof Inet6Address && !nextHop.isAnyLocalAddress()
                    && !nextHop.isMulticastAddress() && !nextHop.isLinkLocalAddress(), name + "ipv6NextHop",
                    Addresses.format(nextHop), "a global unicast IPv6 address");
            this.ipv6NextHop = (Inet6Address) Addresses.of(nextHop.getAddress());
            return this;
        }

        public Builder ipv6NextHop(String nextHop) {
            return ipv6NextHop(Addresses.parse(nextHop, name + "ipv6NextHop"));
        }

        /** The neighbour; the remote AS must be set. */
        public BgpNeighbor build() {
            Preconditions.checkState(remoteAs > 0, name + "remoteAs", null, "set");
            return new BgpNeighbor(this);
        }
    }

    static long checkAs(long as, String name) {
        Preconditions.checkInRange(as, 1, 0xFFFF_FFFFL, name);
        Preconditions.checkArgument(as != 23456, name, as, "not 23456 (AS_TRANS)");
        return as;
    }

    private static boolean sameFamily(InetAddress a, InetAddress b) {
        return (a instanceof Inet6Address) == (b instanceof Inet6Address);
    }

    private static String family(InetAddress a) {
        return a instanceof Inet6Address ? "IPv6" : "IPv4";
    }
}
