package io.lvs4j.director;

import io.lvs4j.ServiceKey;
import io.lvs4j.bgp.BgpSpeaker;
import io.lvs4j.internal.Addresses;
import io.lvs4j.internal.Preconditions;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Route health injection: the director announces each virtual service's address (a host route,
 * IPv4 /32 or IPv6 /128) over BGP while it runs and the service has quorum, and withdraws it when
 * quorum is lost and when the director stops. Several directors announcing alike behind routers
 * with ECMP run active-active. Settings only; {@link Director.Builder#routeHealthInjection} puts
 * them to work.
 *
 * <pre>{@code
 * BgpSpeaker bgp = BgpSpeaker.builder().routerId("192.0.2.11").localAs(65001)
 *         .neighbor(BgpNeighbor.builder("192.0.2.1").remoteAs(65000).holdTime(Duration.ofSeconds(3)).build())
 *         .build();                                   // not started: the settings of the director's speaker
 * Director d = Director.builder()
 *         .service(web)
 *         .routeHealthInjection(RouteHealthInjection.builder(bgp).stopDrain(Duration.ofSeconds(5)).build())
 *         .start();
 * }</pre>
 *
 * <p><b>What is announced.</b> Every service's address, unless {@link Builder#noAnnounce} names the
 * service; a firewall-mark service has no address of its own and announces only the addresses
 * {@link Builder#announce(ServiceKey, List)} gives it (which replace an address service's own).
 * An address is announced while at least one of the services announcing it has quorum: the
 * service's {@code quorum} (keepalived's default 1: a real server that is up, with a weight
 * above 0). Before the first check result a real server counts as up, as in keepalived (down
 * with {@code alpha}).
 *
 * <p><b>Only a settled table is announced.</b> An address that is not announced yet goes out only
 * once its service is {@linkplain io.lvs4j.health.ServiceView#settled() settled}: every real
 * server's checks have had a result (up or down) since the director started (or the service was
 * added) and since its quorum last returned. Until then real servers may still be on their way
 * into the table, and the kernel's {@code mh}, which maps a flow by the real servers in the table,
 * would send the flows the routers move to this director to other real servers than the other
 * directors do. A check that never reports holds the route back at most one warmup or interval
 * (with its jitter), whichever is longer, plus one interval. An announced address stays while
 * quorum holds (a real server added by a reload does not withdraw it). With
 * {@code inhibit_on_failure} a failed real server stays in the table at weight 0 and the table
 * keeps its order; the kernel's {@code mh} builds its table from each server's last weight above
 * 0, so new flows it maps to that server find none unless {@code mh-fallback} is set.
 *
 * <p><b>A partial table waits.</b> A settled table that lacks some of the service's configured
 * real servers goes out first only after it has held, unchanged, for
 * {@link Builder#partialTableDelay} (10 s unless set); one with every real server goes out at
 * once. A director that alone sees a real server down for a moment (its route or neighbour entry
 * not back yet) would otherwise announce a table the other directors do not hold.
 *
 * <p><b>The address on a device.</b> IPVS only sees packets addressed to the host itself, so
 * while an address is announced it is also on {@link Builder#device} ({@code lo} unless set), in
 * the director's network namespace: added before the route goes out, removed after it is
 * withdrawn. Left alone when the director programs a table of its own (an
 * {@code InMemoryIpvs}, the userspace forwarder) unless {@link Builder#addressOnDevice} says so.
 * An address that is there already is adopted (a director restarted after a crash).
 *
 * <p><b>A planned stop</b> ({@link Director#close()}) withdraws every route first, waits
 * {@link Builder#stopDrain} so that the routers move the traffic away and connections under way
 * finish, then ends the BGP sessions, removes the rules and the addresses.
 *
 * <p>The BGP speaker runs on its own thread (its timers in real time, also under a virtual
 * clock), in the director's network namespace unless its settings name one.
 */
public final class RouteHealthInjection {
    /** The device announced addresses go on unless set. */
    public static final String DEFAULT_DEVICE = "lo";
    /** How long a planned stop waits between withdrawing and removing the rules, unless set. */
    public static final Duration DEFAULT_STOP_DRAIN = Duration.ofSeconds(2);
    /** How long a table without some of its real servers holds before it is first announced, unless set. */
    public static final Duration DEFAULT_PARTIAL_TABLE_DELAY = Duration.ofSeconds(10);

    private final BgpSpeaker speaker;
    private final String device;
    private final Boolean addressOnDevice;
    private final Duration stopDrain;
    private final Duration partialTableDelay;
    private final Set<ServiceKey> noAnnounce;
    private final Map<ServiceKey, List<InetAddress>> addresses;

    private RouteHealthInjection(Builder b) {
        this.speaker = b.speaker;
        this.device = b.device;
        this.addressOnDevice = b.addressOnDevice;
        this.stopDrain = b.stopDrain;
        this.partialTableDelay = b.partialTableDelay;
        this.noAnnounce = Set.copyOf(b.noAnnounce);
        Map<ServiceKey, List<InetAddress>> m = new LinkedHashMap<>();
        b.addresses.forEach((k, v) -> m.put(k, List.copyOf(v)));
        this.addresses = java.util.Collections.unmodifiableMap(m);
    }

    /**
     * A builder over the settings of this BGP speaker (router ID, local AS, neighbours, listen
     * port, ...). The speaker itself is never started: the director starts one of its own with
     * these settings ({@link BgpSpeaker#toBuilder()}).
     */
    public static Builder builder(BgpSpeaker speaker) {
        Preconditions.checkNotNull(speaker, "speaker");
        return new Builder(speaker);
    }

    /** The speaker's settings. */
    public BgpSpeaker speaker() {
        return speaker;
    }

    public String device() {
        return device;
    }

    /** Whether announced addresses go on the {@link #device()}; empty: when the director programs the kernel's table. */
    public Optional<Boolean> addressOnDevice() {
        return Optional.ofNullable(addressOnDevice);
    }

    public Duration stopDrain() {
        return stopDrain;
    }

    /**
     * How long a service's table that lacks some of its configured real servers must hold before
     * its address is first announced (see {@link Builder#partialTableDelay}).
     */
    public Duration partialTableDelay() {
        return partialTableDelay;
    }

    /** The services whose address is never announced. */
    public Set<ServiceKey> noAnnounce() {
        return noAnnounce;
    }

    /** The services' explicit addresses (firewall-mark services need them), in the order given. */
    public Map<ServiceKey, List<InetAddress>> addresses() {
        return addresses;
    }

    /** The addresses {@code key}'s service announces: none, its explicit list, or its own address. */
    List<InetAddress> addressesOf(ServiceKey key) {
        if (noAnnounce.contains(key)) {
            return List.of();
        }
        List<InetAddress> explicit = addresses.get(key);
        if (explicit != null) {
            return explicit;
        }
        return key.isFwmark() ? List.of() : List.of(key.address());
    }

    public Builder toBuilder() {
        Builder b = new Builder(speaker);
        b.device = device;
        b.addressOnDevice = addressOnDevice;
        b.stopDrain = stopDrain;
        b.partialTableDelay = partialTableDelay;
        b.noAnnounce.addAll(noAnnounce);
        addresses.forEach((k, v) -> b.addresses.put(k, new ArrayList<>(v)));
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RouteHealthInjection r && speaker.routerId().equals(r.speaker.routerId())
                && speaker.localAs() == r.speaker.localAs() && speaker.neighbors().equals(r.speaker.neighbors())
                && speaker.reconfigurable(r.speaker) // the same listener
                && device.equals(r.device) && java.util.Objects.equals(addressOnDevice, r.addressOnDevice)
                && stopDrain.equals(r.stopDrain) && partialTableDelay.equals(r.partialTableDelay)
                && noAnnounce.equals(r.noAnnounce) && addresses.equals(r.addresses);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(speaker.routerId(), speaker.localAs(), speaker.neighbors(), device, stopDrain,
                noAnnounce, addresses);
    }

    /** The settings; neighbours' passwords hidden. */
    @Override
    public String toString() {
        return "RouteHealthInjection[" + speaker + " neighbors=" + speaker.neighbors() + " device=" + device
                + " stopDrain=" + stopDrain + " partialTableDelay=" + partialTableDelay + (noAnnounce.isEmpty() ? "" : " noAnnounce=" + noAnnounce)
                + (addresses.isEmpty() ? "" : " addresses=" + addresses) + "]";
    }

    /** Settings of a {@link RouteHealthInjection}; each setter checks its argument at once. */
    public static final class Builder {
        private final BgpSpeaker speaker;
        private String device = DEFAULT_DEVICE;
        private Boolean addressOnDevice;
        private Duration stopDrain = DEFAULT_STOP_DRAIN;
        private Duration partialTableDelay = DEFAULT_PARTIAL_TABLE_DELAY;
        private final Set<ServiceKey> noAnnounce = new LinkedHashSet<>();
        private final Map<ServiceKey, List<InetAddress>> addresses = new LinkedHashMap<>();

        private Builder(BgpSpeaker speaker) {
            this.speaker = speaker;
        }

        /** The device announced addresses go on ({@code lo} unless set): an interface name. */
        public Builder device(String device) {
            Preconditions.checkNotNull(device, "device");
            Preconditions.checkArgument(!device.isEmpty() && device.length() < 16 && device.indexOf('/') < 0
                    && !device.contains(" ") && !device.equals(".") && !device.equals(".."), "device", device,
                    "an interface name (1..15 characters, no '/' or space)");
            this.device = device;
            return this;
        }

        /**
         * Whether announced addresses go on the {@link #device}; unless set, when the director
         * programs the kernel's IPVS table (not with an {@code InMemoryIpvs} or the userspace
         * forwarder, where the kernel must not take the packets).
         */
        public Builder addressOnDevice(boolean onDevice) {
            this.addressOnDevice = onDevice;
            return this;
        }

        /** How long a planned stop waits after withdrawing before it removes the rules: 0..1 h (2 s unless set). */
        public Builder stopDrain(Duration drain) {
            Preconditions.checkNotNull(drain, "stopDrain");
            Preconditions.checkArgument(!drain.isNegative() && drain.compareTo(Duration.ofHours(1)) <= 0, "stopDrain",
                    drain, "0..1 h");
            this.stopDrain = drain;
            return this;
        }

        /**
         * How long a service's table that lacks some of its configured real servers must hold,
         * unchanged, before the service's address is first announced (after the start, or after
         * quorum came back): 0..1 h (10 s unless set; 0: at once). A table with every real server
         * goes out at once. Without this, a director that alone sees a real server down for a
         * moment (a route or neighbour entry not back yet) announces a table the other directors
         * do not hold, and the kernel's {@code mh} sends the flows the routers move to it to the
         * wrong real server. An address already announced is not affected.
         */
        public Builder partialTableDelay(Duration delay) {
            Preconditions.checkNotNull(delay, "partialTableDelay");
            Preconditions.checkArgument(!delay.isNegative() && delay.compareTo(Duration.ofHours(1)) <= 0,
                    "partialTableDelay", delay, "0..1 h");
            this.partialTableDelay = delay;
            return this;
        }

        /** Never announces {@code key}'s service (keepalived.conf: {@code no_announce}). */
        public Builder noAnnounce(ServiceKey key) {
            Preconditions.checkNotNull(key, "noAnnounce");
            Preconditions.checkArgument(!addresses.containsKey(key), "noAnnounce", key,
                    "a service without announce addresses");
            noAnnounce.add(key);
            return this;
        }

        /**
         * The addresses {@code key}'s service announces instead of its own (keepalived.conf:
         * {@code announce ADDRESS...}): how a firewall-mark service is announced at all. At least
         * one, each once, unicast, not loopback.
         */
        public Builder announce(ServiceKey key, List<InetAddress> addresses) {
            Preconditions.checkNotNull(key, "announce");
            Preconditions.checkNotNull(addresses, "announce " + key + " addresses");
            Preconditions.checkArgument(!noAnnounce.contains(key), "announce", key, "a service not in noAnnounce");
            Preconditions.checkArgument(!addresses.isEmpty(), "announce " + key + " addresses", "none",
                    "at least one");
            List<InetAddress> out = new ArrayList<>();
            for (InetAddress a : addresses) {
                Preconditions.checkNotNull(a, "announce " + key + " address");
                Preconditions.checkArgument(!a.isAnyLocalAddress() && !a.isMulticastAddress() && !a.isLoopbackAddress(),
                        "announce " + key + " address", Addresses.format(a), "a unicast address, not loopback");
                InetAddress c = Addresses.of(a.getAddress());
                Preconditions.checkArgument(!out.contains(c), "announce " + key + " address", Addresses.format(c),
                        "each address once");
                out.add(c);
            }
            this.addresses.put(key, out);
            return this;
        }

        /** {@link #announce(ServiceKey, List)} of these addresses. */
        public Builder announce(ServiceKey key, InetAddress... addresses) {
            Preconditions.checkNotNull(addresses, "announce " + key + " addresses");
            return announce(key, java.util.Arrays.asList(addresses));
        }

        public RouteHealthInjection build() {
            return new RouteHealthInjection(this);
        }
    }
}
