package io.lvs4j.netlink;

import io.lvs4j.internal.Preconditions;
import io.lvs4j.netlink.internal.IcmpEchoSocket;
import io.lvs4j.netlink.internal.NetlinkIoException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * ICMP echo ("ping") over an ICMP datagram socket, as {@code PING_CHECK} needs: no raw socket and
 * no capability, but the process's group must be in the network namespace's
 * {@code net.ipv4.ping_group_range} (root included: the default range "1 0" allows nobody, and
 * {@link #open} fails with EACCES). IPv4. Blocking; one thread at a time per instance.
 */
public final class IcmpEcho implements AutoCloseable {
    private static final byte[] PAYLOAD = "lvs4j ping check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final IcmpEchoSocket socket;

    private IcmpEcho(IcmpEchoSocket socket) {
        this.socket = socket;
    }

    /** Opens the socket; fails with the errno, e.g. EACCES when this group is not in net.ipv4.ping_group_range. */
    public static IcmpEcho open() throws IpvsException {
        try {
            return new IcmpEcho(IcmpEchoSocket.open());
        } catch (NetlinkIoException e) {
            throw new IpvsException(e.syscall, "ICMP echo socket", e.errno, e.errnoText, null,
                    e.errno == 13 ? "this process's group is not in net.ipv4.ping_group_range, which applies to root too" : null);
        }
    }

    /** Whether this process may open an ICMP echo socket here (see {@link #open}). */
    public static boolean isAvailable() {
        try (IcmpEcho e = open()) {
            return true;
        } catch (IpvsException | RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** The round trip to {@code target}, or empty when no reply came within {@code timeout}. */
    public OptionalLong echo(InetAddress target, Duration timeout) throws IpvsException {
        Preconditions.checkNotNull(target, "target");
        Preconditions.checkArgument(target instanceof Inet4Address, "target", target.getHostAddress(), "an IPv4 address");
        Preconditions.checkNotNull(timeout, "timeout");
        Preconditions.checkArgument(!timeout.isNegative() && !timeout.isZero(), "timeout", timeout, "positive");
        try {
            long rtt = socket.echo((Inet4Address) target, PAYLOAD, timeout.toNanos());
            return rtt < 0 ? OptionalLong.empty() : OptionalLong.of(rtt);
        } catch (NetlinkIoException e) {
            throw new IpvsException(e.syscall, "ICMP echo to " + target.getHostAddress(), e.errno, e.errnoText, null, null);
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
