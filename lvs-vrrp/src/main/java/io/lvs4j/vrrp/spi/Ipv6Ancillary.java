package io.lvs4j.vrrp.spi;

import io.lvs4j.internal.Preconditions;
import java.net.Inet6Address;

/**
 * What an IPv6 raw socket reports beside the VRRP bytes (it never delivers the IPv6 header): the
 * source and destination ({@code IPV6_PKTINFO}, {@code recvfrom}) and the hop limit
 * ({@code IPV6_HOPLIMIT} ancillary data).
 */
public record Ipv6Ancillary(Inet6Address source, Inet6Address destination, int hopLimit) {
    public Ipv6Ancillary {
        Preconditions.checkNotNull(source, "source");
        Preconditions.checkNotNull(destination, "destination");
        Preconditions.checkInRange(hopLimit, 0, 255, "hopLimit");
    }
}
