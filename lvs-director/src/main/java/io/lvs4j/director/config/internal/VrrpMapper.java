package io.lvs4j.director.config.internal;

import io.lvs4j.director.config.AuthenticationConfig;
import io.lvs4j.director.config.GarpConfig;
import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.director.config.TrackedObject;
import io.lvs4j.director.config.VirtualIpAddress;
import io.lvs4j.director.config.VrrpInstanceConfig;
import io.lvs4j.director.config.VrrpScriptConfig;
import io.lvs4j.director.config.VrrpSyncGroupConfig;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.vrrp.GarpSettings;
import io.lvs4j.vrrp.VirtualAddress;
import io.lvs4j.vrrp.VrrpAuthentication;
import io.lvs4j.vrrp.VrrpInstance;
import io.lvs4j.vrrp.VrrpScript;
import io.lvs4j.vrrp.VrrpSyncGroup;
import java.net.Inet6Address;
import java.util.ArrayList;
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
 * <p>Keywords read but not run (a {@code track_file}, {@code virtual_routes}, {@code use_vmac}, the
 * options of a virtual address other than {@code brd}, {@code dev}, {@code scope}, {@code label})
 * were reported as warnings by the reader, or are left out here as before.
 */
public final class VrrpMapper {
    private VrrpMapper() {}

    /** The VRRP part of a configuration, typed. */
    public record Vrrp(List<VrrpInstance> instances, List<VrrpScript> scripts, List<VrrpSyncGroup> syncGroups) {
        public Vrrp {
            instances = List.copyOf(instances);
            scripts = List.copyOf(scripts);
            syncGroups = List.copyOf(syncGroups);
        }
    }

    /**
     * Maps the VRRP blocks of {@code c}.
     *
     * @throws IllegalArgumentException or {@link IllegalStateException} if a block cannot run (the
     *     message names the block and the setting)
     */
    public static Vrrp map(KeepalivedConfig c) {
        Integer globalVersion = c.globalDefs().vrrpVersion();
        List<VrrpInstance> instances = new ArrayList<>();
        for (VrrpInstanceConfig i : c.vrrpInstances()) {
            instances.add(instance(i, globalVersion == null ? 2 : globalVersion));
        }
        // a name defined twice: the last block wins, as lvs4j has always run it
        Map<String, VrrpScript> scripts = new LinkedHashMap<>();
        for (VrrpScriptConfig s : c.vrrpScripts()) {
            scripts.remove(s.name());
            scripts.put(s.name(), script(s));
        }
        List<VrrpSyncGroup> groups = new ArrayList<>();
        for (VrrpSyncGroupConfig g : c.vrrpSyncGroups()) {
            groups.add(group(g));
        }
        return new Vrrp(instances, new ArrayList<>(scripts.values()), groups);
    }

    /**
     * The VRRP version {@code c} runs: its own {@code version}, else 3 for an IPv6 instance, else
     * {@code defaultVersion} (global_defs' {@code vrrp_version}, 2 when not given).
     */
    static int version(VrrpInstanceConfig c, int defaultVersion) {
        boolean ipv6 = !c.virtualIpAddresses().isEmpty()
                && c.virtualIpAddresses().get(0).address() instanceof Inet6Address;
        return c.version() != null ? c.version() : ipv6 ? 3 : defaultVersion;
    }

    /**
     * A {@code vrrp_instance}; {@code defaultVersion} applies when it gives no {@code version}. An
     * {@code authentication} block of a VRRPv3 instance is left out, as keepalived ignores it (the
     * reader warned, see {@link Binder}).
     */
    static VrrpInstance instance(VrrpInstanceConfig c, int defaultVersion) {
        VrrpInstance.Builder b = VrrpInstance.builder(c.name()).virtualRouterId(c.virtualRouterId());
        ifSet(c.interfaceName(), b::interfaceName);
        int version = version(c, defaultVersion);
        b.version(version);
        ifSet(c.priority(), b::priority);
        ifSet(c.advertInterval(), b::advertInterval);
        ifSet(c.state(), b::initialState);
        b.nopreempt(c.nopreempt());
        ifSet(c.preemptDelay(), b::preemptDelay);
        ifSet(c.accept(), b::acceptMode);
        if (c.authentication() != null && version == 2) {
            b.authentication(authentication(c.name(), c.authentication()));
        }
        ifSet(c.unicastSourceIp() != null ? c.unicastSourceIp() : c.multicastSourceIp(), b::sourceAddress);
        for (VirtualIpAddress v : c.virtualIpAddresses()) {
            b.virtualAddress(address(c.name(), v));
        }
        for (VirtualIpAddress v : c.excludedVirtualIpAddresses()) {
            b.excludedAddress(address(c.name(), v));
        }
        b.unicastPeers(c.unicastPeers());
        b.garp(garp(c.garp()));
        List<String> hp = c.otherSettings().get("higher_prio_send_advert");
        if (hp != null) {
            b.higherPrioritySendAdvert(hp.isEmpty() || hp.get(0).equalsIgnoreCase("true") || hp.get(0).equals("1")
                    || hp.get(0).equalsIgnoreCase("yes") || hp.get(0).equalsIgnoreCase("on"));
        }
        track(c.trackInterfaces(), b::trackInterface, b::trackInterface);
        track(c.trackScripts(), b::trackScript, b::trackScript);
        b.dontTrackPrimary(c.dontTrackPrimary());
        notify(c.notifyScripts(), b::notifyMaster, b::notifyBackup, b::notifyFault, b::notifyStop, b::notifyAny);
        return b.build();
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

    /** A {@code vrrp_sync_group}. */
    static VrrpSyncGroup group(VrrpSyncGroupConfig g) {
        VrrpSyncGroup.Builder b = VrrpSyncGroup.builder(g.name()).members(g.instances());
        track(g.trackInterfaces(), b::trackInterface, b::trackInterface);
        track(g.trackScripts(), b::trackScript, b::trackScript);
        notify(g.notifyScripts(), b::notifyMaster, b::notifyBackup, b::notifyFault, b::notifyStop, b::notifyAny);
        return b.build();
    }

    private static VrrpAuthentication authentication(String instance, AuthenticationConfig a) {
        Preconditions.checkArgument(a.password() != null, "vrrp_instance " + instance + " auth_pass", null,
                "a password");
        return VrrpAuthentication.of(a.type(), a.password());
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
    static GarpSettings garp(GarpConfig g) {
        GarpSettings.Builder b = GarpSettings.builder();
        ifSet(g.masterDelay(), b::masterDelay);
        ifSet(g.masterRepeat(), b::masterRepeat);
        ifSet(g.masterRefresh(), b::masterRefresh);
        ifSet(g.masterRefreshRepeat(), b::masterRefreshRepeat);
        ifSet(g.lowerPrioDelay(), b::lowerPrioDelay);
        ifSet(g.lowerPrioRepeat(), b::lowerPrioRepeat);
        return b.build();
    }

    /** A weighted track setter of a builder: {@code trackInterface(name, weight, reverse)}, ... */
    private interface WeightedTrack {
        void track(String name, int weight, boolean reverse);
    }

    /** Tracks each object: with the weight it gives, else with the tracked object's own. */
    private static void track(List<TrackedObject> objects, Consumer<String> plain, WeightedTrack weighted) {
        for (TrackedObject t : objects) {
            if (t.weight() == null) {
                plain.accept(t.name());
            } else {
                weighted.track(t.name(), t.weight(), t.reverse());
            }
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
