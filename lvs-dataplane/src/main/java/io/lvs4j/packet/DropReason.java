package io.lvs4j.packet;

/** Why the packet path dropped a packet; each reason has a counter in {@link DropCounters}. */
public enum DropReason {
    /** Shorter than the headers it claims or needs. */
    TRUNCATED,
    /** Not IPv4 or IPv6 (version nibble, or EtherType for frames). */
    BAD_VERSION,
    /** IPv4 header length below 5 words or past the packet. */
    BAD_IHL,
    /** IP total or payload length disagrees with the packet, or a bad L4 length. */
    BAD_LENGTH,
    /** A fragment (IPv4 MF or offset, IPv6 fragment header): the director needs whole packets. */
    FRAGMENT,
    /** The IPv4 header checksum is wrong. */
    BAD_CHECKSUM,
    /** IPv4 options or IPv6 extension headers, which the rewrite does not walk. */
    OPTIONS,
    /** A protocol other than TCP, UDP, SCTP and ICMP errors. */
    UNSUPPORTED_PROTOCOL,
    /** An ICMP message that is not an error, or an error about a flow we do not know. */
    ICMP_NOT_OURS,
    /** No connection and no service for the flow (or a reply of a flow that takes none). */
    NO_SERVICE,
    /**
     * A packet of an unknown flow of a service that does not open a connection: TCP without SYN or
     * with SYN and ACK, SCTP without an INIT chunk; with {@link PacketPath#sloppyTcp}/{@link
     * PacketPath#sloppySctp} only a TCP RST or an SCTP ABORT.
     */
    NOT_INITIAL,
    /** The service has no destination available. */
    NO_DESTINATION,
    /** The connection's destination is gone ({@code expire_nodest_conn}). */
    DESTINATION_GONE,
    /** Direct routing or tunnelling needs the destination's link address, which is not known, or a frame. */
    NO_LINK_ADDRESS,
    /** No room in the buffer for an encapsulation header. */
    NO_HEADROOM,
    /** A buffer layout the rewrite cannot address without copying (e.g. composite). */
    UNSUPPORTED_BUFFER,
    /**
     * A new connection refused: the connection table holds its
     * {@link io.lvs4j.conn.ConnectionTable.Builder#maxConnections(int) limit} of entries.
     */
    TABLE_FULL,
    /**
     * A new connection dropped at random by the flood defence, the connection table being past its
     * {@link io.lvs4j.conn.ConnectionTable.Builder#defenseThreshold(int) defence threshold}.
     */
    EARLY_DROP;

    private static final DropReason[] VALUES = values();

    static DropReason of(int ordinal) {
        return VALUES[ordinal];
    }
}
