package io.lvs4j.bgp.internal;

import java.util.Arrays;
import java.util.List;

/** A decoded BGP message, or what was wrong with it. */
public sealed interface Message permits Message.Open, Message.Keepalive, Message.Notification,
        Message.RouteRefresh, Message.Malformed, Update {
    /** A (AFI, SAFI) pair of the multiprotocol extensions (RFC 4760). */
    record Family(int afi, int safi) {
        public static final Family IPV4_UNICAST = new Family(Bgp.AFI_IPV4, Bgp.SAFI_UNICAST);
        public static final Family IPV6_UNICAST = new Family(Bgp.AFI_IPV6, Bgp.SAFI_UNICAST);

        @Override
        public String toString() {
            return (afi == Bgp.AFI_IPV4 ? "ipv4" : afi == Bgp.AFI_IPV6 ? "ipv6" : "afi" + afi)
                    + (safi == Bgp.SAFI_UNICAST ? "-unicast" : "-safi" + safi);
        }
    }

    /**
     * An OPEN message: the 2-octet My Autonomous System field, hold time in seconds, BGP identifier,
     * and the capabilities (RFC 5492) this speaker looks at; {@code capabilityCodes} lists every
     * capability code in the order received.
     *
     * @param fourOctetAs the 4-octet AS capability's value (RFC 6793), or -1 when absent
     */
    record Open(int myAs, int holdTime, int bgpId, long fourOctetAs, List<Family> multiprotocol,
            boolean routeRefresh, boolean gracefulRestart, List<Integer> capabilityCodes) implements Message {
        public Open {
            multiprotocol = List.copyOf(multiprotocol);
            capabilityCodes = List.copyOf(capabilityCodes);
        }

        /** The peer's AS: the capability's 4-octet value if present, else the 2-octet field. */
        public long peerAs() {
            return fourOctetAs >= 0 ? fourOctetAs : myAs;
        }

        /**
         * The families the peer supports: those it lists, or IPv4 unicast alone when it sent no
         * multiprotocol capability (RFC 4760 section 8).
         */
        public List<Family> families() {
            return multiprotocol.isEmpty() ? List.of(Family.IPV4_UNICAST) : multiprotocol;
        }
    }

    /** A KEEPALIVE message. */
    record Keepalive() implements Message {
        public static final Keepalive INSTANCE = new Keepalive();
    }

    /** A NOTIFICATION message. */
    record Notification(int code, int subcode, byte[] data) implements Message {
        public Notification {
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Notification n && n.code == code && n.subcode == subcode && Arrays.equals(n.data, data);
        }

        @Override
        public int hashCode() {
            return (code * 31 + subcode) * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Notification[" + code + "/" + subcode + " data=" + io.netty.buffer.ByteBufUtil.hexDump(data) + "]";
        }
    }

    /** A ROUTE-REFRESH message (RFC 2918); this speaker ignores it. */
    record RouteRefresh(int afi, int safi) implements Message {}

    /** A message that cannot be taken: the error to answer with (or, for UPDATE errors, to note). */
    record Malformed(int type, MessageError error) implements Message {}
}
