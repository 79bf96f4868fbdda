package io.lvs4j.vrrp;

/**
 * Why a received packet was dropped before it reached the state machine. Each drop is counted in
 * {@link VrrpStatistics}. The checks follow RFC 3768 section 7.1, RFC 5798 section 7.1 and what
 * keepalived's receive path verifies in addition (IP total length, AH, unicast/multicast destination).
 */
public enum DropReason {
    /** Shorter than an IP header, an AH header or the fixed VRRP header. */
    TRUNCATED,
    /** IPv4 header with a version other than 4, an IHL below 5 or a total length that disagrees with the packet. */
    MALFORMED_IP_HEADER,
    /** IPv4 protocol neither 112 (VRRP) nor 51 (AH), or AH whose next header is not VRRP. */
    NOT_VRRP,
    /** IPv6 packet given without its addresses and hop limit (the raw socket's ancillary data). */
    MISSING_ANCILLARY_DATA,
    /** Multicast advert whose TTL (IPv4) or hop limit (IPv6) is not 255 (unicast: {@link #TTL_OUT_OF_BOUNDS}). */
    TTL_NOT_255,
    /** Version field differs from the configured VRRP version. */
    VERSION_MISMATCH,
    /** Type field is not 1 (ADVERTISEMENT). */
    NOT_ADVERTISEMENT,
    /** Virtual router id differs from this instance's. */
    VRID_MISMATCH,
    /** VRRP length does not match the address count (and, for v2, the 8 authentication bytes). */
    LENGTH_MISMATCH,
    /** VRRP checksum wrong (v3: including the IPv4/IPv6 pseudo-header). */
    BAD_CHECKSUM,
    /** v2 authentication type unknown (not 0, 1 or 2). */
    INVALID_AUTH_TYPE,
    /** v2 authentication type (or the presence of an AH header) differs from the configured one. */
    AUTH_TYPE_MISMATCH,
    /** PASS: wrong password; AH: HMAC-MD5-96 ICV wrong. */
    AUTH_FAILURE,
    /** AH: SPI is not the source address (keepalived sets SPI to the sender's IPv4 address). */
    AH_SPI_MISMATCH,
    /** AH: sequence number not above the last one accepted (replay). */
    AH_REPLAY,
    /** v2 advertisement interval differs from the configured one (RFC 3768 requires a drop). */
    INTERVAL_MISMATCH,
    /** v3 max advertisement interval of 0 centiseconds. */
    INVALID_INTERVAL,
    /** Multicast destination while configured for unicast peers, or the other way round. */
    DESTINATION_MISMATCH,
    /** Unicast source that is not one of the configured peers (keepalived's check_unicast_src). */
    UNKNOWN_UNICAST_SOURCE,
    /**
     * Unicast advert whose TTL (IPv4) or hop limit (IPv6) lies outside its peer's
     * {@link UnicastPeer#minTtl()}..{@link UnicastPeer#maxTtl()} (keepalived's {@code ip_ttl_err}).
     */
    TTL_OUT_OF_BOUNDS
}
