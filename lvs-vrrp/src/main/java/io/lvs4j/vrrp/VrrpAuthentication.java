package io.lvs4j.vrrp;

import io.lvs4j.internal.Preconditions;
import java.util.Objects;

/**
 * VRRPv2 authentication: a simple password ({@link #pass}) or IPsec AH ({@link #ah}), 1 to 8
 * ISO-8859-1 characters (the 8 bytes a VRRPv2 advert carries). RFC 5798 (VRRPv3) has none. The
 * password never appears in {@link #toString()}.
 */
public final class VrrpAuthentication {
    private final AuthType type;
    private final String password;

    private VrrpAuthentication(AuthType type, String password) {
        this.type = type;
        this.password = password;
    }

    /** {@code auth_type PASS}: the password in clear in every advert. */
    public static VrrpAuthentication pass(String password) {
        return of(AuthType.PASS, password);
    }

    /** {@code auth_type AH}: IPsec Authentication Header keyed with the password. */
    public static VrrpAuthentication ah(String password) {
        return of(AuthType.AH, password);
    }

    public static VrrpAuthentication of(AuthType type, String password) {
        Preconditions.checkNotNull(type, "auth_type");
        Preconditions.checkArgument(password != null, "auth_pass", null, "a password of 1 to 8 characters");
        Preconditions.checkArgument(!password.isEmpty() && password.length() <= 8
                && password.chars().allMatch(c -> c <= 0xff), "auth_pass", "<redacted>",
                "1 to 8 ISO-8859-1 characters");
        return new VrrpAuthentication(type, password);
    }

    public AuthType type() {
        return type;
    }

    public String password() {
        return password;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VrrpAuthentication a && type == a.type && password.equals(a.password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, password);
    }

    @Override
    public String toString() {
        return "VrrpAuthentication[type=" + type + ", password=<redacted>]";
    }
}
