package io.lvs4j.vrrp;

import io.lvs4j.internal.Addresses;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.vrrp.internal.Argv;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One VRRP instance (a virtual router on an interface), immutable: everything the engine acts
 * on. Defaults are keepalived's: version 2, priority 100, advert interval 1 s, preemption on,
 * initial state BACKUP, accept mode for the address owner only, the interface tracked (FAULT while
 * its link is down), gratuitous ARPs as {@link GarpSettings#DEFAULTS}.
 *
 * <pre>{@code
 * VrrpInstance vi1 = VrrpInstance.builder("VI_1")
 *         .interfaceName("eth0")
 *         .virtualRouterId(51)
 *         .priority(150)
 *         .virtualAddress("192.0.2.10/24")
 *         .virtualAddress(VirtualAddress.builder("198.51.100.10/24").device("eth1").build())
 *         .trackScript("chk_nginx", -60)
 *         .notifyMaster("/usr/local/bin/became-master VI_1")
 *         .build();
 * }</pre>
 *
 * <p>Every setter checks its argument at once and names the setting and the instance
 * ({@code vrrp_instance VI_1 virtual_router_id: 300 (expected: 1..255)}); {@link Builder#build()}
 * checks the combination (IPv6 needs version 3, authentication needs version 2, one address
 * family, whole-second intervals for version 2, ...). The address adverts are sent from is
 * {@link Builder#sourceAddress}, or else {@link VrrpNode} takes the interface's (keepalived's
 * choice: its first IPv4 address, or its IPv6 link-local address).
 */
public final class VrrpInstance {
    /** IPv4 multicast group 224.0.0.18 (RFC 3768 5.2.2). */
    public static final InetAddress GROUP_IPV4 = Addresses.parse("224.0.0.18", "group");
    /** IPv6 multicast group ff02::12 (RFC 5798 5.1.2.2). */
    public static final InetAddress GROUP_IPV6 = Addresses.parse("ff02::12", "group");

    private final String name;
    private final String interfaceName;
    private final int virtualRouterId;
    private final int version;
    private final int priority;
    private final int advertIntervalCentis;
    private final InitialState initialState;
    private final boolean nopreempt;
    private final Duration preemptDelay;
    private final boolean acceptMode;
    private final boolean acceptModeGiven;
    private final VrrpAuthentication authentication;
    private final InetAddress sourceAddress;
    private final List<VirtualAddress> virtualAddresses;
    private final List<VirtualAddress> excludedAddresses;
    private final List<UnicastPeer> unicastPeers;
    private final List<InetAddress> unicastPeerAddresses;
    private final int unicastTtl;
    private final GarpSettings garp;
    private final boolean higherPrioritySendAdvert;
    private final List<Track> trackedInterfaces;
    private final List<Track> trackedScripts;
    private final boolean dontTrackPrimary;
    private final Notify notify;
    private final boolean useVmac;
    private final String vmacInterface;
    private final boolean vmacTransmitOnBase;

    private VrrpInstance(Builder b) {
        this.name = b.name;
        this.interfaceName = b.interfaceName;
        this.virtualRouterId = b.virtualRouterId;
        this.version = b.version;
        this.priority = b.priority;
        this.advertIntervalCentis = (int) (b.advertInterval.toMillis() / 10);
        this.initialState = b.initialState;
        this.nopreempt = b.nopreempt;
        this.preemptDelay = b.preemptDelay;
        this.acceptModeGiven = b.acceptMode != null;
        this.acceptMode = b.acceptMode == null ? b.priority == 255 : b.acceptMode;
        this.authentication = b.authentication;
        this.sourceAddress = b.sourceAddress;
        this.virtualAddresses = List.copyOf(b.virtualAddresses);
        this.excludedAddresses = List.copyOf(b.excludedAddresses);
        this.unicastPeers = List.copyOf(b.unicastPeers);
        this.unicastPeerAddresses = unicastPeers.stream().map(UnicastPeer::address).toList();
        this.unicastTtl = b.unicastTtl;
        this.garp = b.garp;
        this.higherPrioritySendAdvert = b.higherPrioritySendAdvert;
        this.trackedInterfaces = List.copyOf(b.trackedInterfaces);
        this.trackedScripts = List.copyOf(b.trackedScripts);
        this.dontTrackPrimary = b.dontTrackPrimary;
        this.notify = b.notify.copy();
        this.useVmac = b.useVmac;
        this.vmacInterface = b.vmacInterface;
        this.vmacTransmitOnBase = b.vmacTransmitOnBase;
    }

    /** A builder for the instance {@code name} (the name events, notify commands and logs carry). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.interfaceName = interfaceName;
        b.virtualRouterId = virtualRouterId;
        b.version = version;
        b.priority = priority;
        b.advertInterval = advertInterval();
        b.initialState = initialState;
        b.nopreempt = nopreempt;
        b.preemptDelay = preemptDelay;
        b.acceptMode = acceptModeGiven ? acceptMode : null;
        b.authentication = authentication;
        b.sourceAddress = sourceAddress;
        b.virtualAddresses.addAll(virtualAddresses);
        b.excludedAddresses.addAll(excludedAddresses);
        b.unicastPeers.addAll(unicastPeers);
        b.unicastTtl = unicastTtl;
        b.garp = garp;
        b.higherPrioritySendAdvert = higherPrioritySendAdvert;
        b.trackedInterfaces.addAll(trackedInterfaces);
        b.trackedScripts.addAll(trackedScripts);
        b.dontTrackPrimary = dontTrackPrimary;
        b.notify = notify.copy();
        b.useVmac = useVmac;
        b.vmacInterface = vmacInterface;
        b.vmacTransmitOnBase = vmacTransmitOnBase;
        return b;
    }

    public String name() {
        return name;
    }

    /** The interface the instance advertises on and puts its addresses on. */
    public String interfaceName() {
        return interfaceName;
    }

    public int virtualRouterId() {
        return virtualRouterId;
    }

    /** 2 (RFC 3768) or 3 (RFC 5798). */
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

    public InitialState initialState() {
        return initialState;
    }

    /** Whether a backup leaves a lower-priority master alone ({@code nopreempt}). */
    public boolean nopreempt() {
        return nopreempt;
    }

    /** How long after start-up a backup waits before preempting a lower-priority master; 0. */
    public Duration preemptDelay() {
        return preemptDelay;
    }

    /** RFC 5798 Accept_Mode; defaults to true for the address owner, false otherwise. */
    public boolean acceptMode() {
        return acceptMode;
    }

    /** VRRPv2 authentication, if any. */
    public Optional<VrrpAuthentication> authentication() {
        return Optional.ofNullable(authentication);
    }

    /**
     * The address adverts are sent from and the tie-break value ({@code unicast_src_ip} /
     * {@code mcast_src_ip}); empty: the interface's, chosen by {@link VrrpNode}.
     */
    public Optional<InetAddress> sourceAddress() {
        return Optional.ofNullable(sourceAddress);
    }

    /** Whether the instance is IPv6 (its virtual addresses are). */
    public boolean ipv6() {
        return virtualAddresses.get(0).ipv6();
    }

    /** The addresses the adverts carry, all of one family, 1 to 255. */
    public List<VirtualAddress> virtualAddresses() {
        return virtualAddresses;
    }

    /**
     * Addresses held with the virtual addresses but left out of the adverts
     * ({@code virtual_ipaddress_excluded}); either family.
     */
    public List<VirtualAddress> excludedAddresses() {
        return excludedAddresses;
    }

    /** The unicast peers' addresses; empty: multicast to 224.0.0.18 or ff02::12. */
    public List<InetAddress> unicastPeers() {
        return unicastPeerAddresses;
    }

    /**
     * The TTL (IPv4) or hop limit (IPv6) of the adverts sent to the unicast peers
     * ({@code unicast_ttl}); 255 by default. Multicast adverts always carry 255 (RFC 5798 5.1.1.3).
     */
    public int unicastTtl() {
        return unicastTtl;
    }

    /** The unicast peers with their TTL bounds, in the order of {@link #unicastPeers()}. */
    public List<UnicastPeer> unicastPeerBounds() {
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

    /** Tracked interfaces ({@code track_interface}); the instance's own comes on top unless {@link #dontTrackPrimary}. */
    public List<Track> trackedInterfaces() {
        return trackedInterfaces;
    }

    /** Tracked {@link VrrpScript}s by name ({@code track_script}). */
    public List<Track> trackedScripts() {
        return trackedScripts;
    }

    /** Whether the instance's own interface is left untracked. */
    public boolean dontTrackPrimary() {
        return dontTrackPrimary;
    }

    /** The command run on becoming master ({@code notify_master}). */
    public Optional<String> notifyMaster() {
        return Optional.ofNullable(notify.master);
    }

    /** The command run on becoming backup ({@code notify_backup}). */
    public Optional<String> notifyBackup() {
        return Optional.ofNullable(notify.backup);
    }

    /** The command run on entering FAULT ({@code notify_fault}). */
    public Optional<String> notifyFault() {
        return Optional.ofNullable(notify.fault);
    }

    /** The command run when the instance stops ({@code notify_stop}). */
    public Optional<String> notifyStop() {
        return Optional.ofNullable(notify.stop);
    }

    /**
     * The command run on every transition ({@code notify}), with {@code INSTANCE NAME STATE PRIORITY}
     * appended (STATE one of MASTER, BACKUP, FAULT, STOP).
     */
    public Optional<String> notifyAny() {
        return Optional.ofNullable(notify.any);
    }

    /** Whether the instance asks for a virtual MAC ({@code use_vmac}); see {@link Builder#useVmac()}. */
    public boolean useVmac() {
        return useVmac;
    }

    /** The name of the virtual MAC's macvlan interface, if given. */
    public Optional<String> vmacInterface() {
        return Optional.ofNullable(vmacInterface);
    }

    /**
     * The macvlan's name with {@link #useVmac()}: the one given, else keepalived's default
     * {@code vrrp.VRID}; empty without {@code use_vmac}.
     */
    public Optional<String> vmacName() {
        return !useVmac ? Optional.empty()
                : Optional.of(vmacInterface != null ? vmacInterface : "vrrp." + virtualRouterId);
    }

    /**
     * The virtual MAC of {@code use_vmac} (RFC 5798 section 7.3): 00-00-5E-00-01-VRID for IPv4,
     * 00-00-5E-00-02-VRID for IPv6.
     */
    public byte[] virtualMac() {
        return new byte[] {0, 0, 0x5e, 0, (byte) (ipv6() ? 2 : 1), (byte) virtualRouterId};
    }

    /** Whether adverts go out and are read on the base interface, not the macvlan ({@code vmac_xmit_base}). */
    public boolean vmacTransmitOnBase() {
        return vmacTransmitOnBase;
    }

    Notify notifyCommands() {
        return notify;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VrrpInstance i && name.equals(i.name) && interfaceName.equals(i.interfaceName)
                && virtualRouterId == i.virtualRouterId && version == i.version && priority == i.priority
                && advertIntervalCentis == i.advertIntervalCentis && initialState == i.initialState
                && nopreempt == i.nopreempt && preemptDelay.equals(i.preemptDelay) && acceptMode == i.acceptMode
                && acceptModeGiven == i.acceptModeGiven && Objects.equals(authentication, i.authentication)
                && Objects.equals(sourceAddress, i.sourceAddress) && virtualAddresses.equals(i.virtualAddresses)
                && excludedAddresses.equals(i.excludedAddresses) && unicastPeers.equals(i.unicastPeers)
                && unicastTtl == i.unicastTtl
                && garp.equals(i.garp) && higherPrioritySendAdvert == i.higherPrioritySendAdvert
                && trackedInterfaces.equals(i.trackedInterfaces) && trackedScripts.equals(i.trackedScripts)
                && dontTrackPrimary == i.dontTrackPrimary && notify.equals(i.notify) && useVmac == i.useVmac
                && Objects.equals(vmacInterface, i.vmacInterface)
                && vmacTransmitOnBase == i.vmacTransmitOnBase;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, interfaceName, virtualRouterId, version, priority, advertIntervalCentis,
                virtualAddresses, sourceAddress, trackedScripts);
    }

    /** A summary; the password is never shown. */
    @Override
    public String toString() {
        return "VrrpInstance[" + name + " " + interfaceName + " vrid=" + virtualRouterId + " v" + version + " prio="
                + priority + " advert=" + advertInterval()
                + (sourceAddress == null ? "" : " source=" + Addresses.format(sourceAddress))
                + (nopreempt ? " nopreempt" : "") + (preemptDelay.isZero() ? "" : " preempt_delay=" + preemptDelay)
                + (authentication == null ? "" : " auth=" + authentication) + " vips=" + virtualAddresses
                + (excludedAddresses.isEmpty() ? "" : " excluded=" + excludedAddresses)
                + (unicastPeers.isEmpty() ? "" : " peers=" + unicastPeers.size())
                + (unicastTtl == 255 ? "" : " unicast_ttl=" + unicastTtl) + "]";
    }

    /** The notify commands of an instance or a sync group (command lines, or null). */
    static final class Notify {
        String master;
        String backup;
        String fault;
        String stop;
        String any;

        Notify copy() {
            Notify n = new Notify();
            n.master = master;
            n.backup = backup;
            n.fault = fault;
            n.stop = stop;
            n.any = any;
            return n;
        }

        boolean isEmpty() {
            return master == null && backup == null && fault == null && stop == null && any == null;
        }

        /** The specific command for a notify state (MASTER, BACKUP, FAULT, STOP), or null. */
        String forState(String state) {
            return switch (state) {
                case "MASTER" -> master;
                case "BACKUP" -> backup;
                case "FAULT" -> fault;
                case "STOP" -> stop;
                default -> null;
            };
        }

        static String check(String command, String setting) {
            Preconditions.checkNotNull(command, setting);
            try {
                Argv.command(command);
            } catch (IllegalArgumentException e) {
                throw Preconditions.invalid(setting, command, "a program and its arguments, quotes balanced");
            }
            return command;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Notify n && Objects.equals(master, n.master) && Objects.equals(backup, n.backup)
                    && Objects.equals(fault, n.fault) && Objects.equals(stop, n.stop) && Objects.equals(any, n.any);
        }

        @Override
        public int hashCode() {
            return Objects.hash(master, backup, fault, stop, any);
        }
    }

    /** Builder: each setter checks its argument at once; {@link #build()} checks the combination. */
    public static final class Builder {
        private final String name;
        private String interfaceName;
        private int virtualRouterId;
        private int version = 2;
        private int priority = 100;
        private Duration advertInterval = Duration.ofSeconds(1);
        private InitialState initialState = InitialState.BACKUP;
        private boolean nopreempt;
        private Duration preemptDelay = Duration.ZERO;
        private Boolean acceptMode;
        private VrrpAuthentication authentication;
        private InetAddress sourceAddress;
        private final List<VirtualAddress> virtualAddresses = new ArrayList<>();
        private final List<VirtualAddress> excludedAddresses = new ArrayList<>();
        private final List<UnicastPeer> unicastPeers = new ArrayList<>();
        private int unicastTtl = 255;
        private GarpSettings garp = GarpSettings.DEFAULTS;
        private boolean higherPrioritySendAdvert;
        private final List<Track> trackedInterfaces = new ArrayList<>();
        private final List<Track> trackedScripts = new ArrayList<>();
        private boolean dontTrackPrimary;
        private Notify notify = new Notify();
        private boolean useVmac;
        private String vmacInterface;
        private boolean vmacTransmitOnBase;

        private Builder(String name) {
            Preconditions.checkNotNull(name, "vrrp_instance");
            Preconditions.checkArgument(!name.isBlank() && name.chars().noneMatch(Character::isWhitespace),
                    "vrrp_instance", name, "a name without blanks");
            this.name = name;
        }

        /** {@code vrrp_instance NAME setting}, the name messages give. */
        private String p(String setting) {
            return "vrrp_instance " + name + " " + setting;
        }

        /** The interface (required). */
        public Builder interfaceName(String interfaceName) {
            this.interfaceName = VirtualAddress.checkInterfaceName(interfaceName, p("interface"));
            return this;
        }

        /** 1..255 (required). */
        public Builder virtualRouterId(int vrid) {
            this.virtualRouterId = Preconditions.checkInRange(vrid, 1, 255, p("virtual_router_id"));
            return this;
        }

        /** 2 (default) or 3; IPv6 needs 3. */
        public Builder version(int version) {
            this.version = Preconditions.checkInRange(version, 2, 3, p("version"));
            return this;
        }

        /** 1..254, or 255 for the address owner; 100. */
        public Builder priority(int priority) {
            this.priority = Preconditions.checkInRange(priority, 1, 255, p("priority"));
            return this;
        }

        /** A multiple of 10 ms; version 2: whole seconds 1..255 s, version 3: 10 ms..40.95 s (checked in build); 1 s. */
        public Builder advertInterval(Duration interval) {
            Preconditions.checkNotNull(interval, p("advert_int"));
            Preconditions.checkArgument(!interval.isNegative() && !interval.isZero()
                    && interval.toNanos() % 10_000_000L == 0 && interval.toMillis() <= 255_000,
                    p("advert_int"), interval, "a multiple of 10ms from 10ms to 255s");
            this.advertInterval = interval;
            return this;
        }

        /** MASTER or BACKUP (default). */
        public Builder initialState(InitialState state) {
            this.initialState = Preconditions.checkNotNull(state, p("state"));
            return this;
        }

        /** Whether a backup leaves a lower-priority master alone; false. */
        public Builder nopreempt(boolean nopreempt) {
            this.nopreempt = nopreempt;
            return this;
        }

        /** 0..1000 s; 0. */
        public Builder preemptDelay(Duration delay) {
            Preconditions.checkNotNull(delay, p("preempt_delay"));
            Preconditions.checkArgument(!delay.isNegative() && delay.compareTo(Duration.ofSeconds(1000)) <= 0,
                    p("preempt_delay"), delay, "0s..1000s");
            this.preemptDelay = delay;
            return this;
        }

        /** RFC 5798 Accept_Mode ({@code accept}/{@code no_accept}); by default true only for priority 255. */
        public Builder acceptMode(boolean accept) {
            this.acceptMode = accept;
            return this;
        }

        /** VRRPv2 authentication ({@link VrrpAuthentication#pass} or {@link VrrpAuthentication#ah}); none by default. */
        public Builder authentication(VrrpAuthentication authentication) {
            this.authentication = Preconditions.checkNotNull(authentication, p("authentication"));
            return this;
        }

        /** The address adverts are sent from ({@code unicast_src_ip}/{@code mcast_src_ip}); by default the interface's. */
        public Builder sourceAddress(InetAddress address) {
            this.sourceAddress = Preconditions.checkNotNull(address, p("unicast_src_ip"));
            return this;
        }

        /** The source address as a literal. */
        public Builder sourceAddress(String address) {
            return sourceAddress(Addresses.parse(address, p("unicast_src_ip")));
        }

        /** Adds a virtual address ({@code virtual_ipaddress}), e.g. {@code "192.0.2.10/24"}. */
        public Builder virtualAddress(String addressAndPrefix) {
            return virtualAddress(prefixed(() -> VirtualAddress.of(addressAndPrefix)));
        }

        /** Adds a virtual address. */
        public Builder virtualAddress(VirtualAddress address) {
            Preconditions.checkNotNull(address, p("virtual_ipaddress"));
            Preconditions.checkArgument(virtualAddresses.size() < 255, p("virtual_ipaddress"), address,
                    "at most 255 addresses");
            virtualAddresses.add(address);
            return this;
        }

        /** Adds virtual addresses, in order. */
        public Builder virtualAddresses(List<VirtualAddress> addresses) {
            Preconditions.checkNotNull(addresses, p("virtual_ipaddress"));
            for (VirtualAddress a : addresses) {
                virtualAddress(a);
            }
            return this;
        }

        /** Adds an address held but not advertised ({@code virtual_ipaddress_excluded}), e.g. {@code "2001:db8::10/64"}. */
        public Builder excludedAddress(String addressAndPrefix) {
            return excludedAddress(prefixed(() -> VirtualAddress.of(addressAndPrefix)));
        }

        /** Adds an address held but not advertised. */
        public Builder excludedAddress(VirtualAddress address) {
            excludedAddresses.add(Preconditions.checkNotNull(address, p("virtual_ipaddress_excluded")));
            return this;
        }

        /**
         * Adds a unicast peer ({@code unicast_peer}) that accepts any TTL: adverts go to each peer
         * instead of the multicast group.
         */
        public Builder unicastPeer(InetAddress peer) {
            return unicastPeer(UnicastPeer.of(Preconditions.checkNotNull(peer, p("unicast_peer"))));
        }

        /**
         * Adds a unicast peer with TTL bounds ({@code unicast_peer { ADDR min_ttl N max_ttl M }}):
         * its adverts received with a TTL (hop limit) outside them are dropped.
         */
        public Builder unicastPeer(UnicastPeer peer) {
            unicastPeers.add(Preconditions.checkNotNull(peer, p("unicast_peer")));
            return this;
        }

        /** Adds a unicast peer as a literal. */
        public Builder unicastPeer(String peer) {
            return unicastPeer(Addresses.parse(peer, p("unicast_peer")));
        }

        /** Adds unicast peers, in order. */
        public Builder unicastPeers(List<InetAddress> peers) {
            Preconditions.checkNotNull(peers, p("unicast_peer"));
            for (InetAddress a : peers) {
                unicastPeer(a);
            }
            return this;
        }

        /**
         * The TTL (IPv4) or hop limit (IPv6) of the adverts sent to the unicast peers
         * ({@code unicast_ttl}), 1..255; 255. Only with unicast peers ({@link #build()} checks).
         */
        public Builder unicastTtl(int ttl) {
            this.unicastTtl = Preconditions.checkInRange(ttl, 1, 255, p("unicast_ttl"));
            return this;
        }

        /** Gratuitous ARP settings ({@code garp_*}); {@link GarpSettings#DEFAULTS}. */
        public Builder garp(GarpSettings garp) {
            this.garp = Preconditions.checkNotNull(garp, p("garp"));
            return this;
        }

        /** keepalived's {@code higher_prio_send_advert}; false. */
        public Builder higherPrioritySendAdvert(boolean send) {
            this.higherPrioritySendAdvert = send;
            return this;
        }

        /** Tracks an interface's link: FAULT while it is down. */
        public Builder trackInterface(String interfaceName) {
            VirtualAddress.checkInterfaceName(interfaceName, p("track_interface"));
            trackedInterfaces.add(Track.of(p("track_interface"), interfaceName));
            return this;
        }

        /** Tracks an interface's link with a weight -254..254 (0: FAULT while down). */
        public Builder trackInterface(String interfaceName, int weight) {
            return trackInterface(interfaceName, weight, false);
        }

        /** Tracks an interface's link with a weight -254..254, reversed or not. */
        public Builder trackInterface(String interfaceName, int weight, boolean reverse) {
            VirtualAddress.checkInterfaceName(interfaceName, p("track_interface"));
            trackedInterfaces.add(Track.of(p("track_interface"), interfaceName, weight, reverse));
            return this;
        }

        /** Tracks the {@link VrrpScript} of this name with the script's weight. */
        public Builder trackScript(String script) {
            trackedScripts.add(Track.of(p("track_script"), script));
            return this;
        }

        /** Tracks the {@link VrrpScript} of this name with a weight -254..254 instead of the script's. */
        public Builder trackScript(String script, int weight) {
            return trackScript(script, weight, false);
        }

        /** Tracks the {@link VrrpScript} of this name with a weight -254..254, reversed or not. */
        public Builder trackScript(String script, int weight, boolean reverse) {
            trackedScripts.add(Track.of(p("track_script"), script, weight, reverse));
            return this;
        }

        /** Leaves the instance's own interface untracked ({@code dont_track_primary}); false. */
        public Builder dontTrackPrimary(boolean dontTrack) {
            this.dontTrackPrimary = dontTrack;
            return this;
        }

        /** The command run on becoming master; a command line run without a shell. */
        public Builder notifyMaster(String command) {
            notify.master = Notify.check(command, p("notify_master"));
            return this;
        }

        public Builder notifyBackup(String command) {
            notify.backup = Notify.check(command, p("notify_backup"));
            return this;
        }

        public Builder notifyFault(String command) {
            notify.fault = Notify.check(command, p("notify_fault"));
            return this;
        }

        public Builder notifyStop(String command) {
            notify.stop = Notify.check(command, p("notify_stop"));
            return this;
        }

        /** The command run on every transition, with {@code INSTANCE NAME STATE PRIORITY} appended ({@code notify}). */
        public Builder notifyAny(String command) {
            notify.any = Notify.check(command, p("notify"));
            return this;
        }

        /**
         * keepalived's {@code use_vmac}: on a real host ({@link io.lvs4j.vrrp.linux.LinuxNetwork}) the
         * node creates a macvlan ({@code vrrp.VRID} unless {@linkplain #vmacInterface named}, private
         * mode) on the instance's interface with the {@linkplain VrrpInstance#virtualMac() virtual
         * MAC} (00-00-5E-00-01-VRID, IPv6 00-00-5E-00-02-VRID), puts the virtual addresses that name
         * no other device on it, and sends adverts and gratuitous ARPs (IPv6: unsolicited neighbour
         * advertisements) from it, so neighbours keep the same MAC for the addresses whichever router
         * is master. An IPv6 instance's macvlan gets the address the adverts are sent from (the
         * interface's link-local address unless {@linkplain #sourceAddress given}) and no address
         * of the kernel's making. The macvlan is made when the node is built and removed when it is
         * closed.
         */
        public Builder useVmac() {
            this.useVmac = true;
            return this;
        }

        /** {@link #useVmac()} with the macvlan interface's name ({@code use_vmac NAME}). */
        public Builder vmacInterface(String interfaceName) {
            this.vmacInterface = VirtualAddress.checkInterfaceName(interfaceName, p("use_vmac"));
            this.useVmac = true;
            return this;
        }

        /**
         * With {@link #useVmac()}: adverts are sent and received on the base interface, with its
         * own MAC ({@code vmac_xmit_base}); the addresses and gratuitous ARPs stay on the macvlan.
         * Needed with unicast peers. Default false.
         */
        public Builder vmacTransmitOnBase(boolean onBase) {
            this.vmacTransmitOnBase = onBase;
            return this;
        }

        /**
         * The instance.
         *
         * @throws IllegalStateException if a required setting is missing or settings conflict
         */
        public VrrpInstance build() {
            Preconditions.checkState(interfaceName != null, p("interface"), null, "an interface name");
            Preconditions.checkState(virtualRouterId != 0, p("virtual_router_id"), null, "1..255");
            Preconditions.checkState(!virtualAddresses.isEmpty(), p("virtual_ipaddress"), "[]",
                    "at least one address");
            boolean v6 = virtualAddresses.get(0).ipv6();
            String family = v6 ? "IPv6" : "IPv4";
            for (VirtualAddress v : virtualAddresses) {
                Preconditions.checkState(v.ipv6() == v6, p("virtual_ipaddress"), Addresses.format(v.address()),
                        family + " like the first virtual address (other families: excludedAddress)");
            }
            if (sourceAddress != null) {
                Preconditions.checkState((sourceAddress instanceof Inet6Address) == v6, p("unicast_src_ip"),
                        Addresses.format(sourceAddress), family + " like the virtual addresses");
            }
            for (UnicastPeer peer : unicastPeers) {
                Preconditions.checkState((peer.address() instanceof Inet6Address) == v6, p("unicast_peer"),
                        Addresses.format(peer.address()), family + " like the virtual addresses");
            }
            Preconditions.checkState(!(v6 && version == 2), p("version"), 2, "3 for IPv6 (RFC 3768 is IPv4 only)");
            Preconditions.checkState(!vmacTransmitOnBase || useVmac, p("vmac_xmit_base"), true, "use_vmac as well");
            Preconditions.checkState(!useVmac || unicastPeers.isEmpty() || vmacTransmitOnBase, p("use_vmac"),
                    vmacInterface != null ? vmacInterface : "vrrp." + virtualRouterId,
                    "vmac_xmit_base as well with unicast peers");
            Preconditions.checkState(unicastTtl == 255 || !unicastPeers.isEmpty(), p("unicast_ttl"), unicastTtl,
                    "255 without unicast peers (multicast adverts carry 255)");
            long ms = advertInterval.toMillis();
            if (version == 2) {
                Preconditions.checkState(ms % 1000 == 0, p("advert_int"), advertInterval,
                        "whole seconds 1..255 for VRRPv2");
            } else {
                Preconditions.checkState(ms <= 40_950, p("advert_int"), advertInterval, "10ms..40.95s for VRRPv3");
            }
            Preconditions.checkState(authentication == null || version == 2, p("authentication"), authentication,
                    "none for VRRPv3 (RFC 5798 removed it)");
            Preconditions.checkState(!(nopreempt && initialState == InitialState.MASTER), p("nopreempt"),
                    "with state MASTER", "initial state BACKUP (keepalived: nopreempt needs it)");
            if (priority == 255) {
                for (List<Track> l : List.of(trackedInterfaces, trackedScripts)) {
                    for (Track t : l) {
                        int weight = t.weight().orElse(0); // unweighted: the tracked object's own, checked at start
                        Preconditions.checkState(weight == 0,
                                p((l == trackedInterfaces ? "track_interface " : "track_script ") + t.name() + " weight"),
                                weight, "0 for the address owner (priority 255)");
                    }
                }
            }
            return new VrrpInstance(this);
        }

        private <T> T prefixed(java.util.function.Supplier<T> parse) {
            try {
                return parse.get();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("vrrp_instance " + name + " " + e.getMessage(), e);
            }
        }
    }

    static byte[] key(VrrpAuthentication auth) {
        byte[] key = new byte[8];
        if (auth != null) {
            byte[] p = auth.password().getBytes(StandardCharsets.ISO_8859_1);
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
