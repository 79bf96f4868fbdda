package io.lvs4j.director.backend;

import io.lvs4j.health.CheckContext;
import io.lvs4j.health.CheckResult;
import io.lvs4j.health.Checker;
import io.lvs4j.health.FailureReason;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.netlink.IcmpEcho;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code PING_CHECK}: one ICMP (IPv4) or ICMPv6 (IPv6) echo request to the real server, up when
 * its reply comes within the timeout (keepalived's {@code connect_timeout}), down with
 * {@link FailureReason#READ_TIMEOUT} when none does, {@link FailureReason#UNREACHABLE} when the
 * kernel refuses to send (no route), {@link FailureReason#IO_ERROR} when no ICMP socket may be
 * opened. As keepalived does: an ICMP datagram socket (no raw socket, no fallback to one), whose
 * use needs the process's group in the namespace's {@code net.ipv4.ping_group_range} (root too,
 * IPv6 too; keepalived widens the range itself, lvs4j does not and its message says how); ICMP
 * errors such as host unreachable are not listened to, so an unreachable host is a timeout. Unlike
 * keepalived, which opens a socket per check and takes any echo reply on it, all checks share one
 * socket per family ({@link Pinger}) and a reply counts only when its source is the target and its
 * sequence number the request's.
 *
 * <p>Asynchronous: a check sends and returns; no thread waits per check (one shared reader thread
 * matches replies, the timeout is a timer on the check's event loop). It lives here, not in
 * lvs-health, because it is native code.
 */
public final class PingChecker implements Checker {
    private final InetAddress target;
    private final Duration timeout;
    private final String namespace;

    private PingChecker(InetAddress target, Duration timeout, String namespace) {
        this.target = target;
        this.timeout = timeout;
        this.namespace = namespace;
    }

    /** Pings {@code target} (IPv4 or IPv6) from this process's network namespace. */
    public static PingChecker of(InetAddress target, Duration timeout) {
        return of(target, timeout, null);
    }

    /** Pings from the network namespace {@code /run/netns/NAME} (its ping_group_range applies); null: this process's. */
    public static PingChecker of(InetAddress target, Duration timeout, String namespace) {
        Preconditions.checkNotNull(target, "connect_ip");
        Preconditions.checkNotNull(timeout, "connect_timeout");
        Preconditions.checkArgument(!timeout.isNegative() && !timeout.isZero(), "connect_timeout", timeout, "positive");
        return new PingChecker(target, timeout, namespace);
    }

    /** The address pinged ({@code connect_ip}, else the real server's). */
    public InetAddress target() {
        return target;
    }

    /** How long a reply may take ({@code connect_timeout}). */
    public Duration timeout() {
        return timeout;
    }

    /** Whether this process may send IPv4 pings (its group is in net.ipv4.ping_group_range). */
    public static boolean isAvailable() {
        return IcmpEcho.isAvailable();
    }

    @Override
    public CompletionStage<CheckResult> check(CheckContext context) {
        try {
            return Pinger.of(target instanceof Inet6Address, namespace).ping(target, timeout, context);
        } catch (RuntimeException | LinkageError e) {
            return CompletableFuture.completedFuture(CheckResult.down(FailureReason.CHECKER_ERROR,
                    "ping " + target.getHostAddress() + ": " + e, 0));
        }
    }

    @Override
    public String describe() {
        return "PING_CHECK " + target.getHostAddress();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PingChecker p && target.equals(p.target) && timeout.equals(p.timeout)
                && Objects.equals(namespace, p.namespace);
    }

    @Override
    public int hashCode() {
        return Objects.hash(target, timeout, namespace);
    }

    @Override
    public String toString() {
        return describe();
    }
}
