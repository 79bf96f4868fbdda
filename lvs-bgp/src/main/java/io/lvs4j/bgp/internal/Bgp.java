package io.lvs4j.bgp.internal;

/**
 * BGP-4 numbers: message types, error codes and subcodes (RFC 4271 section 4.5 and 6, RFC 4486,
 * RFC 6608, RFC 7313), path attribute types and flags, capability codes, AFI/SAFI.
 */
public final class Bgp {
    private Bgp() {}

    public static final int MARKER_LENGTH = 16;
    public static final int HEADER_LENGTH = 19;
    public static final int MAX_MESSAGE_LENGTH = 4096;
    public static final int VERSION = 4;
    /** RFC 6793: the 2-octet stand-in for a 4-octet AS number. */
    public static final int AS_TRANS = 23456;
    public static final long MAX_AS = 0xFFFF_FFFFL;

    // message types
    public static final int OPEN = 1;
    public static final int UPDATE = 2;
    public static final int NOTIFICATION = 3;
    public static final int KEEPALIVE = 4;
    public static final int ROUTE_REFRESH = 5;

    // error codes
    public static final int MESSAGE_HEADER_ERROR = 1;
    public static final int OPEN_MESSAGE_ERROR = 2;
    public static final int UPDATE_MESSAGE_ERROR = 3;
    public static final int HOLD_TIMER_EXPIRED = 4;
    public static final int FSM_ERROR = 5;
    public static final int CEASE = 6;
    public static final int ROUTE_REFRESH_MESSAGE_ERROR = 7;

    // message header error subcodes
    public static final int CONNECTION_NOT_SYNCHRONIZED = 1;
    public static final int BAD_MESSAGE_LENGTH = 2;
    public static final int BAD_MESSAGE_TYPE = 3;

    // OPEN message error subcodes
    public static final int UNSPECIFIC = 0;
    public static final int UNSUPPORTED_VERSION_NUMBER = 1;
    public static final int BAD_PEER_AS = 2;
    public static final int BAD_BGP_IDENTIFIER = 3;
    public static final int UNSUPPORTED_OPTIONAL_PARAMETER = 4;
    public static final int UNACCEPTABLE_HOLD_TIME = 6;
    public static final int UNSUPPORTED_CAPABILITY = 7;

    // UPDATE message error subcodes
    public static final int MALFORMED_ATTRIBUTE_LIST = 1;
    public static final int UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE = 2;
    public static final int MISSING_WELL_KNOWN_ATTRIBUTE = 3;
    public static final int ATTRIBUTE_FLAGS_ERROR = 4;
    public static final int ATTRIBUTE_LENGTH_ERROR = 5;
    public static final int INVALID_ORIGIN_ATTRIBUTE = 6;
    public static final int INVALID_NEXT_HOP_ATTRIBUTE = 8;
    public static final int OPTIONAL_ATTRIBUTE_ERROR = 9;
    public static final int INVALID_NETWORK_FIELD = 10;
    public static final int MALFORMED_AS_PATH = 11;

    // FSM error subcodes (RFC 6608)
    public static final int UNEXPECTED_IN_OPEN_SENT = 1;
    public static final int UNEXPECTED_IN_OPEN_CONFIRM = 2;
    public static final int UNEXPECTED_IN_ESTABLISHED = 3;

    // Cease subcodes (RFC 4486, RFC 8538)
    public static final int ADMINISTRATIVE_SHUTDOWN = 2;
    public static final int PEER_DECONFIGURED = 3;
    public static final int ADMINISTRATIVE_RESET = 4;
    public static final int CONNECTION_REJECTED = 5;
    public static final int OTHER_CONFIGURATION_CHANGE = 6;
    public static final int CONNECTION_COLLISION_RESOLUTION = 7;

    // ROUTE-REFRESH message error subcodes (RFC 7313)
    public static final int INVALID_MESSAGE_LENGTH = 1;

    // path attribute flags
    public static final int FLAG_OPTIONAL = 0x80;
    public static final int FLAG_TRANSITIVE = 0x40;
    public static final int FLAG_PARTIAL = 0x20;
    public static final int FLAG_EXTENDED_LENGTH = 0x10;

    // path attribute types
    public static final int ORIGIN = 1;
    public static final int AS_PATH = 2;
    public static final int NEXT_HOP = 3;
    public static final int MULTI_EXIT_DISC = 4;
    public static final int LOCAL_PREF = 5;
    public static final int ATOMIC_AGGREGATE = 6;
    public static final int AGGREGATOR = 7;
    public static final int COMMUNITIES = 8;
    public static final int MP_REACH_NLRI = 14;
    public static final int MP_UNREACH_NLRI = 15;
    public static final int AS4_PATH = 17;
    public static final int AS4_AGGREGATOR = 18;

    // ORIGIN values
    public static final int ORIGIN_IGP = 0;
    public static final int ORIGIN_EGP = 1;
    public static final int ORIGIN_INCOMPLETE = 2;

    // AS_PATH segment types
    public static final int AS_SET = 1;
    public static final int AS_SEQUENCE = 2;
    public static final int AS_CONFED_SEQUENCE = 3;
    public static final int AS_CONFED_SET = 4;

    // OPEN optional parameter types
    public static final int PARAM_CAPABILITIES = 2;
    /** RFC 9072: the extended-length marker in place of a parameter type. */
    public static final int PARAM_EXTENDED_LENGTH = 255;

    // capability codes
    public static final int CAP_MULTIPROTOCOL = 1;
    public static final int CAP_ROUTE_REFRESH = 2;
    public static final int CAP_GRACEFUL_RESTART = 64;
    public static final int CAP_FOUR_OCTET_AS = 65;

    // address families
    public static final int AFI_IPV4 = 1;
    public static final int AFI_IPV6 = 2;
    public static final int SAFI_UNICAST = 1;

    /** A message type's name, e.g. {@code UPDATE}, or {@code type N}. */
    public static String typeName(int type) {
        switch (type) {
            case OPEN: return "OPEN";
            case UPDATE: return "UPDATE";
            case NOTIFICATION: return "NOTIFICATION";
            case KEEPALIVE: return "KEEPALIVE";
            case ROUTE_REFRESH: return "ROUTE-REFRESH";
            default: return "type " + type;
        }
    }
}
