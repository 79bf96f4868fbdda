package io.lvs4j;

import io.lvs4j.internal.Addresses;
import io.lvs4j.internal.Preconditions;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A virtual service with its real servers. Immutable; build one with {@link #tcp}, {@link #udp},
 * {@link #sctp}, {@link #fwmark} or {@link #builder(ServiceKey)}:
 *
 * <pre>{@code
 * VirtualService web = VirtualService.tcp("192.0.2.10", 80)
 *         .scheduler(Scheduler.WRR)
 *         .persistence(Duration.ofSeconds(50))
 *         .realServer(RealServer.of("10.0.0.2", 80).weight(3).route())
 *         .realServer(RealServer.of("10.0.0.3", 80).weight(1).route())
 *         .build();
 * }</pre>
 *
 * <p>Defaults follow ipvsadm: scheduler wlc, not persistent, no flags. Real servers keep the
 * order they were given in.
 */
public final class VirtualService {
    /** ipvsadm's (and keepalived's) persistence timeout when {@code -p} has no value: 360 s. */
    public static final Duration DEFAULT_PERSISTENCE = Duration.ofSeconds(360);
    /** The longest timeout ipvsadm accepts: 31 days, in seconds. */
    public static final int MAX_TIMEOUT_SECONDS = 31 * 86400;
    /** The longest persistence-engine name the kernel takes ({@code IP_VS_PENAME_MAXLEN} - 1). */
    public static final int MAX_PE_NAME = 15;

    private final ServiceKey key;
    private final Scheduler scheduler;
    private final Set<SchedulerFlag> flags;
    private final int persistenceSeconds;
    private final int netmask;
    private final String persistenceEngine;
    private final boolean onePacket;
    private final List<RealServer> realServers;

    private VirtualService(Builder b, List<RealServer> resolved) {
        this.key = b.key;
        this.scheduler = b.scheduler;
        this.flags = Collections.unmodifiableSet(b.flags.isEmpty()
                ? EnumSet.noneOf(SchedulerFlag.class) : EnumSet.copyOf(b.flags));
        this.persistenceSeconds = b.persistenceSeconds;
        this.netmask = b.netmask;
        this.persistenceEngine = b.persistenceEngine;
        this.onePacket = b.onePacket;
        this.realServers = Collections.unmodifiableList(resolved);
    }

    /** A TCP service at that address literal and port. */
    public static Builder tcp(String address, int port) {
        return builder(ServiceKey.of(Protocol.TCP, address, port));
    }

    /** A UDP service at that address literal and port. */
    public static Builder udp(String address, int port) {
        return builder(ServiceKey.of(Protocol.UDP, address, port));
    }

    /** An SCTP service at that address literal and port. */
    public static Builder sctp(String address, int port) {
        return builder(ServiceKey.of(Protocol.SCTP, address, port));
    }

    /** An IPv4 firewall-mark service. */
    public static Builder fwmark(long mark) {
        return builder(ServiceKey.fwmark(mark));
    }

    /** A firewall-mark service of that family. */
    public static Builder fwmark(long mark, AddressFamily family) {
        return builder(ServiceKey.fwmark(mark, family));
    }

    /** A service with that key. */
    public static Builder builder(ServiceKey key) {
        return new Builder(Preconditions.checkNotNull(key, "service key"));
    }

    public ServiceKey key() {
        return key;
    }

    public AddressFamily family() {
        return key.family();
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /** The scheduler flags, unmodifiable. */
    public Set<SchedulerFlag> flags() {
        return flags;
    }

    /** The kernel's scheduler flag bits ({@code IP_VS_SVC_F_SCHED1..3}). */
    public int schedulerFlagBits() {
        int bits = 0;
        for (SchedulerFlag f : flags) {
            bits |= f.bit();
        }
        return bits;
    }

    public boolean isPersistent() {
        return persistenceSeconds != 0;
    }

    /** The persistence timeout; zero when not persistent. */
    public Duration persistence() {
        return Duration.ofSeconds(persistenceSeconds);
    }

    /** The persistence timeout in seconds, 0 when not persistent. */
    public int persistenceSeconds() {
        return persistenceSeconds;
    }

    /**
     * Persistence granularity as the kernel holds it: for IPv4 the netmask as a 32-bit value
     * ({@code 0xffffffff} by default), for IPv6 the prefix length (128 by default).
     */
    public int persistenceNetmask() {
        return netmask;
    }

    /** The netmask as text: {@code 255.255.255.0} for IPv4, the prefix length for IPv6. */
    public String persistenceNetmaskText() {
        return key.family() == AddressFamily.INET
                ? Addresses.format(Addresses.ofInt(netmask)) : Integer.toString(netmask);
    }

    /** The persistence engine ({@code sip}), if any. */
    public Optional<String> persistenceEngine() {
        return Optional.ofNullable(persistenceEngine);
    }

    /** One-packet scheduling ({@code -o}, keepalived {@code ops}). */
    public boolean onePacket() {
        return onePacket;
    }

    /** The real servers in the order given, ports resolved. */
    public List<RealServer> realServers() {
        return realServers;
    }

    /** The real server at that address and port. */
    public Optional<RealServer> realServer(InetAddress address, int port) {
        for (RealServer r : realServers) {
            if (r.port() == port && r.address().equals(address)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** A builder holding this service's settings and real servers. */
    public Builder toBuilder() {
        Builder b = new Builder(key);
        b.scheduler = scheduler;
        b.flags.addAll(flags);
        b.persistenceSeconds = persistenceSeconds;
        b.netmask = netmask;
        b.persistenceEngine = persistenceEngine;
        b.onePacket = onePacket;
        for (RealServer r : realServers) {
            b.realServers.add(r);
        }
        return b;
    }

    /** Whether the service settings (not the real servers) equal another's. */
    public boolean sameSettings(VirtualService o) {
        return key.equals(o.key) && scheduler == o.scheduler && flags.equals(o.flags)
                && persistenceSeconds == o.persistenceSeconds && netmask == o.netmask
                && Objects.equals(persistenceEngine, o.persistenceEngine) && onePacket == o.onePacket;
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof VirtualService && sameSettings((VirtualService) o)
                && realServers.equals(((VirtualService) o).realServers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, scheduler, flags, persistenceSeconds, netmask, persistenceEngine, onePacket,
                realServers);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("VirtualService{").append(key).append(' ').append(scheduler);
        if (!flags.isEmpty()) {
            sb.append(" flags=").append(flags);
        }
        if (isPersistent()) {
            sb.append(" persistent=").append(persistenceSeconds).append('s');
            int defaultMask = key.family() == AddressFamily.INET ? -1 : 128;
            if (netmask != defaultMask) {
                sb.append(" netmask=").append(persistenceNetmaskText());
            }
        }
        if (persistenceEngine != null) {
            sb.append(" pe=").append(persistenceEngine);
        }
        if (onePacket) {
            sb.append(" ops");
        }
        return sb.append(" realServers=").append(realServers).append('}').toString();
    }

    /** Builds a {@link VirtualService}. Setters check their argument at once; {@link #build()} checks the whole. */
    public static final class Builder {
        private final ServiceKey key;
        private Scheduler scheduler = Scheduler.WLC;
        private final EnumSet<SchedulerFlag> flags = EnumSet.noneOf(SchedulerFlag.class);
        private int persistenceSeconds;
        private int netmask;
        private String persistenceEngine;
        private boolean onePacket;
        private final List<RealServer> realServers = new ArrayList<>();

        Builder(ServiceKey key) {
            this.key = key;
            this.netmask = key.family() == AddressFamily.INET ? -1 : 128;
        }

        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Preconditions.checkNotNull(scheduler, "scheduler");
            return this;
        }

        /** The scheduler by its kernel name, e.g. {@code "wrr"}. */
        public Builder scheduler(String name) {
            return scheduler(Scheduler.of(name));
        }

        /** Adds scheduler flags. */
        public Builder flags(SchedulerFlag... flags) {
            for (SchedulerFlag f : Preconditions.checkNotNull(flags, "scheduler flags")) {
                this.flags.add(Preconditions.checkNotNull(f, "scheduler flag"));
            }
            return this;
        }

        /** Replaces the scheduler flags. */
        public Builder flags(Collection<SchedulerFlag> flags) {
            Preconditions.checkNotNull(flags, "scheduler flags");
            this.flags.clear();
            return flags(flags.toArray(new SchedulerFlag[0]));
        }

        /** Persistence with ipvsadm's default timeout of 360 s. */
        public Builder persistent() {
            return persistence(DEFAULT_PERSISTENCE);
        }

        /** Persistence for that long: whole seconds, 1 s to 31 days; {@link Duration#ZERO} turns it off. */
        public Builder persistence(Duration timeout) {
            Preconditions.checkNotNull(timeout, "persistence");
            Preconditions.checkArgument(timeout.getNano() == 0 && !timeout.isNegative()
                    && timeout.getSeconds() <= MAX_TIMEOUT_SECONDS, "persistence", timeout,
                    "whole seconds, 0..." + MAX_TIMEOUT_SECONDS + " s");
            this.persistenceSeconds = (int) timeout.getSeconds();
            return this;
        }

        /** Persistence timeout in seconds; 0 turns it off. */
        public Builder persistenceSeconds(int seconds) {
            this.persistenceSeconds = Preconditions.checkInRange(seconds, 0, MAX_TIMEOUT_SECONDS, "persistence");
            return this;
        }

        /**
         * Persistence granularity: a dotted netmask for IPv4 ({@code 255.255.255.0}), a prefix
         * length for IPv6 ({@code 64} or {@code /64}).
         */
        public Builder persistenceNetmask(String netmask) {
            Preconditions.checkNotNull(netmask, "persistence netmask");
            if (key.family() == AddressFamily.INET) {
                this.netmask = Addresses.toInt(Addresses.parse4(netmask, "persistence netmask"));
            } else {
                String s = netmask.trim().startsWith("/") ? netmask.trim().substring(1) : netmask.trim();
                int len;
                try {
                    len = Integer.parseInt(s);
                } catch (NumberFormatException e) {
                    throw Preconditions.invalid("persistence netmask", netmask, "an IPv6 prefix length 1..128");
                }
                persistencePrefixLength(len);
            }
            return this;
        }

        /** Persistence granularity as a prefix length: 0..32 for IPv4, 1..128 for IPv6. */
        public Builder persistencePrefixLength(int length) {
            if (key.family() == AddressFamily.INET) {
                Preconditions.checkInRange(length, 0, 32, "persistence prefix length");
                this.netmask = length == 0 ? 0 : -1 << (32 - length);
            } else {
                this.netmask = Preconditions.checkInRange(length, 1, 128, "persistence prefix length");
            }
            return this;
        }

        /** The persistence engine, e.g. {@code "sip"}. */
        public Builder persistenceEngine(String name) {
            Preconditions.checkNotNull(name, "persistence engine");
            Preconditions.checkArgument(name.matches("[a-z0-9_]{1," + MAX_PE_NAME + "}"), "persistence engine", name,
                    "1.." + MAX_PE_NAME + " characters of a-z, 0-9, _ (e.g. sip)");
            this.persistenceEngine = name;
            return this;
        }

        /** One-packet scheduling, for UDP. */
        public Builder onePacket(boolean onePacket) {
            this.onePacket = onePacket;
            return this;
        }

        /** Adds a real server; its builder is built now. */
        public Builder realServer(RealServer.Builder realServer) {
            return realServer(Preconditions.checkNotNull(realServer, "real server").build());
        }

        /** Adds a real server. */
        public Builder realServer(RealServer realServer) {
            this.realServers.add(Preconditions.checkNotNull(realServer, "real server"));
            return this;
        }

        /** Adds real servers in order. */
        public Builder realServers(Collection<RealServer> realServers) {
            for (RealServer r : Preconditions.checkNotNull(realServers, "real servers")) {
                realServer(r);
            }
            return this;
        }

        /** Removes every real server. */
        public Builder clearRealServers() {
            this.realServers.clear();
            return this;
        }

        /** Removes the real server at that address and port, if present. */
        public Builder removeRealServer(InetAddress address, int port) {
            realServers.removeIf(r -> r.address().equals(address) && resolvePort(r) == port);
            return this;
        }

        private int resolvePort(RealServer r) {
            if (!key.isFwmark() && (r.port() == 0 || r.forwarding() == Forwarding.ROUTE
                    || r.forwarding() == Forwarding.TUNNEL)) {
                return key.port();
            }
            return r.port();
        }

        /**
         * Builds the service.
         *
         * @throws IllegalArgumentException if a flag belongs to another scheduler, port 0 is
         *     used without persistence, a real server's family differs without tunnelling, or
         *     two real servers share an address and port
         */
        public VirtualService build() {
            for (SchedulerFlag f : flags) {
                if (f.onlyFor() != null && f.onlyFor() != scheduler) {
                    throw Preconditions.invalid("scheduler flag", f.ipvsadmName(),
                            "only with scheduler " + f.onlyFor() + "; scheduler is " + scheduler);
                }
            }
            if (!key.isFwmark() && key.port() == 0 && persistenceSeconds == 0) {
                throw Preconditions.invalid("port", 0, "1..65535, or 0 for a persistent service");
            }
            List<RealServer> resolved = new ArrayList<>(realServers.size());
            for (int i = 0; i < realServers.size(); i++) {
                RealServer r = realServers.get(i);
                int port = resolvePort(r);
                if (port != r.port()) {
                    r = r.toBuilder().port(port).build();
                }
                if (r.family() != key.family() && r.forwarding() != Forwarding.TUNNEL) {
                    throw Preconditions.invalid("real server " + r.endpoint(), r.family() == AddressFamily.INET6 ? "IPv6" : "IPv4",
                            "the service's family " + (key.family() == AddressFamily.INET6 ? "IPv6" : "IPv4")
                                    + ", or tunnel forwarding");
                }
                for (int j = 0; j < resolved.size(); j++) {
                    if (resolved.get(j).sameEndpoint(r)) {
                        throw Preconditions.invalid("real server #" + (i + 1), r.endpoint(),
                                "unique in " + key + "; real server #" + (j + 1) + " is " + resolved.get(j).endpoint());
                    }
                }
                resolved.add(r);
            }
            return new VirtualService(this, resolved);
        }
    }
}
