package io.lvs4j.health;

import io.lvs4j.health.internal.DnsQuery;
import io.lvs4j.internal.Preconditions;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code DNS_CHECK}: a recursive query over UDP (keepalived's defaults: type SOA, name "."); up when
 * the reply has the query's id, is a response, and its rcode is 0.
 */
public final class DnsChecker implements Checker {
    private final Endpoint endpoint;
    private final String type;
    private final String name;

    private DnsChecker(Endpoint endpoint, String type, String name) {
        this.endpoint = endpoint;
        this.type = type;
        this.name = name;
    }

    /** Type one of A, NS, CNAME, SOA, MX, TXT, AAAA; name a domain name. */
    public static DnsChecker of(Endpoint endpoint, String type, String name) {
        Preconditions.checkNotNull(endpoint, "endpoint");
        DnsQuery.typeCode(type);
        DnsQuery.encode(0, 1, name); // checks the name
        return new DnsChecker(endpoint, type.toUpperCase(java.util.Locale.ROOT), name);
    }

    @Override
    public CompletionStage<CheckResult> check(CheckContext context) {
        int id = ThreadLocalRandom.current().nextInt(0x10000);
        byte[] query = DnsQuery.encode(id, DnsQuery.typeCode(type), name);
        return DatagramExchange.run(context, endpoint, query, (reply, latency) -> {
            String problem = DnsQuery.checkReply(reply, id);
            return problem == null ? CheckResult.up(latency)
                    : CheckResult.down(problem.startsWith("rcode") ? FailureReason.PROTOCOL_ERROR
                            : FailureReason.BAD_RESPONSE, problem, latency);
        });
    }

    @Override
    public String describe() {
        return "DNS_CHECK " + endpoint.hostPort() + " " + type + " " + name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DnsChecker d && endpoint.equals(d.endpoint) && type.equals(d.type) && name.equals(d.name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(endpoint, type, name);
    }

    @Override
    public String toString() {
        return describe();
    }
}
