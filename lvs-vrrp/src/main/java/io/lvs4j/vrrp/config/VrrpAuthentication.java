package io.lvs4j.vrrp.config;

import java.util.Objects;

/** An {@code authentication} block. The password (at most 8 bytes on the wire) is redacted in toString. */
public record VrrpAuthentication(AuthType type, String password) {
    public VrrpAuthentication {
        Objects.requireNonNull(type, "type");
    }

    @Override
    public String toString() {
        return "VrrpAuthentication[type=" + type + ", password=" + (password == null ? "null" : "<redacted>") + "]";
    }
}
