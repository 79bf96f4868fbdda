package io.lvs4j.vrrp.linux;

import io.lvs4j.internal.Preconditions;
import io.lvs4j.netlink.InterfaceException;
import io.lvs4j.netlink.RawIpSocket;
import io.lvs4j.vrrp.VrrpInstance;
import io.lvs4j.vrrp.AuthType;
import io.lvs4j.vrrp.spi.Ipv6Ancillary;
import io.lvs4j.vrrp.spi.VrrpTransport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * VRRP over a raw protocol-112 socket on one interface ({@link RawIpSocket}): IPv4 whole packets
 * ({@code IP_HDRINCL}; protocol 51 with AH authentication) joined to 224.0.0.18, or IPv6 joined to ff02::12 and sending from the
 * router's primary (link-local) address. Unicast peers are plain destinations of {@link #send}.
 * A reader thread waits until the socket is readable and has the scheduler's thread receive and
 * process what is queued, waiting until it has, so one buffer serves every packet and every receive
 * happens on the scheduler's thread. {@link #deliverPending()} does the same from a timer, so an
 * expired Master_Down_Timer sees adverts that arrived while the JVM was stalled.
 */
final class RawVrrpTransport implements VrrpTransport {
    private static final Logger LOG = LoggerFactory.getLogger(RawVrrpTransport.class);
    static final int PROTOCOL_VRRP = 112;
    static final int PROTOCOL_AH = 51;
    private static final int POLL_MILLIS = 200;
    /** At most this many packets per drain, so a flood cannot hold the scheduler's thread. */
    private static final int MAX_DRAIN = 64;

    private final RawIpSocket socket;
    private final Executor executor;
    private final String name;
    private final ByteBuf rx = Unpooled.buffer(65536);
    private final Semaphore done = new Semaphore(0);
    private final Runnable drain = this::drain;
    private final byte[] lastSource = new byte[16];
    private final byte[] lastDestination = new byte[16];
    private final java.util.BitSet siblingVrids = new java.util.BitSet(256);
    private Receiver receiver;
    private Ipv6Ancillary ancillary;
    private Thread reader;
    private boolean draining;
    private volatile boolean receiveFailed;
    private volatile int lastDrained;
    private int emptyDrains; // reader thread only
    private volatile boolean closed;

    private RawVrrpTransport(RawIpSocket socket, Executor executor, String name) {
        this.socket = socket;
        this.executor = executor;
        this.name = name;
    }

    /**
     * Opens the socket for {@code instance} on {@code interfaceName} in {@code /run/netns/NAME}
     * (null: this namespace). {@code executor} runs tasks on the scheduler's thread.
     */
    static RawVrrpTransport open(String netns, String interfaceName, VrrpInstance instance, Executor executor)
            throws InterfaceException {
        Preconditions.checkNotNull(instance, "instance");
        Preconditions.checkNotNull(executor, "executor");
        boolean multicast = instance.unicastPeers().isEmpty();
        // with AH authentication every advert is an IP protocol 51 packet (AH, then VRRP)
        boolean ah = instance.authentication().isPresent() && instance.authentication().get().type() == AuthType.AH;
        RawIpSocket s = instance.ipv6()
                ? RawIpSocket.openIpv6(netns, interfaceName, PROTOCOL_VRRP, multicast ? VrrpInstance.GROUP_IPV6 : null,
                        instance.sourceAddress().orElseThrow(), POLL_MILLIS)
                : RawIpSocket.openIpv4(netns, interfaceName, ah ? PROTOCOL_AH : PROTOCOL_VRRP,
                        multicast ? VrrpInstance.GROUP_IPV4 : null, POLL_MILLIS);
        if (instance.ipv6() && instance.unicastTtl() != 255) {
            try {
                s.unicastHops(instance.unicastTtl()); // IPv4 packets carry the TTL the codec writes
            } catch (InterfaceException | RuntimeException e) {
                s.close();
                throw e;
            }
        }
        return new RawVrrpTransport(s, executor, instance.name());
    }

    /**
     * Adverts for these virtual router ids belong to other instances of this node on the same
     * interface (each has its own socket): they are skipped here rather than counted as
     * {@code VRID_MISMATCH} drops, as keepalived demultiplexes by VRID. Call before {@link #open}.
     */
    void ignoreVrids(java.util.Set<Integer> vrids) {
        vrids.forEach(siblingVrids::set);
    }

    @Override
    public void open(Receiver receiver) {
        Preconditions.checkState(this.receiver == null && !closed, "transport", name, "opened once");
        this.receiver = Preconditions.checkNotNull(receiver, "receiver");
        reader = new Thread(this::readLoop, "lvs4j-vrrp-rx-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    private void readLoop() {
        try {
            while (!closed) {
                if (!socket.awaitReadable(POLL_MILLIS)) {
                    continue;
                }
                try {
                    executor.execute(drain);
                } catch (RejectedExecutionException e) {
                    break; // the scheduler stopped first
                }
                while (!closed) {
                    if (done.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                        break;
                    }
                }
                if (receiveFailed) {
                    sleepQuietly();
                } else if (lastDrained > 0) {
                    emptyDrains = 0;
                } else if (++emptyDrains >= 3) {
                    // readable, yet nothing to receive, again and again (an error condition poll
                    // reports): a short pause instead of a spin. A single empty drain is normal:
                    // a timer's drain took the packet first
                    Thread.sleep(10);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            socket.close();
        }
    }

    /**
     * Receives and delivers every packet queued in the socket, on the scheduler's thread (the only
     * thread that receives; the reader thread just waits for the socket to become readable).
     */
    @Override
    public void deliverPending() {
        if (closed || receiver == null || draining) {
            return;
        }
        draining = true;
        receiveFailed = false;
        lastDrained = 0;
        try {
            for (int i = 0; i < MAX_DRAIN && !closed; i++) {
                rx.clear();
                int n;
                try {
                    n = socket.receiveNow(rx);
                } catch (InterfaceException e) {
                    LOG.warn("({}) receive: {}", name, e.getMessage());
                    receiveFailed = true;
                    return;
                }
                if (n < 0) {
                    return;
                }
                lastDrained++; // a packet, even a sibling's: the socket was not readable for nothing
                if (isSibling(rx)) {
                    continue;
                }
                if (socket.ipv6()) {
                    ancillary = ipv6Ancillary();
                }
                receiver.receive(rx, ancillary);
            }
        } finally {
            draining = false;
        }
    }

    /** The VRID of a well-formed packet, if it belongs to a sibling instance. */
    private boolean isSibling(ByteBuf p) {
        if (siblingVrids.isEmpty()) {
            return false;
        }
        int at;
        if (socket.ipv6()) {
            at = 1;
        } else {
            if (p.readableBytes() < 20) {
                return false;
            }
            at = (p.getUnsignedByte(0) & 0x0f) * 4 + (p.getUnsignedByte(9) == PROTOCOL_AH ? 24 : 0) + 1;
        }
        return at < p.readableBytes() && siblingVrids.get(p.getUnsignedByte(at));
    }

    /** The ancillary data of the last IPv6 packet; the previous object when nothing changed. */
    private Ipv6Ancillary ipv6Ancillary() {
        byte[] src = socket.source();
        byte[] dst = socket.destination();
        int hop = Math.max(0, socket.hopLimit());
        if (ancillary != null && ancillary.hopLimit() == hop && java.util.Arrays.equals(src, lastSource)
                && java.util.Arrays.equals(dst, lastDestination)) {
            return ancillary;
        }
        System.arraycopy(src, 0, lastSource, 0, 16);
        System.arraycopy(dst, 0, lastDestination, 0, 16);
        try {
            return new Ipv6Ancillary((Inet6Address) InetAddress.getByAddress(src),
                    (Inet6Address) InetAddress.getByAddress(dst), hop);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private void drain() {
        try {
            deliverPending();
        } finally {
            done.release();
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void send(ByteBuf packet, InetAddress destination) {
        if (closed) {
            return;
        }
        try {
            socket.send(packet, destination);
        } catch (InterfaceException e) {
            LOG.warn("({}) send: {}", name, e.getMessage());
        }
    }

    /** Stops the reader (which closes the socket within 200 ms); never blocks the caller. */
    @Override
    public void close() {
        closed = true;
        done.release();
        if (reader == null) {
            socket.close();
        }
    }
}
