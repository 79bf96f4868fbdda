package io.lvs4j.director.config;

import io.lvs4j.vrrp.InitialState;
import io.lvs4j.vrrp.UnicastPeer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@code vrrp_instance} block as written. {@code null} and empty mean "not given", so keepalived's
 * default applies (state BACKUP, priority 100, advert_int 1s, version 2, preempt on). What the VRRP
 * engine runs is the {@link io.lvs4j.vrrp.VrrpInstance} the reader maps this onto.
 *
 * <p>{@code notifyScripts} maps the keyword ({@code notify_master}, {@code notify_backup},
 * {@code notify_fault}, {@code notify_stop}, {@code notify_deleted}, {@code notify}) to the command.
 * {@code otherSettings} holds the keywords keepalived accepts that have no typed field here, as
 * written (keyword to its arguments). {@code unicastPeers} carry their {@code min_ttl}/{@code max_ttl}
 * bounds (0..255 when not given). {@code higherPrioSendAdvert} is {@code higher_prio_send_advert [BOOL]}
 * ({@code null}: not given, off). {@code options} holds the keepalived keywords of the instance that
 * lvs4j acts on beyond those ({@link Options#NONE}: none given).
 */
public record VrrpInstanceConfig(
        String name,
        InitialState state,
        String interfaceName,
        int virtualRouterId,
        Integer priority,
        Duration advertInterval,
        Integer version,
        AuthenticationConfig authentication,
        List<VirtualIpAddress> virtualIpAddresses,
        List<VirtualIpAddress> excludedVirtualIpAddresses,
        List<String> virtualRoutes,
        List<String> virtualRules,
        InetAddress unicastSourceIp,
        List<UnicastPeer> unicastPeers,
        InetAddress multicastSourceIp,
        boolean nopreempt,
        Duration preemptDelay,
        List<TrackedObject> trackInterfaces,
        List<TrackedObject> trackScripts,
        List<TrackedObject> trackFiles,
        boolean dontTrackPrimary,
        Map<String, String> notifyScripts,
        Boolean smtpAlert,
        Boolean accept,
        GarpConfig garp,
        Boolean higherPrioSendAdvert,
        Options options,
        Map<String, List<String>> otherSettings) {

    /**
     * {@code unicastTtl} is {@code unicast_ttl N}, the TTL of unicast adverts ({@code null}: not
     * given, 255); {@code strictMode} is {@code strict_mode [BOOL]} ({@code null}: not given, global_defs'
     * {@code vrrp_strict} applies); {@code useVmac} is whether {@code use_vmac [NAME]} is given and
     * {@code vmacName} its NAME ({@code null}: keepalived's default name, {@code vmac_prefix.VRID});
     * {@code vmacXmitBase} is {@code vmac_xmit_base} (adverts on the base interface).
     */
    public record Options(Integer unicastTtl, Boolean strictMode, boolean useVmac, String vmacName,
            boolean vmacXmitBase) {
        /** No such keyword given. */
        public static final Options NONE = new Options(null, null, false, null, false);

        public Options {
            if (vmacName != null && !useVmac) {
                throw new IllegalArgumentException(io.lvs4j.internal.Preconditions.message("vmacName", vmacName,
                        "null without useVmac"));
            }
        }
    }

    public VrrpInstanceConfig {
        Objects.requireNonNull(name, "name");
        virtualIpAddresses = List.copyOf(virtualIpAddresses);
        excludedVirtualIpAddresses = List.copyOf(excludedVirtualIpAddresses);
        virtualRoutes = List.copyOf(virtualRoutes);
        virtualRules = List.copyOf(virtualRules);
        unicastPeers = List.copyOf(unicastPeers);
        trackInterfaces = List.copyOf(trackInterfaces);
        trackScripts = List.copyOf(trackScripts);
        trackFiles = List.copyOf(trackFiles);
        notifyScripts = Map.copyOf(notifyScripts);
        otherSettings = Map.copyOf(otherSettings);
        Objects.requireNonNull(garp, "garp");
        options = options == null ? Options.NONE : options;
    }
}
