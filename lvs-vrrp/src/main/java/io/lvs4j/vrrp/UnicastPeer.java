package io.lvs4j.vrrp;

import io.lvs4j.internal.Addresses;
import io.lvs4j.internal.Preconditions;
import java.net.InetAddress;
import java.util.Objects;

/**
 * A unicast peer of a VRRP instance ({@code unicast_peer}) and the TTL (IPv4) or hop limit (IPv6)
 * its adverts may arrive with ({@code min_ttl}, {@code max_ttl}; 0..255, all by default). An advert
 * from the peer whose received TTL lies outside the bounds is dropped and counted as
 * {@link DropReason#TTL_OUT_OF_BOUNDS}, as keepalived 2.2.7 does. A peer one hop away whose adverts
 * must not have crossed a router: {@code minTtl(255)}.
 *
 * <pre>{@code
 * UnicastPeer peer = UnicastPeer.builder("192.0.2.12").minTtl(254).build();
 * VrrpInstance.builder("VI_1")...unicastPeer(peer)
 * }</pre>
 */
public final class UnicastPeer {
    private final InetAddress address;
    private final int minTtl;
    private final int maxTtl;

    private UnicastPeer(Builder b) {
        this.address = b.address;
        this.minTtl = b.minTtl;
        this.maxTtl = b.maxTtl;
    }

    /** A peer at {@code address} that accepts every TTL (0..255). */
    public static UnicastPeer of(InetAddress address) {
        return builder(address).build();
    }

    public static Builder builder(InetAddress address) {
        return new Builder(Preconditions.checkNotNull(address, "unicast_peer"));
    }

    /** A builder for the peer at an address literal (no name lookup). */
    public static Builder builder(String address) {
        return new Builder(Addresses.parse(address, "unicast_peer"));
    }

    public Builder toBuilder() {
        return new Builder(address).minTtl(minTtl).maxTtl(maxTtl);
    }

    public InetAddress address() {
        return address;
    }

    /** The lowest TTL (hop limit) accepted; 0 by default. */
    public int minTtl() {
        return minTtl;
    }

    /** The highest TTL (hop limit) accepted; 255 by default. */
    public int maxTtl() {
        return maxTtl;
    }

    /** True when the bounds are 0..255, so any advert of this peer passes the TTL check. */
    public boolean acceptsAnyTtl() {
        return minTtl == 0 && maxTtl == 255;
    }

    /** True when an advert received with {@code ttl} passes this peer's bounds. */
    public boolean accepts(int ttl) {
        return ttl >= minTtl && ttl <= maxTtl;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnicastPeer p && address.equals(p.address) && minTtl == p.minTtl && maxTtl == p.maxTtl;
    }

    @Override
    public int hashCode() {
        return Objects.hash(address, minTtl, maxTtl);
    }

    /** As keepalived writes it: {@code 192.0.2.12 min_ttl 254 max_ttl 255} (the bounds only when set). */
    @Override
    public String toString() {
        return Addresses.format(address) + (acceptsAnyTtl() ? "" : " min_ttl " + minTtl + " max_ttl " + maxTtl);
    }

    /** Builder: the setters check 0..255 at once, {@link #build()} that min_ttl is at most max_ttl. */
    public static final class Builder {
        private final InetAddress address;
        private int minTtl;
        private int maxTtl = 255;

        private Builder(InetAddress address) {
            this.address = address;
        }

        private String p(String setting) {
            return "unicast_peer " + Addresses.format(address) + " " + setting;
        }

        /** The lowest TTL (hop limit) accepted, 0..255; 0. */
        public Builder minTtl(int ttl) {
            this.minTtl = Preconditions.checkInRange(ttl, 0, 255, p("min_ttl"));
            return this;
        }

        /** The highest TTL (hop limit) accepted, 0..255; 255. */
        public Builder maxTtl(int ttl) {
            this.maxTtl = Preconditions.checkInRange(ttl, 0, 255, p("max_ttl"));
            return this;
        }

        /**
         * The peer.
         *
         * @throws IllegalStateException if min_ttl is above max_ttl (every advert would be dropped)
         */
        public UnicastPeer build() {
            Preconditions.checkState(minTtl <= maxTtl, p("min_ttl"), minTtl,
                    "at most max_ttl " + maxTtl + ", else every advert is dropped");
            return new UnicastPeer(this);
        }
    }
}
