package io.lvs4j.bgp;

import io.lvs4j.internal.Preconditions;

/**
 * A BGP community (RFC 1997): a 16-bit AS number and a 16-bit value, written {@code 65000:100}.
 * Immutable; equal when the 32 bits are.
 */
public final class Community implements Comparable<Community> {
    /** {@code 65535:0}, RFC 8326: the route is going away; routers lower its preference. */
    public static final Community GRACEFUL_SHUTDOWN = new Community(0xFFFF0000);
    /** {@code 65535:666}, RFC 7999. */
    public static final Community BLACKHOLE = new Community(0xFFFF029A);
    /** {@code 65535:65281}, RFC 1997: not advertised outside the AS (or confederation). */
    public static final Community NO_EXPORT = new Community(0xFFFFFF01);
    /** {@code 65535:65282}, RFC 1997: not advertised to any peer. */
    public static final Community NO_ADVERTISE = new Community(0xFFFFFF02);

    private final int bits;

    private Community(int bits) {
        this.bits = bits;
    }

    /** The community {@code asn:value}, each 0..65535. */
    public static Community of(int asn, int value) {
        Preconditions.checkInRange(asn, 0, 0xFFFF, "community AS");
        Preconditions.checkInRange(value, 0, 0xFFFF, "community value");
        return new Community(asn << 16 | value);
    }

    /** The community of its 32-bit value (the AS in the high 16 bits). */
    public static Community ofBits(int bits) {
        return new Community(bits);
    }

    /** Parses {@code ASN:VALUE} (each 0..65535), or {@code graceful-shutdown}, {@code blackhole}, {@code no-export}, {@code no-advertise}. */
    public static Community parse(String text) {
        Preconditions.checkNotNull(text, "community");
        String s = text.trim();
        switch (Preconditions.lower(s)) {
            case "graceful-shutdown": return GRACEFUL_SHUTDOWN;
            case "blackhole": return BLACKHOLE;
            case "no-export": return NO_EXPORT;
            case "no-advertise": return NO_ADVERTISE;
            default: break;
        }
        int colon = s.indexOf(':');
        if (colon > 0 && colon < s.length() - 1) {
            int asn = parse16(s.substring(0, colon));
            int value = parse16(s.substring(colon + 1));
            if (asn >= 0 && value >= 0) {
                return new Community(asn << 16 | value);
            }
        }
        throw Preconditions.invalid("community", text, "ASN:VALUE with each 0..65535, e.g. 65000:100");
    }

    private static int parse16(String s) {
        if (s.isEmpty() || s.length() > 5) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v <= 0xFFFF ? v : -1;
    }

    /** The AS number half, 0..65535. */
    public int asn() {
        return bits >>> 16;
    }

    /** The value half, 0..65535. */
    public int value() {
        return bits & 0xFFFF;
    }

    /** The 32 bits as sent: AS number high, value low. */
    public int bits() {
        return bits;
    }

    @Override
    public int compareTo(Community o) {
        return Integer.compareUnsigned(bits, o.bits);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Community c && c.bits == bits;
    }

    @Override
    public int hashCode() {
        return bits;
    }

    /** {@code ASN:VALUE}. */
    @Override
    public String toString() {
        return asn() + ":" + value();
    }
}
