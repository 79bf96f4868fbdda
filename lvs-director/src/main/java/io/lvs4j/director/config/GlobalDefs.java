package io.lvs4j.director.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code global_defs}. The keywords lvs4j reads are typed; every other keyword keepalived 2.2
 * knows is kept as written in {@code otherSettings} (keyword to arguments) and reported as a
 * warning when read.
 *
 * <p>{@code lvsTimeouts*} are {@code lvs_timeouts tcp N tcpfin N udp N} in seconds ({@code null}:
 * not given).
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
        Map<String, List<String>> otherSettings) {

    public static final GlobalDefs EMPTY =
            new GlobalDefs(null, List.of(), null, null, null, null, null, null, null, false, false, false, null, Map.of());

    public GlobalDefs {
        notificationEmail = List.copyOf(notificationEmail);
        otherSettings = Map.copyOf(otherSettings);
    }
}
