package io.lvs4j;

import io.lvs4j.internal.Addresses;
import io.lvs4j.internal.Preconditions;
import java.net.InetAddress;
import java.util.Objects;

/**
 * A real server (the kernel's "destination") of a virtual service. Immutable.
 *
 * <p>Defaults follow ipvsadm: weight 1, direct routing. Port 0 means "the service's port", which
 * {@link VirtualService.Builder#build()} fills in; for direct routing and tunnelling the kernel
 * always uses the service's port, as ipvsadm enforces.
 */
public final class RealServer {
    /** The largest weight ipvsadm accepts. */
    public static final int MAX_WEIGHT = 65535;

    private final InetAddress address;
    private final int port;
    private final int weight;
    private final Forwarding forwarding;
    private final TunnelType tunnelType;
    private final int tunnelPort;
    private final TunnelChecksum tunnelChecksum;
    private final int upperThreshold;
    private final int lowerThreshold;

    private RealServer(Builder b) {
        this.address = b.address;
        this.port = b.port;
        this.weight = b.weight;
        this.forwarding = b.forwarding;
        this.tunnelType = b.tunnelType;
        this.tunnelPort = b.tunnelPort;
        this.tunnelChecksum = b.tunnelChecksum;
        this.upperThreshold = b.upperThreshold;
        this.lowerThreshold = b.lowerThreshold;
    }

    /** A builder for the real server at that address literal and port. */
    public static Builder of(String address, int port) {
        return new Builder(Addresses.parse(address, "real server address"), port);
    }

    /** A builder for the real server at that address, on the service's port. */
    public static Builder of(String address) {
        return of(address, 0);
    }

    /** A builder for the real server at that address and port. */
    public static Builder of(InetAddress address, int port) {
        return new Builder(Preconditions.checkNotNull(address, "real server address"), port);
    }

    public InetAddress address() {
        return address;
    }

    public AddressFamily family() {
        return AddressFamily.of(address);
    }

    /** The port; 0 only before the real server joins a service. */
    public int port() {
        return port;
    }

    /** 0..65535; 0 means quiesced: no new connections. */
    public int weight() {
        return weight;
    }

    public boolean isQuiesced() {
        return weight == 0;
    }

    public Forwarding forwarding() {
        return forwarding;
    }

    /** The encapsulation; {@link TunnelType#IPIP} (the kernel's 0) unless tunnelling says otherwise. */
    public TunnelType tunnelType() {
        return tunnelType;
    }

    /** The GUE destination port, or 0. */
    public int tunnelPort() {
        return tunnelPort;
    }

    public TunnelChecksum tunnelChecksum() {
        return tunnelChecksum;
    }

    /** Connections at which the server counts as overloaded; 0 means no limit. */
    public int upperThreshold() {
        return upperThreshold;
    }

    /** Connections under which an overloaded server takes new ones again; 0 means the kernel's default. */
    public int lowerThreshold() {
        return lowerThreshold;
    }

    /** {@code 10.0.0.2:80} or {@code [2001:db8::2]:80}. */
    public String endpoint() {
        return Addresses.endpoint(address, port);
    }

    /** The same real server with another weight. */
    public RealServer withWeight(int weight) {
        return toBuilder().weight(weight).build();
    }

    public Builder toBuilder() {
        Builder b = new Builder(address, port);
        b.weight = weight;
        b.forwarding = forwarding;
        b.tunnelType = tunnelType;
        b.tunnelPort = tunnelPort;
        b.tunnelChecksum = tunnelChecksum;
        b.upperThreshold = upperThreshold;
        b.lowerThreshold = lowerThreshold;
        return b;
    }

    /** Whether it is the same server: same address and port. */
    boolean sameEndpoint(RealServer o) {
        return port == o.port && address.equals(o.address);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RealServer)) {
            return false;
        }
        RealServer r = (RealServer) o;
        return port == r.port && weight == r.weight && tunnelPort == r.tunnelPort
                && upperThreshold == r.upperThreshold && lowerThreshold == r.lowerThreshold
                && address.equals(r.address) && forwarding == r.forwarding
                && tunnelType == r.tunnelType && tunnelChecksum == r.tunnelChecksum;
    }

    @Override
    public int hashCode() {
        return Objects.hash(address, port, weight, forwarding, tunnelType, tunnelPort, tunnelChecksum,
                upperThreshold, lowerThreshold);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("RealServer{").append(endpoint())
                .append(' ').append(forwarding.ipvsadmName().toLowerCase(java.util.Locale.ROOT))
                .append(" weight=").append(weight);
        if (forwarding == Forwarding.TUNNEL) {
            sb.append(" tun=").append(tunnelType.ipvsadmName());
            if (tunnelPort != 0) {
                sb.append(':').append(tunnelPort);
            }
            if (tunnelChecksum != TunnelChecksum.NONE) {
                sb.append(' ').append(tunnelChecksum.name().toLowerCase(java.util.Locale.ROOT));
            }
        }
        if (upperThreshold != 0 || lowerThreshold != 0) {
            sb.append(" thresholds=").append(lowerThreshold).append("..").append(upperThreshold);
        }
        return sb.append('}').toString();
    }

    /** Builds a {@link RealServer}; every setter checks its argument at once. */
    public static final class Builder {
        private final InetAddress address;
        private int port;
        private int weight = 1;
        private Forwarding forwarding = Forwarding.ROUTE;
        private TunnelType tunnelType = TunnelType.IPIP;
        private boolean tunnelTypeSet;
        private int tunnelPort;
        private TunnelChecksum tunnelChecksum = TunnelChecksum.NONE;
        private int upperThreshold;
        private int lowerThreshold;

        Builder(InetAddress address, int port) {
            this.address = address;
            this.port = Preconditions.checkInRange(port, 0, 65535, "real server port");
        }

        /** The port; 0 (the default) means the service's port. */
        public Builder port(int port) {
            this.port = Preconditions.checkInRange(port, 0, 65535, "real server port");
            return this;
        }

        /** 0..65535 as ipvsadm accepts; 0 quiesces the server. */
        public Builder weight(int weight) {
            this.weight = Preconditions.checkInRange(weight, 0, MAX_WEIGHT, "weight");
            return this;
        }

        /** Weight 0: the server keeps its connections but takes no new ones. */
        public Builder quiesced() {
            return weight(0);
        }

        public Builder forwarding(Forwarding forwarding) {
            this.forwarding = Preconditions.checkNotNull(forwarding, "forwarding");
            return this;
        }

        /** NAT ({@code -m}). */
        public Builder masquerade() {
            return forwarding(Forwarding.MASQ);
        }

        /** Direct routing ({@code -g}), the default. */
        public Builder route() {
            return forwarding(Forwarding.ROUTE);
        }

        /** IP-in-IP tunnelling ({@code -i}). */
        public Builder tunnel() {
            return forwarding(Forwarding.TUNNEL);
        }

        /** Tunnelling with that encapsulation. */
        public Builder tunnel(TunnelType type) {
            forwarding(Forwarding.TUNNEL);
            this.tunnelType = Preconditions.checkNotNull(type, "tunnel type");
            this.tunnelTypeSet = type != TunnelType.IPIP;
            return this;
        }

        /** The GUE port, 1..65535. */
        public Builder tunnelPort(int port) {
            this.tunnelPort = Preconditions.checkInRange(port, 1, 65535, "tunnel port");
            return this;
        }

        public Builder tunnelChecksum(TunnelChecksum checksum) {
            this.tunnelChecksum = Preconditions.checkNotNull(checksum, "tunnel checksum");
            return this;
        }

        /** Upper connection threshold, 0 (none) to 2^31-1. */
        public Builder upperThreshold(int connections) {
            this.upperThreshold = Preconditions.checkInRange(connections, 0, Integer.MAX_VALUE, "upper threshold");
            return this;
        }

        /** Lower connection threshold, 0 (kernel default) to 2^31-1. */
        public Builder lowerThreshold(int connections) {
            this.lowerThreshold = Preconditions.checkInRange(connections, 0, Integer.MAX_VALUE, "lower threshold");
            return this;
        }

        /**
         * Builds the real server.
         *
         * @throws IllegalArgumentException if tunnel settings are given without tunnelling, GUE
         *     has no port, a checksum option does not fit the encapsulation, or the lower
         *     threshold is above the upper one (the kernel refuses that)
         */
        public RealServer build() {
            if (forwarding != Forwarding.TUNNEL) {
                if (tunnelTypeSet || tunnelPort != 0 || tunnelChecksum != TunnelChecksum.NONE) {
                    throw Preconditions.invalid("tunnel settings", tunnelType.ipvsadmName()
                            + (tunnelPort != 0 ? ":" + tunnelPort : "")
                            + (tunnelChecksum != TunnelChecksum.NONE ? " " + tunnelChecksum.ipvsadmOption() : ""),
                            "only with tunnel forwarding; forwarding is "
                                    + forwarding.ipvsadmName().toLowerCase(java.util.Locale.ROOT));
                }
            } else {
                if (tunnelType == TunnelType.GUE && tunnelPort == 0) {
                    throw Preconditions.invalid("tunnel port", 0, "1..65535 for gue");
                }
                if (tunnelType != TunnelType.GUE && tunnelPort != 0) {
                    throw Preconditions.invalid("tunnel port", tunnelPort, "only for gue; tunnel type is " + tunnelType.ipvsadmName());
                }
                if (tunnelChecksum == TunnelChecksum.REMCSUM && tunnelType != TunnelType.GUE) {
                    throw Preconditions.invalid("tunnel checksum", tunnelChecksum.ipvsadmOption(), "--tun-remcsum only for gue");
                }
                if (tunnelChecksum != TunnelChecksum.NONE && tunnelType == TunnelType.IPIP) {
                    throw Preconditions.invalid("tunnel checksum", tunnelChecksum.ipvsadmOption(), "none for ipip");
                }
            }
            if (lowerThreshold > upperThreshold) {
                throw Preconditions.invalid("lower threshold", lowerThreshold, "<= upper threshold " + upperThreshold);
            }
            return new RealServer(this);
        }
    }
}
