package io.lvs4j.director.config;

import io.lvs4j.internal.Addresses;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * lvs4j's {@code bgp_speaker} block (an extension of keepalived.conf): route health injection,
 * the director announcing its virtual services' addresses over BGP while they have quorum.
 * {@code null} means the keyword was not given (the default applies).
 *
 * <pre>
 * bgp_speaker {
 *     router_id 192.0.2.11
 *     local_as 65001
 *     listen_port 179      # the port neighbours connect to (179); 0: dial only, never listen
 *     device lo            # where announced addresses go (lo)
 *     stop_drain 2         # seconds between withdrawing and removing the rules on stop (2)
 *     partial_table_delay 10  # seconds a table without some real servers holds before it is first announced (10)
 *     neighbor 192.0.2.1 {
 *         remote_as 65000
 *         hold_time 3      # 0 or 3..65535 (90)
 *         port 179
 *         password secret  # TCP MD5
 *         local_address 192.0.2.11
 *         passive
 *     }
 * }
 * </pre>
 */
public record BgpSpeakerConfig(InetAddress routerId, long localAs, Integer listenPort, String device,
        Duration stopDrain, Duration partialTableDelay, List<Neighbor> neighbors) {
    public BgpSpeakerConfig {
        neighbors = List.copyOf(neighbors);
    }

    /** A {@code neighbor ADDRESS { ... }} block; {@link #toString()} hides the password. */
    public record Neighbor(InetAddress address, long remoteAs, Integer holdTime, Integer port, String password,
            InetAddress localAddress, boolean passive) {
        @Override
        public String toString() {
            return "Neighbor[" + Addresses.format(address) + " remoteAs=" + remoteAs + " holdTime=" + holdTime
                    + " port=" + port + (password != null ? " password=***" : "") + " localAddress="
                    + (localAddress == null ? null : Addresses.format(localAddress)) + " passive=" + passive + "]";
        }
    }
}
