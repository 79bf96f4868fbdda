package io.lvs4j.director.config;

/** The top-level {@code SSL} block for SSL_GET; {@link #toString()} hides the password. */
public record SslConfig(String password, String ca, String certificate, String key) {
    @Override
    public String toString() {
        return "SslConfig[password=" + (password == null ? "null" : "<redacted>") + ", ca=" + ca
                + ", certificate=" + certificate + ", key=" + key + "]";
    }
}
