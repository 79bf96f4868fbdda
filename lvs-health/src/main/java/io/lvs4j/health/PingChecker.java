package io.lvs4j.health;

import io.lvs4j.internal.Preconditions;
import io.lvs4j.netlink.IcmpEcho;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code PING_CHECK} ({@link Checks#ping()}): one ICMP (IPv4) or ICMPv6 (IPv6) echo request to the
 * real server, up when its reply comes within the timeout (keepalived's {@code connect_timeout}),
 * down with {@link FailureReason#READ_TIMEOUT} when none does, {@link FailureReason#UNREACHABLE}
 * when the kernel refuses to send (no route), {@link FailureReason#IO_ERROR} when no ICMP socket
 * may be opened (the reason says how to allow it), {@link FailureReason#CHECKER_ERROR} when the
 * native binding cannot be loaded. As keepalived does: an ICMP datagram socket (lvs-netlink's
 * {@link IcmpEcho}; no raw socket, no fallback to one), whose use needs the process's group in the
 * namespace's {@code net.ipv4.ping_group_range} (root too, IPv6 too; keepalived widens the range
 * itself, lvs4j does not and its message says how); ICMP errors such as host unreachable are not
 * listened to, so an unreachable host is a timeout. Unlike keepalived, which opens a socket per
 * check and takes any echo reply on it, all checks share one socket per family and namespace
 * ({@link Pinger}) and a reply counts only when its source is the target and its sequence number
 * the request's.
 *
 * <p>The socket belongs to the network namespace of the monitor that runs the check
 * ({@link HealthMonitor.Builder#namespace}), else to this process's.
 *
 * <p>Asynchronous: a check sends and returns; no thread waits per check (one shared reader thread
 * matches replies, the timeout is a timer on the check's event loop).
 */
final class PingChecker implements Checker {
    /** The contexts a monitor hands its checks carry the network namespace pings are sent from. */
    interface Context {
        /** The namespace's name ({@code /run/netns/NAME}), or null: this process's. */
        String namespace();
    }

    private final InetAddress target;
    private final Duration timeout;

    private PingChecker(InetAddress target, Duration timeout) {
        this.target = target;
        this.timeout = timeout;
    }

    /** Pings {@code target} (IPv4 or IPv6), waiting {@code timeout} (1 ns..1 h) for the reply. */
    static PingChecker of(InetAddress target, Duration timeout) {
        Preconditions.checkNotNull(target, "connect_ip");
        return new PingChecker(target, Endpoint.checkTimeout(timeout, "connect_timeout"));
    }

    /** The address pinged ({@code connect_ip}, else the real server's). */
    InetAddress target() {
        return target;
    }

    /** How long a reply may take ({@code connect_timeout}). */
    Duration timeout() {
        return timeout;
    }

    /** Whether this process may send IPv4 pings in its own namespace (its group is in net.ipv4.ping_group_range). */
    static boolean isAvailable() {
        return IcmpEcho.isAvailable();
    }

    @Override
    public CompletionStage<CheckResult> check(CheckContext context) {
        try {
            String namespace = context instanceof Context c ? c.namespace() : null;
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
        return o instanceof PingChecker p && target.equals(p.target) && timeout.equals(p.timeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(target, timeout);
    }

    @Override
    public String toString() {
        return describe();
    }
}
