package io.lvs4j.director.config.internal;

import io.lvs4j.director.config.GarpConfig;
import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.director.config.TrackedObject;
import io.lvs4j.director.config.VirtualIpAddress;
import io.lvs4j.director.config.VrrpInstanceConfig;
import io.lvs4j.director.config.VrrpScriptConfig;
import io.lvs4j.director.config.VrrpSyncGroupConfig;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.vrrp.GarpSettings;
import io.lvs4j.vrrp.InitialState;
import io.lvs4j.vrrp.VirtualAddress;
import io.lvs4j.vrrp.VrrpAuthentication;
import io.lvs4j.vrrp.VrrpInstance;
import io.lvs4j.vrrp.VrrpScript;
import io.lvs4j.vrrp.VrrpSyncGroup;
import java.net.Inet6Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The one place where the VRRP blocks of a keepalived.conf become what lvs-vrrp runs: each
 * {@code vrrp_instance} a {@link VrrpInstance}, each {@code vrrp_script} a {@link VrrpScript}, each
 * {@code vrrp_sync_group} a {@link VrrpSyncGroup}, with keepalived's defaults for what the file
 * leaves out. Global settings that change an instance are applied here: {@code vrrp_version} is
 * the version of every instance that gives none (an IPv6 instance uses version 3, as keepalived
 * does).
 *
 * <p>Keywords read but not run (a {@code track_file}, {@code virtual_routes}, the
 * options of a virtual address other than {@code brd}, {@code dev}, {@code scope}, {@code label})
 * were reported as warnings by the reader, or are left out here as before.
 *
 * <p>The reader runs this mapping too ({@link KeepalivedConfig#read}, hence {@code lvs4j config
 * check}), with the locations the {@link Binder} kept: what a typed builder refuses is a located
 * error there rather than a failure at start, and what keepalived 2.2.7 corrects with a warning is
 * corrected here with a located warning.
 */
public final class VrrpMapper {

    /** The VRRP part of a configuration, typed. */
    public record Vrrp(List<VrrpInstance> instances, List<VrrpScript> scripts, List<VrrpSyncGroup> syncGroups) {
        public Vrrp {
            instances = List.copyOf(instances);
            scripts = List.copyOf(scripts);
            syncGroups = List.copyOf(syncGroups);
        }
    }

    private static final Token UNKNOWN = new Token(Token.Kind.WORD, "", false, "<config>", 0, 0);

    private final Problems problems;
    private final Map<Object, Token> locations;
    private final Map<Object, Map<String, Token>> keywords;
    /** The first refusal of a typed builder, for the callers that take no located errors. */
    private RuntimeException firstRefusal;

    private VrrpMapper(Problems problems, Map<Object, Token> locations, Map<Object, Map<String, Token>> keywords) {
        this.problems = problems;
        this.locations = locations;
        this.keywords = keywords;
    }

    /**
     * Maps the VRRP blocks of {@code c}, as the director does at start: what keepalived corrects
     * with a warning is corrected the same way, without the warnings (a configuration read with
     * {@link KeepalivedConfig#read} had them, located, from this same mapping).
     *
     * @throws IllegalArgumentException or {@link IllegalStateException} if a block cannot run (the
     *     message names the block and the setting)
     */
    public static Vrrp map(KeepalivedConfig c) {
        return map(c, new Problems(), Map.of(), Map.of(), true);
    }

    /**
     * Maps the VRRP blocks of {@code c} read from a file, as {@link #map(KeepalivedConfig)} does,
     * reporting what keepalived corrects as located warnings and each block a typed builder
     * refuses as a located error (that block is left out of the result).
     */
    public static Vrrp map(KeepalivedConfig c, Problems problems, Map<Object, Token> locations,
            Map<Object, Map<String, Token>> keywords) {
        return map(c, problems, locations, keywords, false);
    }

    private static Vrrp map(KeepalivedConfig c, Problems problems, Map<Object, Token> locations,
            Map<Object, Map<String, Token>> keywords, boolean throwRefusal) {
        VrrpMapper m = new VrrpMapper(problems, locations, keywords);
        Vrrp vrrp = m.mapAll(c);
        if (throwRefusal && m.firstRefusal != null) {
            throw m.firstRefusal;
        }
        return vrrp;
    }

    /** global_defs' vrrp_garp_*: the defaults of each instance's garp_*. */
    private GarpConfig globalGarp = GarpConfig.DEFAULTS;

    /** global_defs' vrrp_higher_prio_send_advert: the default of each instance's higher_prio_send_advert. */
    private Boolean globalHigherPrio;
    private boolean globalStrict;
    /** global_defs' vmac_prefix: the default macvlan name of use_vmac is PREFIX.VRID. */
    private String vmacPrefix = "vrrp";
    /** The use_vmac macvlan names given so far, and the instance each went to. */
    private final Map<String, String> vmacNames = new HashMap<>();

    private Vrrp mapAll(KeepalivedConfig c) {
        Integer globalVersion = c.globalDefs().vrrpVersion();
        globalGarp = c.globalDefs().vrrpGarp();
        globalHigherPrio = c.globalDefs().vrrpHigherPrioSendAdvert();
        globalStrict = c.globalDefs().vrrpStrict();
        vmacPrefix = c.globalDefs().vmacPrefix() != null ? c.globalDefs().vmacPrefix() : "vrrp";
        vmacNames.clear();
        // a name defined twice: the last block wins, as lvs4j has always run it
        Map<String, VrrpScriptConfig> scriptConfigs = new LinkedHashMap<>();
        for (VrrpScriptConfig s : c.vrrpScripts()) {
            scriptConfigs.remove(s.name());
            scriptConfigs.put(s.name(), s);
        }
        Map<String, Integer> priorities = new HashMap<>();
        List<VrrpInstance> instances = new ArrayList<>();
        for (VrrpInstanceConfig i : c.vrrpInstances()) {
            VrrpInstance built = refused(i, () -> instance(i, globalVersion == null ? 2 : globalVersion, scriptConfigs));
            if (built != null) {
                instances.add(built);
                priorities.put(built.name(), built.priority());
            }
        }
        List<VrrpScript> scripts = new ArrayList<>();
        for (VrrpScriptConfig s : scriptConfigs.values()) {
            VrrpScript built = refused(s, () -> script(s));
            if (built != null) {
                scripts.add(built);
            }
        }
        List<VrrpSyncGroup> groups = new ArrayList<>();
        for (VrrpSyncGroupConfig g : c.vrrpSyncGroups()) {
            VrrpSyncGroup built = refused(g, () -> group(g, priorities, scriptConfigs));
            if (built != null) {
                groups.add(built);
            }
        }
        return new Vrrp(instances, scripts, groups);
    }

    /** Builds, or reports the builder's refusal as an error at the block and returns null. */
    private <T> T refused(Object block, java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException | IllegalStateException e) {
            if (firstRefusal == null) {
                firstRefusal = e;
            }
            problems.error(at(block), e.getMessage());
            return null;
        }
    }

    /**
     * {@code unicast_ttl N} (checked 1..255 by the reader): the TTL of the unicast adverts; without
     * unicast peers a located warning and ignored, as keepalived ignores it for multicast.
     */
    private void unicastTtl(VrrpInstanceConfig c, String where, VrrpInstance.Builder b) {
        Integer ttl = c.options().unicastTtl();
        if (ttl == null) {
            return;
        }
        if (c.unicastPeers().isEmpty()) {
            problems.warning(at(c, "unicast_ttl"), Preconditions.message(where + " unicast_ttl", ttl,
                    "unicast peers") + " - ignored: multicast adverts carry TTL 255, as keepalived sends them");
        } else {
            b.unicastTtl(ttl);
        }
    }

    /**
     * {@code use_vmac [NAME]}: the instance's addresses on a macvlan with the virtual MAC, named
     * NAME or {@code vmac_prefix.VRID} ({@code vrrp.VRID} by default), as keepalived does; when an
     * earlier instance has that default name (an IPv4 and an IPv6 instance with one VRID), keepalived
     * 2.2.7's next one: {@code PREFIX6.VRID} first for IPv6, then {@code PREFIX1.VRID},
     * {@code PREFIX2.VRID}, ... A NAME an earlier instance has is a located error (a second
     * argument, keepalived's own MAC address, the reader refused: lvs4j uses the RFC's virtual MAC).
     * {@code vmac_xmit_base}: adverts on the base interface; without {@code use_vmac} a located
     * warning and ignored, as keepalived ignores it.
     */
    private void vmac(VrrpInstanceConfig c, String where, VrrpInstance.Builder b) {
        VrrpInstanceConfig.Options o = c.options();
        if (o.useVmac()) {
            String name = o.vmacName() == null ? defaultVmacName(c) : o.vmacName();
            String other = vmacNames.get(name);
            if (other != null) {
                problems.error(at(c, "use_vmac"), Preconditions.message(where + " use_vmac", name,
                        "a macvlan name no other instance uses (" + other + " does)"));
                return;
            }
            try {
                b.vmacInterface(name);
            } catch (IllegalArgumentException e) {
                problems.error(at(c, "use_vmac"), e.getMessage());
                return;
            }
            vmacNames.put(name, c.name());
            b.vmacTransmitOnBase(o.vmacXmitBase());
        } else if (o.vmacXmitBase()) {
            problems.warning(at(c, "vmac_xmit_base"), Preconditions.message(where + " vmac_xmit_base", true,
                    "use_vmac as well") + " - ignored, as keepalived does");
        }
    }

    /** keepalived's create_vmac_name: PREFIX.VRID unless taken, then PREFIX6 (IPv6), PREFIX1, PREFIX2, ... */
    private String defaultVmacName(VrrpInstanceConfig c) {
        String name = vmacPrefix + "." + c.virtualRouterId();
        boolean ipv6 = ipv6(c);
        for (int n = ipv6 ? 6 : 1; vmacNames.containsKey(name); ) {
            name = vmacPrefix + n + "." + c.virtualRouterId();
            // IPv6: 6, 1, 2, 3, 4, 5, 7, 8, ...; IPv4: 1, 2, 3, ...
            n = !ipv6 ? n + 1 : n == 6 ? 1 : n == 5 ? 7 : n + 1;
        }
        return name;
    }

    private static boolean ipv6(VrrpInstanceConfig c) {
        return !c.virtualIpAddresses().isEmpty() && c.virtualIpAddresses().get(0).address() instanceof Inet6Address;
    }

    private Token at(Object block) {
        Token t = locations.get(block);
        return t != null ? t : UNKNOWN;
    }

    private Token at(Object block, String keyword) {
        Map<String, Token> k = keywords.get(block);
        Token t = k == null ? null : k.get(keyword);
        return t != null ? t : at(block);
    }

    /**
     * The VRRP version {@code c} runs: its own {@code version}, else 3 for an IPv6 instance, else
     * {@code defaultVersion} (global_defs' {@code vrrp_version}, 2 when not given).
     */
    static int version(VrrpInstanceConfig c, int defaultVersion) {
        return c.version() != null ? c.version() : ipv6(c) ? 3 : defaultVersion;
    }

    /**
     * A {@code vrrp_instance}; {@code defaultVersion} applies when it gives no {@code version}. What
     * keepalived 2.2.7 corrects with a warning when it completes an instance is corrected here, with
     * a located warning: {@code nopreempt} with {@code state MASTER} or priority 255 is cleared; a
     * VRRPv2 {@code advert_int} is rounded to whole seconds (half up, at least 1 s), a VRRPv3 one to
     * 10 ms and at most 40.95 s; an {@code authentication} without {@code auth_pass} is ignored; the
     * address owner (priority 255) stops tracking the interfaces and scripts it tracks with a weight
     * (a script tracked without one has the script's own). An {@code authentication} block of a
     * VRRPv3 instance is left out, as keepalived ignores it (the reader warned, see {@link Binder}).
     */
    private VrrpInstance instance(VrrpInstanceConfig c, int defaultVersion, Map<String, VrrpScriptConfig> scripts) {
        String where = "vrrp_instance " + c.name();
        VrrpInstance.Builder b = VrrpInstance.builder(c.name()).virtualRouterId(c.virtualRouterId());
        ifSet(c.interfaceName(), b::interfaceName);
        int version = version(c, defaultVersion);
        b.version(version);
        // keepalived 2.2.7 gives state MASTER without a priority the owner's 255 (seen on the wire)
        Integer priority = c.priority() != null ? c.priority() : c.state() == InitialState.MASTER ? OWNER : null;
        ifSet(priority, b::priority);
        boolean owner = priority != null && priority == OWNER;
        ifSet(advertInterval(c, version), b::advertInterval);
        ifSet(c.state(), b::initialState);
        boolean nopreempt = c.nopreempt();
        if (nopreempt && c.priority() != null && owner) {
            problems.warning(at(c, "nopreempt"), where + " nopreempt: with priority 255 (expected: a priority below 255,"
                    + " the address owner always preempts) - cleared, as keepalived does");
            nopreempt = false;
        } else if (nopreempt && c.state() == InitialState.MASTER) {
            problems.warning(at(c, "nopreempt"), where + " nopreempt: with state MASTER (expected: state BACKUP)"
                    + " - cleared, as keepalived does");
            nopreempt = false;
        }
        b.nopreempt(nopreempt);
        ifSet(c.preemptDelay(), b::preemptDelay);
        ifSet(c.accept(), b::acceptMode);
        if (c.authentication() != null && version == 2) {
            if (c.authentication().password() == null) {
                problems.warning(at(c, "authentication"), Preconditions.message(where + " authentication auth_pass",
                        null, "a password") + " - authentication ignored, as keepalived does");
            } else {
                b.authentication(VrrpAuthentication.of(c.authentication().type(), c.authentication().password()));
            }
        }
        ifSet(c.unicastSourceIp() != null ? c.unicastSourceIp() : c.multicastSourceIp(), b::sourceAddress);
        for (VirtualIpAddress v : c.virtualIpAddresses()) {
            b.virtualAddress(address(c.name(), v));
        }
        for (VirtualIpAddress v : c.excludedVirtualIpAddresses()) {
            b.excludedAddress(address(c.name(), v));
        }
        c.unicastPeers().forEach(b::unicastPeer);
        unicastTtl(c, where, b);
        vmac(c, where, b);
        b.garp(garp(c.garp(), globalGarp));
        // the instance's own, else global_defs' default unless in strict mode (keepalived's
        // vrrp_complete_instance; StrictMode clears an instance's own in strict mode)
        ifSet(c.higherPrioSendAdvert() != null ? c.higherPrioSendAdvert()
                : StrictMode.strict(c, globalStrict) ? null : globalHigherPrio,
                b::higherPrioritySendAdvert);
        for (TrackedObject t : c.trackInterfaces()) {
            if (owner && t.weight() != null && t.weight() != 0) {
                problems.warning(at(t), ownerWeight(where + " track_interface " + t.name(), t.weight(), "interface"));
            } else {
                track(t, b::trackInterface, b::trackInterface);
            }
        }
        for (TrackedObject t : c.trackScripts()) {
            VrrpScriptConfig s = scripts.get(t.name());
            int weight = t.weight() != null ? t.weight() : s != null && s.weight() != null ? s.weight() : 0;
            if (owner && weight != 0) {
                problems.warning(at(t), ownerWeight(where + " track_script " + t.name(), weight,
                        t.weight() != null ? "script" : "script (its vrrp_script's weight)"));
            } else {
                track(t, b::trackScript, b::trackScript);
            }
        }
        b.dontTrackPrimary(c.dontTrackPrimary());
        notify(c.notifyScripts(), b::notifyMaster, b::notifyBackup, b::notifyFault, b::notifyStop, b::notifyAny);
        return b.build();
    }

    private static final int OWNER = 255;

    private static String ownerWeight(String what, int weight, String kind) {
        return Preconditions.message(what + " weight", weight, "0 for the address owner (priority 255)")
                + " - the " + kind + " is not tracked, as keepalived does";
    }

    /**
     * The advert interval keepalived runs: VRRPv2 whole seconds (rounded half up, at least 1 s),
     * VRRPv3 10 ms steps (rounded half up, at least 10 ms, at most 40.95 s); warned where changed.
     */
    private Duration advertInterval(VrrpInstanceConfig c, int version) {
        Duration d = c.advertInterval();
        if (d == null) {
            return null;
        }
        String where = "vrrp_instance " + c.name() + " advert_int";
        long micros = d.toNanos() / 1000;
        long step = version == 2 ? 1_000_000 : 10_000;
        long max = version == 2 ? 255_000_000 : 40_950_000;
        long r = micros;
        String expected;
        if (micros > max) {
            r = max;
            expected = version == 2 ? "at most 255s for VRRPv2" : "at most 40.95s for VRRPv3";
        } else if (micros % step != 0) {
            r = Math.max(step, (micros + step / 2) / step * step);
            expected = version == 2 ? "whole seconds for VRRPv2" : "a multiple of 10ms for VRRPv3";
        } else {
            return d;
        }
        Duration out = Duration.ofNanos(r * 1000);
        problems.warning(at(c, "advert_int"), Preconditions.message(where, seconds(d), expected) + " - "
                + (micros > max ? "set to " : "rounded to ") + seconds(out) + ", as keepalived does");
        return out;
    }

    private static String seconds(Duration d) {
        return java.math.BigDecimal.valueOf(d.toNanos(), 9).stripTrailingZeros().toPlainString() + "s";
    }

    /** A {@code vrrp_script} (one without {@code script} was dropped by the reader). */
    static VrrpScript script(VrrpScriptConfig s) {
        VrrpScript.Builder b = VrrpScript.builder(s.name()).command(s.script()).reverse(s.weightReverse())
                .initFail(s.initFail());
        ifSet(s.interval(), b::interval);
        ifSet(s.timeout(), b::timeout);
        ifSet(s.weight(), b::weight);
        ifSet(s.rise(), b::rise);
        ifSet(s.fall(), b::fall);
        ifSet(s.user(), b::user);
        ifSet(s.group(), b::group);
        return b.build();
    }

    /**
     * A {@code vrrp_sync_group}. When a member is the address owner (priority 255) its weighted
     * tracking is kept with weight 0, with a warning, as keepalived does.
     */
    private VrrpSyncGroup group(VrrpSyncGroupConfig g, Map<String, Integer> priorities,
            Map<String, VrrpScriptConfig> scripts) {
        String where = "vrrp_sync_group " + g.name();
        boolean owner = g.instances().stream().anyMatch(n -> Integer.valueOf(OWNER).equals(priorities.get(n)));
        VrrpSyncGroup.Builder b = VrrpSyncGroup.builder(g.name()).members(g.instances());
        for (TrackedObject t : g.trackInterfaces()) {
            if (owner && t.weight() != null && t.weight() != 0) {
                problems.warning(at(t), groupOwnerWeight(where + " track_interface " + t.name(), t.weight()));
                b.trackInterface(t.name(), 0, t.reverse());
            } else {
                track(t, b::trackInterface, b::trackInterface);
            }
        }
        for (TrackedObject t : g.trackScripts()) {
            VrrpScriptConfig s = scripts.get(t.name());
            int weight = t.weight() != null ? t.weight() : s != null && s.weight() != null ? s.weight() : 0;
            if (owner && weight != 0) {
                problems.warning(at(t), groupOwnerWeight(where + " track_script " + t.name(), weight));
                b.trackScript(t.name(), 0, t.reverse());
            } else {
                track(t, b::trackScript, b::trackScript);
            }
        }
        notify(g.notifyScripts(), b::notifyMaster, b::notifyBackup, b::notifyFault, b::notifyStop, b::notifyAny);
        return b.build();
    }

    private static String groupOwnerWeight(String what, int weight) {
        return Preconditions.message(what + " weight", weight, "0 with a member of priority 255")
                + " - weight set to 0, as keepalived does";
    }

    private static VirtualAddress address(String instance, VirtualIpAddress v) {
        VirtualAddress.Builder b = VirtualAddress.builder(v.address());
        try {
            if (v.prefixLength() >= 0) {
                b.prefixLength(v.prefixLength());
            }
            ifSet(v.broadcast(), b::broadcast);
            ifSet(v.device(), b::device);
            ifSet(v.scope(), b::scope);
            ifSet(v.label(), b::label);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("vrrp_instance " + instance + " " + e.getMessage(), e);
        }
        return b.build();
    }

    /** keepalived's defaults for the {@code garp_*} keywords not given. */
    /** An instance's garp_* settings, each else global_defs' vrrp_garp_* one, else keepalived's default. */
    static GarpSettings garp(GarpConfig g, GarpConfig global) {
        GarpSettings.Builder b = GarpSettings.builder();
        ifSet(or(g.masterDelay(), global.masterDelay()), b::masterDelay);
        ifSet(or(g.masterRepeat(), global.masterRepeat()), b::masterRepeat);
        ifSet(or(g.masterRefresh(), global.masterRefresh()), b::masterRefresh);
        ifSet(or(g.masterRefreshRepeat(), global.masterRefreshRepeat()), b::masterRefreshRepeat);
        ifSet(or(g.lowerPrioDelay(), global.lowerPrioDelay()), b::lowerPrioDelay);
        ifSet(or(g.lowerPrioRepeat(), global.lowerPrioRepeat()), b::lowerPrioRepeat);
        return b.build();
    }

    private static <T> T or(T own, T global) {
        return own != null ? own : global;
    }

    /** A weighted track setter of a builder: {@code trackInterface(name, weight, reverse)}, ... */
    private interface WeightedTrack {
        void track(String name, int weight, boolean reverse);
    }

    /** Tracks one object: with the weight it gives, else with the tracked object's own. */
    private static void track(TrackedObject t, Consumer<String> plain, WeightedTrack weighted) {
        if (t.weight() == null) {
            plain.accept(t.name());
        } else {
            weighted.track(t.name(), t.weight(), t.reverse());
        }
    }

    private static void notify(Map<String, String> commands, Consumer<String> master, Consumer<String> backup,
            Consumer<String> fault, Consumer<String> stop, Consumer<String> any) {
        ifSet(commands.get("notify_master"), master);
        ifSet(commands.get("notify_backup"), backup);
        ifSet(commands.get("notify_fault"), fault);
        ifSet(commands.get("notify_stop"), stop);
        ifSet(commands.get("notify"), any);
    }

    private static <T> void ifSet(T value, Consumer<T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }
}
