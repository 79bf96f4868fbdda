package io.lvs4j.forwarder;

/**
 * Why the forwarder refused an ARP or IPv6 neighbour discovery frame: it did not take a real
 * server's link address from it, or did not answer it. Counted in
 * {@link ForwarderStats#neighbourRefused()}. Frames about addresses the forwarder has no interest
 * in (neither a real server's nor a virtual address) are not counted, except ARP frames that are
 * not IPv4 over Ethernet or have an unknown operation ({@link #MALFORMED}), which cannot be told.
 *
 * <p>A real server's MAC is learnt only from ARP that concerns the interface it came in on: a
 * reply or request for one of the interface's addresses (to its MAC or to broadcast), or a
 * gratuitous ARP (sender and target address the same); and from a neighbour advertisement valid by
 * RFC 4861 7.1.2 (hop limit 255, ICMPv6 checksum, code 0, a unicast target, options of non-zero
 * length, no solicited flag to a multicast address) that carries the target's link-layer address
 * and, by 7.2.5, the solicited or override flag while the real server is unresolved, the override
 * flag to change a known MAC.
 */
public enum NeighbourRefusal {
    /**
     * Sent to another Ethernet address than the interface's, broadcast or (IPv6) multicast, or ARP
     * (not gratuitous) with a real server as sender and a target address that is not the
     * interface's: ARP between other hosts.
     */
    NOT_FOR_US,
    /** A zero or multicast link address given as a real server's. */
    BAD_LINK_ADDRESS,
    /**
     * Not IPv4-over-Ethernet ARP or an unknown ARP operation; neighbour discovery with a bad
     * length, a multicast target, an option of length 0, or the solicited flag on an advertisement
     * to a multicast address.
     */
    MALFORMED,
    /** Neighbour discovery with a hop limit other than 255: it crossed a router (RFC 4861 7.1). */
    HOP_LIMIT,
    /** Neighbour discovery with a wrong ICMPv6 checksum. */
    CHECKSUM,
    /** Neighbour discovery with an ICMP code other than 0. */
    CODE,
    /** A neighbour advertisement for a real server without the target link-layer address option. */
    NO_LINK_ADDRESS_OPTION,
    /**
     * A neighbour advertisement for a real server that may not set its MAC: neither solicited nor
     * overriding while the real server is unresolved, or not overriding a different known MAC.
     */
    NOT_OVERRIDE;

    private static final NeighbourRefusal[] VALUES = values();

    static NeighbourRefusal of(int ordinal) {
        return VALUES[ordinal];
    }
}
