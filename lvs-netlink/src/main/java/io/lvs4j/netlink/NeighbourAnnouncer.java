package io.lvs4j.netlink;

import io.lvs4j.internal.Preconditions;
import io.lvs4j.netlink.internal.NeighbourFrames;
import io.lvs4j.netlink.internal.NetlinkIoException;
import io.lvs4j.netlink.internal.RawSocket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Tells a link that an address moved here: gratuitous ARP ({@code AF_PACKET}, broadcast) for IPv4
 * and unsolicited neighbour advertisements (ICMPv6 to ff02::1, hop limit 255) for IPv6, with the
 * interface's hardware address. Thread-safe.
 */
public final class NeighbourAnnouncer implements AutoCloseable {
    private static final InetAddress ALL_NODES = io.lvs4j.internal.Addresses.parse("ff02::1", "all nodes");

    private final String interfaceName;
    private final byte[] mac;
    private final RawSocket arp;
    private final RawSocket icmp6;
    private final ByteBuf frame = Unpooled.buffer(128);

    private NeighbourAnnouncer(String interfaceName, byte[] mac, RawSocket arp, RawSocket icmp6) {
        this.interfaceName = interfaceName;
        this.mac = mac;
        this.arp = arp;
        this.icmp6 = icmp6;
    }

    /** Opens the sockets on {@code interfaceName} in {@code /run/netns/NAME} (null: the caller's namespace). */
    public static NeighbourAnnouncer open(String netns, String interfaceName) throws InterfaceException {
        Preconditions.checkNotNull(interfaceName, "interface");
        byte[] mac;
        try (Rtnetlink rt = Rtnetlink.open(netns)) {
            mac = rt.link(interfaceName).hardwareAddress();
        }
        if (mac == null || mac.length != 6) {
            throw new InterfaceException("RTM_GETLINK", "interface " + interfaceName, 95,
                    "Operation not supported", "no Ethernet address");
        }
        RawSocket arp = null;
        try {
            arp = RawSocket.packet(netns, interfaceName, NeighbourFrames.ETH_P_ARP);
            RawSocket icmp6 = RawSocket.ipv6(netns, interfaceName, 58, null, null, 1000);
            return new NeighbourAnnouncer(interfaceName, mac, arp, icmp6);
        } catch (NetlinkIoException e) {
            if (arp != null) {
                arp.close();
            }
            throw Rtnetlink.wrap(e, "announcer on " + interfaceName);
        }
    }

    /** The interface's Ethernet address. */
    public byte[] hardwareAddress() {
        return mac.clone();
    }

    /** Sends one gratuitous ARP (IPv4) or unsolicited neighbour advertisement (IPv6) for {@code address}. */
    public synchronized void announce(InetAddress address) throws InterfaceException {
        frame.clear();
        try {
            if (address instanceof Inet4Address) {
                NeighbourFrames.gratuitousArp(frame, mac, address.getAddress());
                arp.send(frame, NeighbourFrames.BROADCAST);
            } else if (address instanceof Inet6Address) {
                NeighbourFrames.neighbourAdvert(frame, mac, address.getAddress());
                icmp6.send(frame, ALL_NODES.getAddress());
            } else {
                throw Preconditions.invalid("address", address, "an IPv4 or IPv6 address");
            }
        } catch (NetlinkIoException e) {
            throw Rtnetlink.wrap(e, "announcement of " + address.getHostAddress() + " on " + interfaceName);
        }
    }

    @Override
    public void close() {
        arp.close();
        icmp6.close();
    }
}
