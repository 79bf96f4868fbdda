package io.lvs4j.vrrp;

import io.lvs4j.internal.Addresses;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.vrrp.config.AuthType;
import io.lvs4j.vrrp.config.GarpSettings;
import io.lvs4j.vrrp.config.VirtualIpAddress;
import io.lvs4j.vrrp.config.VrrpAuthentication;
import io.lvs4j.vrrp.config.VrrpInstanceConfig;
import io.lvs4j.vrrp.config.VrrpState;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings of one VRRP instance (virtual router), immutable. Build with {@link #builder(String)}
 * or from a keepalived {@code vrrp_instance} with {@link #fromConfig(VrrpInstanceConfig)}; defaults
 * are keepalived's (version 2, priority 100, advert_int 1 s, preempt, initial state BACKUP).
 */
public final class VrrpInstance {
    /** IPv4 multicast group 224.0.0.18 (RFC 3768 5.2.2). */
    public static final InetAddress GROUP_IPV4 = Addresses.parse("224.0.0.18", "group");
    /** IPv6 multicast group ff02::12 (RFC 5798 5.1.2.2). */
    public static final InetAddress GROUP_IPV6 = Addresses.parse("ff02::12", "group");

    private final String name;
    private final int virtualRouterId;
    private final int version;
    private final int priority;
    private final int advertIntervalCentis;
    private final VrrpState initialState;
    private final boolean nopreempt;
    private final Duration preemptDelay;
    private final boolean acceptMode;
    private final VrrpAuthentication authentication;
    private final InetAddress primaryAddress;
    private final List<VirtualIpAddress> virtualAddresses;
    private final List<InetAddress> unicastPeers;
    private final GarpSettings garp;
    private final boolean higherPrioritySendAdvert;

    private VrrpInstance(Builder b) {
        this.name = b.name;
        this.virtualRouterId = b.virtualRouterId;
        this.version = b.version;
        this.priority = b.priority;
        this.advertIntervalCentis = (int) (b.advertInterval.toMillis() / 10);
        this.initialState = b.initialState;
        this.nopreempt = b.nopreempt;
        this.preemptDelay = b.preemptDelay;
        this.acceptMode = b.acceptMode == null ? b.priority == 255 : b.acceptMode;
        this.authentication = b.authentication;
        this.primaryAddress = b.primaryAddress;
        this.virtualAddresses = List.copyOf(b.virtualAddresses);
        this.unicastPeers = List.copyOf(b.unicastPeers);
        this.garp = b.garp;
        this.higherPrioritySendAdvert = b.higherPrioritySendAdvert;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * A builder holding what {@code config} says. The primary address is its
     * {@code unicast_src_ip}/{@code mcast_src_ip} when given; otherwise the caller sets the
     * interface's address with {@link Builder#primaryAddress}.
     */
    public static Builder fromConfig(VrrpInstanceConfig config) {
        Builder b = new Builder(config.name()).virtualRouterId(config.virtualRouterId());
        if (config.version() != null) {
            b.version(config.version());
        }
        if (config.priority() != null) {
            b.priority(config.priority());
        }
        if (config.advertInterval() != null) {
            b.advertInterval(config.advertInterval());
        }
        if (config.state() != null) {
            b.initialState(config.state());
        }
        b.nopreempt(config.nopreempt());
        if (config.preemptDelay() != null) {
            b.preemptDelay(config.preemptDelay());
        }
        if (config.accept() != null) {
            b.acceptMode(config.accept());
        }
        if (config.authentication() != null) {
            b.authentication(config.authentication());
        }
        InetAddress source = config.unicastSourceIp() != null ? config.unicastSourceIp() : config.multicastSourceIp();
        if (source != null) {
            b.primaryAddress(source);
        }
        b.virtualAddresses(config.virtualIpAddresses());
        b.unicastPeers(config.unicastPeers());
        b.garp(config.garp());
        List<String> hp = config.otherSettings().get("higher_prio_send_advert");
        if (hp != null) {
            b.higherPrioritySendAdvert(hp.isEmpty() || hp.get(0).equalsIgnoreCase("true") || hp.get(0).equals("1")
                    || hp.get(0).equalsIgnoreCase("yes") || hp.get(0).equalsIgnoreCase("on"));
        }
        return b;
    }

    public Builder toBuilder() {
        Builder b = new Builder(name).virtualRouterId(virtualRouterId).version(version).priority(priority)
                .advertInterval(advertInterval()).initialState(initialState).nopreempt(nopreempt)
                .preemptDelay(preemptDelay).acceptMode(acceptMode).primaryAddress(primaryAddress)
                .virtualAddresses(virtualAddresses).unicastPeers(unicastPeers).garp(garp)
                .higherPrioritySendAdvert(higherPrioritySendAdvert);
        if (authentication != null) {
            b.authentication(authentication);
        }
        return b;
    }

    public String name() {
        return name;
    }

    public int virtualRouterId() {
        return virtualRouterId;
    }

    public int version() {
        return version;
    }

    /** 1..254, or 255 for the address owner. */
    public int priority() {
        return priority;
    }

    public Duration advertInterval() {
        return Duration.ofMillis(advertIntervalCentis * 10L);
    }

    public int advertIntervalCentis() {
        return advertIntervalCentis;
    }

    public VrrpState initialState() {
        return initialState;
    }

    public boolean nopreempt() {
        return nopreempt;
    }

    public Duration preemptDelay() {
        return preemptDelay;
    }

    /** RFC 5798 Accept_Mode; defaults to true for the address owner, false otherwise. */
    public boolean acceptMode() {
        return acceptMode;
    }

    /** v2 authentication, or null. */
    public VrrpAuthentication authentication() {
        return authentication;
    }

    public InetAddress primaryAddress() {
        return primaryAddress;
    }

    public boolean ipv6() {
        return primaryAddress instanceof Inet6Address;
    }

    public List<VirtualIpAddress> virtualAddresses() {
        return virtualAddresses;
    }

    public List<InetAddress> unicastPeers() {
        return unicastPeers;
    }

    public GarpSettings garp() {
        return garp;
    }

    /**
     * keepalived's {@code higher_prio_send_advert}: a master preempted by a higher priority sends one
     * more advert first, so the new master re-sends its gratuitous ARPs after a split brain.
     */
    public boolean higherPrioritySendAdvert() {
        return higherPrioritySendAdvert;
    }

    @Override
    public String toString() {
        return "VrrpInstance[" + name + " vrid=" + virtualRouterId + " v" + version + " prio=" + priority
                + " advert=" + advertInterval() + " primary=" + Addresses.format(primaryAddress)
                + (nopreempt ? " nopreempt" : "") + (preemptDelay.isZero() ? "" : " preempt_delay=" + preemptDelay)
                + " auth=" + authentication + " vips=" + virtualAddresses.size() + "]";
    }

    /** Builder: each setter checks its argument; {@link #build()} checks the combination. */
    public static final class Builder {
        private final String name;
        private int virtualRouterId;
        private int version = 2;
        private int priority = 100;
        private Duration advertInterval = Duration.ofSeconds(1);
        private VrrpState initialState = VrrpState.BACKUP;
        private boolean nopreempt;
        private Duration preemptDelay = Duration.ZERO;
        private Boolean acceptMode;
        private VrrpAuthentication authentication;
        private InetAddress primaryAddress;
        private List<VirtualIpAddress> virtualAddresses = List.of();
        private List<InetAddress> unicastPeers = List.of();
        private GarpSettings garp = GarpSettings.DEFAULTS;
        private boolean higherPrioritySendAdvert;

        private Builder(String name) {
            Preconditions.checkArgument(name != null && !name.isBlank(), "name", name, "a non-blank name");
            this.name = name;
        }

        public Builder virtualRouterId(int vrid) {
            this.virtualRouterId = Preconditions.checkInRange(vrid, 1, 255, "virtual_router_id");
            return this;
        }

        public Builder version(int version) {
            this.version = Preconditions.checkInRange(version, 2, 3, "version");
            return this;
        }

        /** 1..254, or 255 for the address owner. */
        public Builder priority(int priority) {
            this.priority = Preconditions.checkInRange(priority, 1, 255, "priority");
            return this;
        }

        /** v2: whole seconds 1..255; v3: multiples of 10 ms, 10 ms..40.95 s (checked in build). */
        public Builder advertInterval(Duration interval) {
            Preconditions.checkNotNull(interval, "advert_int");
            Preconditions.checkArgument(!interval.isNegative() && !interval.isZero()
                    && interval.toNanos() % 10_000_000L == 0 && interval.toMillis() <= 255_000,
                    "advert_int", interval, "a multiple of 10ms from 10ms to 255s");
            this.advertInterval = interval;
            return this;
        }

        public Builder initialState(VrrpState state) {
            this.initialState = Preconditions.checkNotNull(state, "state");
            return this;
        }

        public Builder nopreempt(boolean nopreempt) {
            this.nopreempt = nopreempt;
            return this;
        }

        public Builder preemptDelay(Duration delay) {
            Preconditions.checkNotNull(delay, "preempt_delay");
            Preconditions.checkArgument(!delay.isNegative() && delay.toSeconds() <= 1000, "preempt_delay", delay,
                    "0s..1000s");
            this.preemptDelay = delay;
            return this;
        }

        public Builder acceptMode(boolean accept) {
            this.acceptMode = accept;
            return this;
        }

        public Builder authentication(VrrpAuthentication auth) {
            Preconditions.checkNotNull(auth, "authentication");
            Preconditions.checkArgument(auth.password() != null && !auth.password().isEmpty(), "auth_pass",
                    auth.password() == null ? null : "<redacted>", "a password");
            this.authentication = auth;
            return this;
        }

        /** This router's address on the link: the IP source of its adverts and the tie-break value. */
        public Builder primaryAddress(InetAddress address) {
            this.primaryAddress = Preconditions.checkNotNull(address, "primary address");
            return this;
        }

        public Builder virtualAddresses(List<VirtualIpAddress> addresses) {
            Preconditions.checkNotNull(addresses, "virtual_ipaddress");
            Preconditions.checkArgument(addresses.size() <= 255, "virtual_ipaddress count", addresses.size(), "0..255");
            this.virtualAddresses = List.copyOf(addresses);
            return this;
        }

        /** Convenience: addresses without prefix, device or label. */
        public Builder virtualAddresses(InetAddress... addresses) {
            List<VirtualIpAddress> l = new ArrayList<>();
            for (InetAddress a : addresses) {
                l.add(new VirtualIpAddress(a, -1, null, null, null, null, List.of()));
            }
            return virtualAddresses(l);
        }

        public Builder unicastPeers(List<InetAddress> peers) {
            this.unicastPeers = List.copyOf(Preconditions.checkNotNull(peers, "unicast_peer"));
            return this;
        }

        public Builder garp(GarpSettings garp) {
            this.garp = Preconditions.checkNotNull(garp, "garp");
            return this;
        }

        public Builder higherPrioritySendAdvert(boolean send) {
            this.higherPrioritySendAdvert = send;
            return this;
        }

        public VrrpInstance build() {
            Preconditions.checkState(virtualRouterId != 0, "virtual_router_id", null, "1..255");
            Preconditions.checkState(primaryAddress != null, "primary address", null,
                    "the interface address, or unicast_src_ip");
            boolean v6 = primaryAddress instanceof Inet6Address;
            Preconditions.checkState(!virtualAddresses.isEmpty(), "virtual_ipaddress", "[]", "at least one address");
            for (VirtualIpAddress v : virtualAddresses) {
                Preconditions.checkState((v.address() instanceof Inet6Address) == v6, "virtual_ipaddress",
                        Addresses.format(v.address()), (v6 ? "IPv6" : "IPv4") + " like the primary address");
            }
            for (InetAddress p : unicastPeers) {
                Preconditions.checkState((p instanceof Inet6Address) == v6, "unicast_peer", Addresses.format(p),
                        (v6 ? "IPv6" : "IPv4") + " like the primary address");
            }
            Preconditions.checkState(!(v6 && version == 2), "version", 2, "3 for IPv6 (RFC 3768 is IPv4 only)");
            long ms = advertInterval.toMillis();
            if (version == 2) {
                Preconditions.checkState(ms % 1000 == 0, "advert_int", advertInterval, "whole seconds 1..255 for VRRPv2");
            } else {
                Preconditions.checkState(ms <= 40_950, "advert_int", advertInterval, "10ms..40.95s for VRRPv3");
            }
            Preconditions.checkState(authentication == null || version == 2, "authentication", authentication,
                    "none for VRRPv3 (RFC 5798 removed it)");
            Preconditions.checkState(!(nopreempt && initialState == VrrpState.MASTER), "nopreempt", "with state MASTER",
                    "initial state BACKUP (keepalived: nopreempt needs it)");
            return new VrrpInstance(this);
        }
    }

    static byte[] key(VrrpAuthentication auth) {
        byte[] key = new byte[8];
        if (auth != null) {
            byte[] p = auth.password().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            System.arraycopy(p, 0, key, 0, Math.min(8, p.length));
        }
        return key;
    }

    static int authType(VrrpAuthentication auth) {
        if (auth == null) {
            return 0;
        }
        return auth.type() == AuthType.PASS ? 1 : 2;
    }
}
