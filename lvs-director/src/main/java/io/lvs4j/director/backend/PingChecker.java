package io.lvs4j.director.backend;

import io.lvs4j.health.CheckContext;
import io.lvs4j.health.CheckResult;
import io.lvs4j.health.Checker;
import io.lvs4j.health.FailureReason;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.netlink.IcmpEcho;
import io.lvs4j.netlink.IpvsException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code PING_CHECK}: one ICMP echo request to the real server (IPv4), up when its reply comes
 * within the timeout (keepalived's {@code connect_timeout}). Uses lvs-netlink's ICMP datagram
 * socket, which needs the process's group in {@code net.ipv4.ping_group_range} (root too; else
 * every check is down with IO_ERROR and a message saying so); it lives here,
 * not in lvs-health, because that is native code. Each check runs on the context's blocking
 * executor with its own socket (the kernel routes each reply to the socket that asked).
 */
public final class PingChecker implements Checker {
    private final InetAddress target;
    private final Duration timeout;

    private PingChecker(InetAddress target, Duration timeout) {
        this.target = target;
        this.timeout = timeout;
    }

    public static PingChecker of(InetAddress target, Duration timeout) {
        Preconditions.checkNotNull(target, "connect_ip");
        Preconditions.checkArgument(target instanceof Inet4Address, "connect_ip", target.getHostAddress(),
                "an IPv4 address (PING_CHECK over IPv6 is not supported yet)");
        Preconditions.checkNotNull(timeout, "connect_timeout");
        Preconditions.checkArgument(!timeout.isNegative() && !timeout.isZero(), "connect_timeout", timeout, "positive");
        return new PingChecker(target, timeout);
    }

    /** The address pinged ({@code connect_ip}, else the real server's). */
    public InetAddress target() {
        return target;
    }

    /** How long a reply may take ({@code connect_timeout}). */
    public Duration timeout() {
        return timeout;
    }

    /** Whether this process may send pings (its group is in net.ipv4.ping_group_range). */
    public static boolean isAvailable() {
        return IcmpEcho.isAvailable();
    }

    @Override
    public CompletionStage<CheckResult> check(CheckContext context) {
        long start = context.ticker().read();
        CompletableFuture<CheckResult> done = new CompletableFuture<>();
        context.blockingExecutor().execute(() -> {
            try (IcmpEcho ping = IcmpEcho.open()) {
                OptionalLong rtt = ping.echo(target, timeout);
                long latency = Math.max(0, context.ticker().read() - start);
                done.complete(rtt.isPresent() ? CheckResult.up(latency)
                        : CheckResult.down(FailureReason.READ_TIMEOUT, "no echo reply from " + target.getHostAddress()
                                + " within " + timeout.toMillis() + " ms", latency));
            } catch (IpvsException e) {
                FailureReason reason = e.errno() == 113 || e.errno() == 101 ? FailureReason.UNREACHABLE
                        : FailureReason.IO_ERROR; // EHOSTUNREACH, ENETUNREACH
                done.complete(CheckResult.down(reason, e.getMessage(), Math.max(0, context.ticker().read() - start)));
            } catch (RuntimeException | LinkageError e) {
                done.complete(CheckResult.down(FailureReason.CHECKER_ERROR, "ping " + target.getHostAddress() + ": " + e,
                        Math.max(0, context.ticker().read() - start)));
            }
        });
        return done;
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
