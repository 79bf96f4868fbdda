package io.lvs4j.director.config;

/** The checkers keepalived 2.2 knows, by their keyword. */
public enum CheckerType {
    TCP_CHECK, HTTP_GET, SSL_GET, MISC_CHECK, SMTP_CHECK, DNS_CHECK, UDP_CHECK, PING_CHECK, FILE_CHECK, BFD_CHECK;

    /** The keepalived.conf keyword, e.g. {@code HTTP_GET}. */
    public String keyword() {
        return name();
    }
}
