package io.lvs4j.director.config.internal;

import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.director.config.VirtualIpAddress;
import io.lvs4j.director.config.VrrpInstanceConfig;
import io.lvs4j.director.config.AuthenticationConfig;
import io.lvs4j.director.host.VipFirewall;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.vrrp.InitialState;
import java.net.Inet6Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * keepalived's strict mode ({@code vrrp_strict} in global_defs, or an instance's
 * {@code strict_mode}) as keepalived 2.2.7 applies it to an instance: where keepalived refuses the
 * instance (unicast peers; an instance without a virtual address {@link VrrpMapper} refuses in any
 * mode) this is a located error; where it overrides a
 * setting (drops the authentication, resets {@code preempt_delay}, {@code down_timer_adverts},
 * the initial state that does not match the priority, accept mode in VRRP version 2, version 2
 * with IPv6) the setting is overridden the same way, with a located warning.
 */
public final class StrictMode {
    private static final int OWNER = 255;

    /** Whether this host has the nft program the director's firewall needs; replaced by tests. */
    static java.util.function.BooleanSupplier nftPresent = () -> VipFirewall.nftProgram().isPresent();

    private StrictMode() {}

    /**
     * A located error at {@code at} when this host has no {@code nft} program: the director drops the
     * traffic of a non-accept master's virtual addresses with it (keepalived's firewall rules), and
     * a strict mode that cannot do that is refused rather than run half.
     */
    static void requireFirewall(Problems problems, Token at, String setting) {
        if (!nftPresent.getAsBoolean()) {
            problems.error(at, Preconditions.message(setting, "nft not found", "the nftables program (Debian: "
                    + "apt-get install nftables): strict mode drops the traffic of a master's virtual addresses "
                    + "without accept mode, as keepalived does"));
        }
    }

    /**
     * The configuration with strict mode applied; the new instances are located where the old ones
     * were, their keywords too ({@code keywords}: {@link Binder#keywordLocations()}).
     */
    public static KeepalivedConfig apply(KeepalivedConfig config, Problems problems, Map<Object, Token> locations,
            Map<Object, Map<String, Token>> keywords) {
        List<VrrpInstanceConfig> out = new ArrayList<>();
        boolean changed = false;
        for (VrrpInstanceConfig i : config.vrrpInstances()) {
            Token at = locations.get(i);
            if (at != null && !config.globalDefs().vrrpStrict() && strict(i, false)) {
                // strict_mode of the instance alone (vrrp_strict was checked where it stands)
                requireFirewall(problems, at(keywords.getOrDefault(i, Map.of()), "strict_mode", at),
                        "vrrp_instance " + i.name() + " strict_mode");
            }
            VrrpInstanceConfig n = at == null || !strict(i, config.globalDefs().vrrpStrict()) ? i
                    : apply(i, config.globalDefs().vrrpVersion(), problems, at, keywords.getOrDefault(i, Map.of()));
            if (n != i) {
                locations.put(n, at);
                if (keywords.containsKey(i)) {
                    keywords.put(n, keywords.get(i));
                }
                changed = true;
            }
            out.add(n);
        }
        return !changed ? config : new KeepalivedConfig(config.globalDefs(), config.vrrpScripts(), out,
                config.vrrpSyncGroups(), config.virtualServerGroups(), config.virtualServers(), config.ssl());
    }

    private static VrrpInstanceConfig apply(VrrpInstanceConfig i, Integer globalVersion, Problems problems, Token block,
            Map<String, Token> keywords) {
        String name = "vrrp_instance " + i.name();
        int priority = i.priority() != null ? i.priority() : (i.state() == InitialState.MASTER ? OWNER : 100);
        boolean ipv6 = i.virtualIpAddresses().stream().map(VirtualIpAddress::address).anyMatch(a -> a instanceof Inet6Address);
        Integer version = i.version();
        int effective = version != null ? version : ipv6 ? 3 : globalVersion != null ? globalVersion : 2;
        if (!i.unicastPeers().isEmpty()) {
            problems.error(at(keywords, "unicast_peer", block), name + " " + Preconditions.message("unicast_peer", i.unicastPeers().get(0).address().getHostAddress(),
                    "no unicast peers in strict mode"));
        }
        if (ipv6 && effective == 2) {
            override(problems, at(keywords, "version", block), name, "version 2 with IPv6 virtual addresses", "version 3");
            version = 3;
            effective = 3;
        }
        AuthenticationConfig auth = i.authentication();
        if (auth != null) {
            override(problems, at(keywords, "authentication", block), name, "authentication", "no authentication");
            auth = null;
        }
        Duration preemptDelay = i.preemptDelay();
        if (preemptDelay != null && !preemptDelay.isZero()) {
            override(problems, at(keywords, "preempt_delay", block), name, "preempt_delay", "no delay");
            preemptDelay = null;
        }
        InitialState state = i.state();
        if (state != null && (state == InitialState.MASTER) != (priority == OWNER)) {
            InitialState derived = priority == OWNER ? InitialState.MASTER : InitialState.BACKUP;
            override(problems, at(keywords, "state", block), name, "state " + state + " at priority " + priority, "state " + derived
                    + " (MASTER only as the address owner, priority 255)");
            state = derived;
        }
        Boolean accept = i.accept();
        if (Boolean.TRUE.equals(accept) && priority != OWNER && effective == 2) {
            override(problems, at(keywords, "accept", block), name, "accept in VRRP version 2 below priority 255", "no accept mode (RFC 3768)");
            accept = false;
        }
        // keepalived: strict mode clears higher_prio_send_advert, the instance's (with this warning)
        // and global_defs' default (silently: VrrpMapper asks strict() and does not apply it)
        Boolean higherPrio = i.higherPrioSendAdvert();
        if (Boolean.TRUE.equals(higherPrio)) {
            override(problems, at(keywords, "higher_prio_send_advert", block), name, "higher_prio_send_advert",
                    "off");
            higherPrio = Boolean.FALSE;
        }
        Map<String, List<String>> other = i.otherSettings();
        if (other.containsKey("down_timer_adverts")) {
            override(problems, at(keywords, "down_timer_adverts", block), name, "down_timer_adverts", "the default 3");
            other = new LinkedHashMap<>(other);
            other.remove("down_timer_adverts");
        }
        if (auth == i.authentication() && preemptDelay == i.preemptDelay() && state == i.state() && accept == i.accept()
                && other == i.otherSettings() && Objects.equals(version, i.version())
                && higherPrio == i.higherPrioSendAdvert()) {
            return i;
        }
        return new VrrpInstanceConfig(i.name(), state, i.interfaceName(), i.virtualRouterId(), i.priority(),
                i.advertInterval(), version, auth, i.virtualIpAddresses(), i.excludedVirtualIpAddresses(), i.virtualRoutes(),
                i.virtualRules(), i.unicastSourceIp(), i.unicastPeers(), i.multicastSourceIp(), i.nopreempt(), preemptDelay,
                i.trackInterfaces(), i.trackScripts(), i.trackFiles(), i.dontTrackPrimary(), i.notifyScripts(), i.smtpAlert(),
                accept, i.garp(), higherPrio, i.options(), other);
    }

    private static Token at(Map<String, Token> keywords, String keyword, Token block) {
        return keywords.getOrDefault(keyword, block);
    }

    private static void override(Problems problems, Token at, String name, String setting, String instead) {
        problems.warning(at, name + ": " + setting + " overridden in strict mode, as keepalived does: " + instead);
    }

    /**
     * The names of the instances that run in strict mode (their own {@code strict_mode}, else the
     * global {@code vrrp_strict}): the director drops the traffic of their virtual addresses while
     * they are master without accept mode, as keepalived does.
     */
    public static java.util.Set<String> strictInstances(KeepalivedConfig config) {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (VrrpInstanceConfig i : config.vrrpInstances()) {
            if (strict(i, config.globalDefs().vrrpStrict())) {
                out.add(i.name());
            }
        }
        return out;
    }

    /** Whether the instance runs in strict mode: its own strict_mode, else vrrp_strict ({@code global}). */
    static boolean strict(VrrpInstanceConfig i, boolean global) {
        Boolean own = i.options().strictMode();
        return own != null ? own : global;
    }
}
