package io.lvs4j.netlink;

import io.lvs4j.table.IpvsException;

import io.lvs4j.internal.Preconditions;
import io.lvs4j.netlink.internal.IcmpEchoSocket;
import io.lvs4j.netlink.internal.NetlinkIoException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * ICMP echo ("ping") over an ICMP datagram socket, as {@code PING_CHECK} needs: IPv4
 * ({@code IPPROTO_ICMP}) or IPv6 ({@code IPPROTO_ICMPV6}), one family per instance. No raw socket
 * and no capability, but the process's group must be in the network namespace's
 * {@code net.ipv4.ping_group_range} (for IPv6 too, and root included: the default range "1 0"
 * allows nobody, and {@link #open} fails with EACCES). keepalived widens that range itself when it
 * reads a PING_CHECK; lvs4j, a library, leaves the system's settings alone and says so in the
 * error. Like keepalived there is no raw-socket fallback.
 *
 * <p>The kernel gives each socket its own identifier and delivers to it only the replies carrying
 * it. Two ways to use one:
 * <ul>
 *   <li>{@link #echo}: one request, blocking until its reply (matched by source address and
 *       sequence number) or the timeout;
 *   <li>{@link #send} from any thread and {@link #receive} on one reader thread, matching replies
 *       to many outstanding requests by source and sequence: one socket for any number of targets.
 * </ul>
 */
public final class IcmpEcho implements AutoCloseable {
    private static final byte[] PAYLOAD = "lvs4j ping check".getBytes(StandardCharsets.US_ASCII);

    private final IcmpEchoSocket socket;
    private final String namespace;
    private int sequence;

    private IcmpEcho(IcmpEchoSocket socket, String namespace) {
        this.socket = socket;
        this.namespace = namespace;
    }

    /** An echo reply: its source and sequence number. */
    public record Reply(InetAddress from, int sequence) {}

    /** Opens an IPv4 socket in this process's network namespace (see {@link #open(StandardProtocolFamily, String)}). */
    public static IcmpEcho open() throws IpvsException {
        return open(StandardProtocolFamily.INET, null);
    }

    /**
     * Opens a socket of {@code family} (INET or INET6), inside the network namespace
     * {@code /run/netns/NAME} when {@code namespace} is not null (the socket stays there); fails
     * with the errno, e.g. EACCES when this group is not in that namespace's
     * net.ipv4.ping_group_range.
     */
    public static IcmpEcho open(StandardProtocolFamily family, String namespace) throws IpvsException {
        Preconditions.checkNotNull(family, "family");
        Preconditions.checkArgument(family != StandardProtocolFamily.UNIX, "family", family, "INET or INET6");
        boolean v6 = family == StandardProtocolFamily.INET6;
        String what = (v6 ? "ICMPv6" : "ICMP") + " echo socket" + (namespace == null ? "" : " in network namespace " + namespace);
        try {
            return new IcmpEcho(IcmpEchoSocket.open(v6, namespace), namespace);
        } catch (NetlinkIoException e) {
            throw new IpvsException(e.syscall, what, e.errno, e.errnoText, null, e.errno == 13
                    ? "this process's group is not in net.ipv4.ping_group_range, which applies to root and to IPv6 too; "
                            + "allow it with sysctl -w net.ipv4.ping_group_range='0 2147483647'"
                    : null);
        }
    }

    /** Whether this process may open an IPv4 ICMP echo socket here (see {@link #open}). */
    public static boolean isAvailable() {
        return isAvailable(StandardProtocolFamily.INET);
    }

    /** Whether this process may open an ICMP echo socket of {@code family} in its network namespace. */
    public static boolean isAvailable(StandardProtocolFamily family) {
        try (IcmpEcho e = open(family, null)) {
            return true;
        } catch (IpvsException | RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** The family of this socket. */
    public StandardProtocolFamily family() {
        return socket.isV6() ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    }

    /** The network namespace the socket was opened in, or null for this process's. */
    public String namespace() {
        return namespace;
    }

    /**
     * Sends one request and waits for its reply: the round trip in nanoseconds, or empty when no
     * reply from {@code target} with this request's sequence number came within {@code timeout}.
     * Not with {@link #receive} running on another thread.
     */
    public OptionalLong echo(InetAddress target, Duration timeout) throws IpvsException {
        checkTarget(target);
        Preconditions.checkNotNull(timeout, "timeout");
        Preconditions.checkArgument(!timeout.isNegative() && !timeout.isZero(), "timeout", timeout, "positive");
        int seq;
        synchronized (this) {
            seq = sequence = (sequence + 1) & 0xffff;
        }
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        send(target, seq);
        try {
            for (long left = timeout.toNanos(); left > 0; left = deadline - System.nanoTime()) {
                int r = socket.receive(left);
                if (r == seq && socket.fromIs(target)) {
                    return OptionalLong.of(Math.max(0, System.nanoTime() - start));
                }
                // a timeout (the loop re-checks the deadline), an older reply, or one from elsewhere
            }
            return OptionalLong.empty();
        } catch (NetlinkIoException e) {
            throw new IpvsException(e.syscall, "ICMP echo from " + target.getHostAddress(), e.errno, e.errnoText, null, null);
        }
    }

    /**
     * Sends one echo request with {@code sequence} (0..65535) to {@code target}; fails with the
     * errno when the kernel refuses it at once (e.g. ENETUNREACH: no route). Thread-safe.
     */
    public void send(InetAddress target, int sequence) throws IpvsException {
        checkTarget(target);
        Preconditions.checkInRange(sequence, 0, 0xffff, "sequence");
        try {
            socket.send(target, sequence, PAYLOAD);
        } catch (NetlinkIoException e) {
            throw new IpvsException(e.syscall, "ICMP echo to " + target.getHostAddress(), e.errno, e.errnoText, null, null);
        }
    }

    /**
     * The next echo reply this socket receives within {@code timeout}, or null when none came
     * (datagrams that are not echo replies are skipped). One thread at a time.
     */
    public Reply receive(Duration timeout) throws IpvsException {
        Preconditions.checkNotNull(timeout, "timeout");
        Preconditions.checkArgument(!timeout.isNegative() && !timeout.isZero(), "timeout", timeout, "positive");
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (long left = timeout.toNanos(); left > 0; left = deadline - System.nanoTime()) {
                int r = socket.receive(left);
                if (r >= 0) {
                    return new Reply(socket.from(), r);
                }
            }
            return null;
        } catch (NetlinkIoException e) {
            throw new IpvsException(e.syscall, family() == StandardProtocolFamily.INET6 ? "ICMPv6 echo socket"
                    : "ICMP echo socket", e.errno, e.errnoText, null, null);
        }
    }

    private void checkTarget(InetAddress target) {
        Preconditions.checkNotNull(target, "target");
        boolean v6 = socket.isV6();
        Preconditions.checkArgument(v6 ? target instanceof Inet6Address : target instanceof Inet4Address, "target",
                target.getHostAddress(), v6 ? "an IPv6 address" : "an IPv4 address");
    }

    /** Closes the socket; not while {@link #receive} or {@link #echo} runs on another thread. */
    @Override
    public void close() {
        socket.close();
    }
}
