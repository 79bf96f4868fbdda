package io.lvs4j.vrrp.spi;

import io.netty.buffer.ByteBuf;
import java.net.InetAddress;

/**
 * Moves encoded advertisements between VRRP routers. Implementations: the in-memory network
 * ({@link io.lvs4j.vrrp.memory.InMemoryNetwork}) and the transport of
 * {@link io.lvs4j.vrrp.linux.LinuxNetwork}: raw IPv4 protocol 112 sockets
 * ({@code IP_HDRINCL}, TTL 255, joined to 224.0.0.18 on one interface) and raw IPv6 sockets
 * (hop limit 255, {@code IPV6_RECVHOPLIMIT}/{@code IPV6_RECVPKTINFO}, joined to ff02::12), with
 * unicast peers as keepalived's {@code unicast_peer}.
 *
 * <p>For IPv4 the engine hands over and expects whole IP packets (header, optional AH, VRRP), as a
 * raw socket with {@code IP_HDRINCL} sends them and {@code recvfrom} returns them. For IPv6 it hands
 * over and expects the VRRP part only; the receiver adds the {@link Ipv6Ancillary} data.
 */
public interface VrrpTransport {
    /** Starts delivering packets to {@code receiver}, on the scheduler's thread. */
    void open(Receiver receiver);

    /**
     * Sends {@code packet}'s readable bytes to {@code destination} (the group or a unicast peer).
     * The buffer is valid only during the call; a transport that keeps the bytes copies them.
     */
    void send(ByteBuf packet, InetAddress destination);

    /**
     * Delivers now, on the scheduler's thread and before returning, the packets that have already
     * arrived but not been delivered yet (queued in the transport or waiting in the socket). The
     * engine calls it before acting on an expired Master_Down_Timer, so that after a stall the
     * adverts that came in time count before the timer does. The default has nothing pending.
     */
    default void deliverPending() {}

    /** Stops delivery and releases resources; idempotent. */
    void close();

    /** Gets received packets; the buffer is valid only during the call. */
    @FunctionalInterface
    interface Receiver {
        /** {@code ancillary} is null for IPv4, required for IPv6. */
        void receive(ByteBuf packet, Ipv6Ancillary ancillary);
    }
}
