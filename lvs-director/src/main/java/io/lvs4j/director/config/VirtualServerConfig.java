package io.lvs4j.director.config;

import io.lvs4j.AddressFamily;
import io.lvs4j.Protocol;
import io.lvs4j.Scheduler;
import io.lvs4j.SchedulerFlag;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A {@code virtual_server} block, by address and port, by {@code fwmark} or by {@code group}:
 * exactly one of {@code address}, {@code fwmark != 0}, {@code group} is set. {@code null} means the
 * keyword was not given, so keepalived's default applies (see
 * {@link KeepalivedConfig#virtualServices()} for what they are).
 *
 * <p>{@code persistenceTimeout} is in seconds; {@code persistenceGranularity} the netmask (IPv4)
 * or prefix length (IPv6) as written.
 */
public record VirtualServerConfig(
        InetAddress address,
        int port,
        long fwmark,
        String group,
        Protocol protocol,
        Scheduler scheduler,
        Set<SchedulerFlag> schedulerFlags,
        boolean ops,
        boolean hashed,
        LvsMethod method,
        Integer persistenceTimeout,
        String persistenceGranularity,
        String persistenceEngine,
        AddressFamily ipFamily,
        Integer quorum,
        Integer hysteresis,
        String quorumUp,
        String quorumDown,
        SorryServer sorryServer,
        boolean haSuspend,
        boolean alpha,
        boolean omega,
        boolean inhibitOnFailure,
        Integer weight,
        Duration delayLoop,
        Duration connectTimeout,
        Integer retry,
        Duration delayBeforeRetry,
        Duration warmup,
        String virtualhost,
        Boolean smtpAlert,
        List<RealServerConfig> realServers,
        Announce announce) {

    /**
     * lvs4j's {@code announce [ADDRESS...]} and {@code no_announce} (route health injection, see
     * {@link BgpSpeakerConfig}): {@code enabled} false for {@code no_announce}; else the addresses
     * announced instead of the service's own (none: its own; a fwmark service needs them).
     */
    public record Announce(boolean enabled, List<InetAddress> addresses) {
        public Announce {
            addresses = List.copyOf(addresses);
        }
    }

    public VirtualServerConfig {
        schedulerFlags = Set.copyOf(schedulerFlags);
        realServers = List.copyOf(realServers);
        int kinds = (address != null ? 1 : 0) + (fwmark != 0 ? 1 : 0) + (group != null ? 1 : 0);
        if (kinds != 1) {
            throw new IllegalArgumentException(io.lvs4j.internal.Preconditions.message("virtual_server",
                    kinds + " of address, fwmark, group", "exactly one"));
        }
    }

    /** How the block starts: {@code 192.0.2.1 80}, {@code fwmark 1} or {@code group NAME}. */
    public String keyText() {
        if (group != null) {
            return "group " + group;
        }
        if (fwmark != 0) {
            return "fwmark " + fwmark;
        }
        return io.lvs4j.internal.Addresses.format(address) + (port != 0 ? " " + port : "");
    }

    /** Only address, port (or fwmark or group) and real servers set. */
    public static VirtualServerConfig of(InetAddress address, int port, long fwmark, String group,
            List<RealServerConfig> realServers) {
        return new VirtualServerConfig(address, port, fwmark, group, null, null, Set.of(), false, false, null, null,
                null, null, null, null, null, null, null, null, false, false, false, false, null, null, null, null,
                null, null, null, null, realServers, null);
    }

    static <T> T orElse(T value, T otherwise) {
        return Objects.requireNonNullElse(value, otherwise);
    }
}
