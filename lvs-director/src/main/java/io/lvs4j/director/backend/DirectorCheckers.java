package io.lvs4j.director.backend;

import io.lvs4j.RealServer;
import io.lvs4j.health.CheckPolicy;
import io.lvs4j.health.Checker;
import io.lvs4j.health.Checkers;
import io.lvs4j.health.Endpoint;
import io.lvs4j.health.ServiceHealth;
import io.lvs4j.health.config.BfdCheck;
import io.lvs4j.health.config.CheckOptions;
import io.lvs4j.health.config.CheckerConfig;
import io.lvs4j.health.config.PingCheck;
import io.lvs4j.internal.Preconditions;
import java.net.InetAddress;
import java.time.Duration;

/**
 * The one mapping from a real server's keepalived.conf checker block ({@link CheckerConfig}) to
 * what the health monitor runs: a {@link Checker} and its {@link CheckPolicy}. The director uses
 * it for every checker; it covers every type lvs4j can check:
 * <ul>
 *   <li>{@code PING_CHECK} here ({@link PingChecker}, native code, hence not in lvs-health):
 *       {@code connect_ip} (default: the real server's address, IPv4 or IPv6) and
 *       {@code connect_timeout} (default 5 s, keepalived's) apply; {@code connect_port},
 *       {@code bindto}, {@code bind_port} and {@code bind_interface} are accepted and ignored, as
 *       keepalived's PING_CHECK ignores them;
 *   <li>every other type through {@link Checkers#of(CheckerConfig, RealServer)} (TCP_CHECK,
 *       HTTP_GET, SSL_GET, MISC_CHECK, UDP_CHECK, DNS_CHECK, SMTP_CHECK, FILE_CHECK);
 *   <li>{@code BFD_CHECK} is rejected with an {@link IllegalArgumentException}
 *       ({@code checker: "BFD_CHECK" (expected: ...)}): lvs4j has no BFD.
 * </ul>
 * The policy is {@link Checkers#policy(CheckerConfig)} for every type: {@code delay_loop},
 * {@code retry}/{@code nb_get_retry}, {@code delay_before_retry}, {@code warmup}, {@code alpha}.
 *
 * <p>Use: {@code ServiceHealth.Check c = DirectorCheckers.of(cfg, rs);
 * builder.check(c.realServer(), c.checker(), c.policy());}
 */
public final class DirectorCheckers {
    private DirectorCheckers() {}

    /**
     * The checker of {@code realServer}'s checker block {@code config} with its policy.
     *
     * @throws IllegalArgumentException for BFD_CHECK, or an option value a checker rejects
     */
    public static ServiceHealth.Check of(CheckerConfig config, RealServer realServer) {
        return of(config, realServer, null);
    }

    /**
     * As {@link #of(CheckerConfig, RealServer)} for a director in the network namespace
     * {@code /run/netns/NETNS} (null: this process's): PING_CHECK opens its socket there. The
     * other checkers create their sockets on the check runtime's threads, which the director puts
     * in the namespace.
     */
    public static ServiceHealth.Check of(CheckerConfig config, RealServer realServer, String netns) {
        return new ServiceHealth.Check(realServer, checker(config, realServer, netns), policy(config));
    }

    /** The checker alone (see {@link #of}). */
    public static Checker checker(CheckerConfig config, RealServer realServer) {
        return checker(config, realServer, null);
    }

    /** The checker alone, PING_CHECK in {@code netns} (see {@link #of(CheckerConfig, RealServer, String)}). */
    public static Checker checker(CheckerConfig config, RealServer realServer, String netns) {
        Preconditions.checkNotNull(config, "checker");
        Preconditions.checkNotNull(realServer, "realServer");
        if (config instanceof PingCheck p) {
            CheckOptions o = p.options();
            InetAddress target = o.connectIp() != null ? o.connectIp() : realServer.address();
            Duration timeout = o.connectTimeout() != null ? o.connectTimeout() : Endpoint.DEFAULT_CONNECT_TIMEOUT;
            return PingChecker.of(target, timeout, netns);
        } else if (config instanceof BfdCheck) {
            throw Preconditions.invalid("checker", config.type().keyword(),
                    "one of TCP_CHECK, HTTP_GET, SSL_GET, MISC_CHECK, UDP_CHECK, DNS_CHECK, SMTP_CHECK, FILE_CHECK, "
                            + "PING_CHECK; lvs4j has no BFD");
        }
        return Checkers.of(config, realServer);
    }

    /** The policy alone: keepalived's timing options of the block ({@link Checkers#policy}). */
    public static CheckPolicy policy(CheckerConfig config) {
        return Checkers.policy(config);
    }
}
