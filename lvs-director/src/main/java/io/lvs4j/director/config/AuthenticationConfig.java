package io.lvs4j.director.config;

import io.lvs4j.vrrp.AuthType;
import java.util.Objects;

/**
 * An {@code authentication} block as written ({@code auth_pass} may be missing). The password (at
 * most 8 bytes on the wire) is redacted in toString.
 */
public record AuthenticationConfig(AuthType type, String password) {
    public AuthenticationConfig {
        Objects.requireNonNull(type, "type");
    }

    @Override
    public String toString() {
        return "AuthenticationConfig[type=" + type + ", password=" + (password == null ? "null" : "<redacted>") + "]";
    }
}
