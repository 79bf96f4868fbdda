package io.lvs4j.bgp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A BGP NOTIFICATION (RFC 4271 section 4.5): error code, subcode and data, with their names, and
 * the shutdown communication of an administrative shutdown or reset (RFC 9003). Immutable.
 */
public final class BgpNotification {
    private static final String[] CODES = {
        "code 0", "Message Header Error", "OPEN Message Error", "UPDATE Message Error", "Hold Timer Expired",
        "Finite State Machine Error", "Cease", "ROUTE-REFRESH Message Error",
    };
    private static final String[][] SUBCODES = {
        {},
        {"Unspecific", "Connection Not Synchronized", "Bad Message Length", "Bad Message Type"},
        {"Unspecific", "Unsupported Version Number", "Bad Peer AS", "Bad BGP Identifier",
            "Unsupported Optional Parameter", "Authentication Failure", "Unacceptable Hold Time",
            "Unsupported Capability"},
        {"Unspecific", "Malformed Attribute List", "Unrecognized Well-known Attribute",
            "Missing Well-known Attribute", "Attribute Flags Error", "Attribute Length Error",
            "Invalid ORIGIN Attribute", "AS Routing Loop", "Invalid NEXT_HOP Attribute", "Optional Attribute Error",
            "Invalid Network Field", "Malformed AS_PATH"},
        {"Unspecific"},
        {"Unspecific", "Receive Unexpected Message in OpenSent State",
            "Receive Unexpected Message in OpenConfirm State", "Receive Unexpected Message in Established State"},
        {"Unspecific", "Maximum Number of Prefixes Reached", "Administrative Shutdown", "Peer De-configured",
            "Administrative Reset", "Connection Rejected", "Other Configuration Change",
            "Connection Collision Resolution", "Out of Resources", "Hard Reset", "BFD Down"},
        {"Unspecific", "Invalid Message Length"},
    };

    private final int code;
    private final int subcode;
    private final byte[] data;

    private BgpNotification(int code, int subcode, byte[] data) {
        this.code = code;
        this.subcode = subcode;
        this.data = data;
    }

    /** A notification with that code, subcode (each 0..255) and data. */
    public static BgpNotification of(int code, int subcode, byte[] data) {
        io.lvs4j.internal.Preconditions.checkInRange(code, 0, 255, "error code");
        io.lvs4j.internal.Preconditions.checkInRange(subcode, 0, 255, "error subcode");
        return new BgpNotification(code, subcode, io.lvs4j.internal.Preconditions.checkNotNull(data, "data").clone());
    }

    /** The error code: 1 header, 2 OPEN, 3 UPDATE, 4 hold timer expired, 5 FSM, 6 Cease, 7 ROUTE-REFRESH. */
    public int code() {
        return code;
    }

    public int subcode() {
        return subcode;
    }

    /** A copy of the data. */
    public byte[] data() {
        return data.clone();
    }

    /** {@code Cease/Administrative Shutdown}, or numbers where the name is unknown. */
    public String description() {
        String c = code < CODES.length ? CODES[code] : "code " + code;
        String[] subs = code < SUBCODES.length ? SUBCODES[code] : new String[0];
        String s = subcode < subs.length ? subs[subcode] : "subcode " + subcode;
        return c + "/" + s;
    }

    /**
     * The shutdown communication (RFC 9003) of a Cease with Administrative Shutdown or Reset, when
     * it carries a well-formed one.
     */
    public Optional<String> shutdownCommunication() {
        if (code != 6 || (subcode != 2 && subcode != 4) || data.length == 0) {
            return Optional.empty();
        }
        int length = data[0] & 0xff;
        if (length == 0 || 1 + length > data.length) {
            return Optional.empty();
        }
        return Optional.of(new String(data, 1, length, StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BgpNotification n && n.code == code && n.subcode == subcode && Arrays.equals(n.data, data);
    }

    @Override
    public int hashCode() {
        return (code * 31 + subcode) * 31 + Arrays.hashCode(data);
    }

    /** {@code 6/2 Cease/Administrative Shutdown: "maintenance"} or {@code ... data=0a0b}. */
    @Override
    public String toString() {
        String s = code + "/" + subcode + " " + description();
        Optional<String> comm = shutdownCommunication();
        if (comm.isPresent()) {
            return s + ": \"" + comm.get() + "\"";
        }
        return data.length == 0 ? s : s + " data=" + HexFormat.of().formatHex(data);
    }
}
