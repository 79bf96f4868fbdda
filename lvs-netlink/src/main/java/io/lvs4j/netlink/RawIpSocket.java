package io.lvs4j.netlink;

import io.lvs4j.internal.Preconditions;
import io.lvs4j.netlink.internal.NetlinkIoException;
import io.lvs4j.netlink.internal.RawSocket;
import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * A raw IP socket for one protocol on one interface, as VRRP needs it (protocol 112): IPv4 with
 * {@code IP_HDRINCL} (whole packets are sent and received), TTL 255, {@code SO_BINDTODEVICE},
 * multicast out of the interface without loopback and membership of a group (224.0.0.18); IPv6
 * with hop limit 255, the group joined (ff02::12) and each received packet's source, destination
 * and hop limit taken from {@code recvmsg} ancillary data ({@code IPV6_RECVPKTINFO},
 * {@code IPV6_RECVHOPLIMIT}). Opened in a named network namespace when asked.
 *
 * <p>One thread may receive while another sends. {@link #receive} waits at most the receive
 * timeout given at open, so a reader thread can notice {@link #close()}: close after the reader
 * has stopped.
 */
public final class RawIpSocket implements AutoCloseable {
    private final RawSocket socket;
    private final boolean ipv6;

    private RawIpSocket(RawSocket socket, boolean ipv6) {
        this.socket = socket;
        this.ipv6 = ipv6;
    }

    /**
     * Opens an IPv4 raw socket with {@code IP_HDRINCL}.
     *
     * @param netns a name under {@code /run/netns}, or null for the caller's namespace
     * @param group a multicast group to join on the interface, or null
     */
    public static RawIpSocket openIpv4(String netns, String interfaceName, int protocol, InetAddress group,
            int receiveTimeoutMillis) throws InterfaceException {
        check(interfaceName, protocol, receiveTimeoutMillis);
        Preconditions.checkArgument(group == null || group instanceof Inet4Address && group.isMulticastAddress(), "group",
                group, "an IPv4 multicast address");
        try {
            return new RawIpSocket(RawSocket.ipv4(netns, interfaceName, protocol,
                    group == null ? null : group.getAddress(), receiveTimeoutMillis), false);
        } catch (NetlinkIoException e) {
            throw Rtnetlink.wrap(e, "raw IPv4 socket (protocol " + protocol + ") on " + interfaceName);
        }
    }

    /**
     * Opens an IPv6 raw socket.
     *
     * @param source the address to send from (the engine's checksum covers it), or null
     */
    public static RawIpSocket openIpv6(String netns, String interfaceName, int protocol, InetAddress group,
            InetAddress source, int receiveTimeoutMillis) throws InterfaceException {
        check(interfaceName, protocol, receiveTimeoutMillis);
        Preconditions.checkArgument(group == null || group instanceof Inet6Address && group.isMulticastAddress(), "group",
                group, "an IPv6 multicast address");
        Preconditions.checkArgument(source == null || source instanceof Inet6Address, "source", source,
                "an IPv6 address");
        try {
            return new RawIpSocket(RawSocket.ipv6(netns, interfaceName, protocol,
                    group == null ? null : group.getAddress(), source == null ? null : source.getAddress(),
                    receiveTimeoutMillis), true);
        } catch (NetlinkIoException e) {
            throw Rtnetlink.wrap(e, "raw IPv6 socket (protocol " + protocol + ") on " + interfaceName);
        }
    }

    private static void check(String interfaceName, int protocol, int timeout) {
        Preconditions.checkArgument(interfaceName != null && !interfaceName.isEmpty() && interfaceName.length() <= 15,
                "interface", interfaceName, "a name of 1..15 characters");
        Preconditions.checkInRange(protocol, 1, 255, "protocol");
        Preconditions.checkInRange(timeout, 1, 60_000, "receive timeout (ms)");
    }

    public boolean ipv6() {
        return ipv6;
    }

    public int interfaceIndex() {
        return socket.interfaceIndex();
    }

    /**
     * Sets the hop limit (TTL) of the unicast packets sent from now on, 1..255 (255 when opened). For
     * IPv6 the kernel writes it; an IPv4 {@code IP_HDRINCL} packet carries the TTL its sender wrote.
     */
    public void unicastHops(int hops) throws InterfaceException {
        Preconditions.checkInRange(hops, 1, 255, "unicast hops");
        try {
            socket.unicastHops(hops);
        } catch (NetlinkIoException e) {
            throw Rtnetlink.wrap(e, "unicast hops " + hops);
        }
    }

    /** Sends {@code packet}'s readable bytes (IPv4: a whole IP packet; IPv6: the payload) to {@code destination}. */
    public void send(ByteBuf packet, InetAddress destination) throws InterfaceException {
        try {
            socket.send(packet, destination.getAddress());
        } catch (NetlinkIoException e) {
            throw Rtnetlink.wrap(e, "packet to " + destination.getHostAddress());
        }
    }

    /**
     * Appends one received packet to {@code dst}.
     *
     * @return its length, or -1 when the receive timeout passed (or the socket is closed)
     */
    public int receive(ByteBuf dst) throws InterfaceException {
        try {
            return socket.receive(dst);
        } catch (NetlinkIoException e) {
            throw Rtnetlink.wrap(e, null);
        }
    }

    /**
     * Appends one packet to {@code dst} if one is queued, without waiting.
     *
     * @return its length, or -1 when none is queued (or the socket is closed)
     */
    public int receiveNow(ByteBuf dst) throws InterfaceException {
        try {
            return socket.receiveNow(dst);
        } catch (NetlinkIoException e) {
            throw Rtnetlink.wrap(e, null);
        }
    }

    /**
     * Waits at most {@code timeoutMillis} until a packet is queued (or the socket is in error),
     * without receiving it. Safe on another thread than the one that receives: a reader thread
     * can wait here and leave the receiving to another thread.
     */
    public boolean awaitReadable(int timeoutMillis) {
        return socket.awaitReadable(timeoutMillis);
    }

    /** The last packet's source address (4 or 16 bytes); valid until the next receive. */
    public byte[] source() {
        return socket.source();
    }

    /** The last IPv6 packet's destination address. */
    public byte[] destination() {
        return socket.destination();
    }

    /** The last IPv6 packet's hop limit, or -1 if not reported. */
    public int hopLimit() {
        return socket.hopLimit();
    }

    @Override
    public void close() {
        socket.close();
    }
}
