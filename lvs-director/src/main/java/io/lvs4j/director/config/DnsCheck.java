package io.lvs4j.director.config;

import java.util.List;
import java.util.Objects;

/** {@code DNS_CHECK}: a DNS query over UDP; keepalived defaults to type SOA, name ".". */
public record DnsCheck(CheckOptions options, String queryType, String name) implements CheckerConfig {
    /** The query types keepalived accepts. */
    public static final List<String> QUERY_TYPES = List.of("A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA");

    public DnsCheck {
        Objects.requireNonNull(options, "options");
    }

    @Override
    public CheckerType type() {
        return CheckerType.DNS_CHECK;
    }
}
