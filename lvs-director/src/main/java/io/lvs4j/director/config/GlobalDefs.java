package io.lvs4j.director.config;

import io.lvs4j.Timeouts;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code global_defs}. The keywords lvs4j reads are typed; every other keyword keepalived 2.2
 * knows is kept as written in {@code otherSettings} (keyword to arguments) and reported as a
 * warning when read.
 *
 * <p>{@code lvsTimeouts*} are {@code lvs_timeouts tcp N tcpfin N udp N} in seconds ({@code null}:
 * not given). {@code vrrpVersion} is {@code vrrp_version}: the VRRP version of the instances that
 * give none ({@code null}: 2, keepalived's default; IPv6 instances use 3 whatever it says).
 * {@code vrrpHigherPrioSendAdvert} is {@code vrrp_higher_prio_send_advert [BOOL]}: the
 * {@code higher_prio_send_advert} of the instances that give none and are not in strict mode
 * ({@code null}: off, keepalived's default).
 * {@code lvsSyncDaemon} is {@code lvs_sync_daemon} ({@code null}: none), {@code lvsFlushOnStop}
 * {@code lvs_flush_on_stop [VS]} ({@code null}: not given), {@code lvs4jHttp} lvs4j's own
 * {@code lvs4j_http ADDRESS} (where {@code lvs4j run} serves HTTP, as its {@code --http}; {@code null}: not given).
 * {@code vrrpGarp} holds the {@code vrrp_garp_*} keywords (and {@code vrrp_min_garp}'s effect): the
 * defaults of the instances' own {@code garp_*}. {@code vmacPrefix} is {@code vmac_prefix NAME}: the
 * default {@code use_vmac} name is NAME.VRID ({@code null}: not given, {@code vrrp}).
 */
public record GlobalDefs(
        String routerId,
        List<String> notificationEmail,
        String notificationEmailFrom,
        String smtpServer,
        Duration smtpConnectTimeout,
        Boolean smtpAlert,
        Integer lvsTimeoutTcp,
        Integer lvsTimeoutTcpFin,
        Integer lvsTimeoutUdp,
        boolean lvsFlush,
        boolean vrrpStrict,
        boolean enableScriptSecurity,
        String scriptUser,
        Integer vrrpVersion,
        Boolean vrrpHigherPrioSendAdvert,
        LvsSyncDaemonConfig lvsSyncDaemon,
        FlushOnStop lvsFlushOnStop,
        String lvs4jHttp,
        GarpConfig vrrpGarp,
        String vmacPrefix,
        Map<String, List<String>> otherSettings) {

    /** {@code lvs_flush_on_stop}: the whole IPVS table, or ({@code VS}) only the file's virtual servers. */
    public enum FlushOnStop {
        ALL,
        VIRTUAL_SERVERS
    }

    public static final GlobalDefs EMPTY =
            new GlobalDefs(null, List.of(), null, null, null, null, null, null, null, false, false, false, null, null,
                    null, null, null, null, GarpConfig.DEFAULTS, null, Map.of());

    public GlobalDefs {
        notificationEmail = List.copyOf(notificationEmail);
        otherSettings = Map.copyOf(otherSettings);
        vrrpGarp = vrrpGarp == null ? GarpConfig.DEFAULTS : vrrpGarp;
    }

    /**
     * {@code lvs_timeouts} as IPVS timeouts: {@link Timeouts#UNCHANGED} when none is given, else the
     * given ones with 0 (keep the kernel's) for those left out.
     */
    public Timeouts lvsTimeouts() {
        if (lvsTimeoutTcp == null && lvsTimeoutTcpFin == null && lvsTimeoutUdp == null) {
            return Timeouts.UNCHANGED;
        }
        return Timeouts.ofSeconds(orZero(lvsTimeoutTcp), orZero(lvsTimeoutTcpFin), orZero(lvsTimeoutUdp));
    }

    private static int orZero(Integer i) {
        return i == null ? 0 : i;
    }
}
