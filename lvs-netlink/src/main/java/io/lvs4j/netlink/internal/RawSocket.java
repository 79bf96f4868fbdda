package io.lvs4j.netlink.internal;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;

/**
 * A raw socket bound to one interface: IPv4 with {@code IP_HDRINCL} (whole packets out and in),
 * IPv6 (payload out and in, with source, destination and hop limit from {@code recvmsg}
 * ancillary data), {@code AF_PACKET} (whole Ethernet frames out). Opened inside a named network
 * namespace when asked. {@link #receive} waits at most the receive timeout. One reader thread and
 * one sender thread may use it at once.
 */
public final class RawSocket implements AutoCloseable {
    private static final int DATA = 65536;
    private static final int MSGHDR = 0;
    private static final int IOV = 64;
    private static final int NAME = 96;
    private static final int CONTROL = 128;
    private static final int CONTROL_LEN = 256;
    private static final int BUF = CONTROL + CONTROL_LEN;

    private final Native.LibC libc;
    private final int fd;
    private final int family;
    private final int ifindex;
    private final Pointer rx;
    private final byte[] rxCopy = new byte[DATA];
    private final ByteBuffer controlCopy = ByteBuffer.allocate(CONTROL_LEN).order(ByteOrder.nativeOrder());
    private final ByteBuffer tx = ByteBuffer.allocateDirect(DATA).order(ByteOrder.nativeOrder());
    private final ByteBuffer txAddr = ByteBuffer.allocateDirect(32).order(ByteOrder.nativeOrder());
    private final ByteBuffer pollFd = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
    private final Pointer pollPointer = Pointer.wrap(Native.runtime(), pollFd);
    private final byte[] source;
    private final byte[] destination;
    private int hopLimit = -1;
    private volatile boolean closed;

    private RawSocket(Native.LibC libc, int fd, int family, int ifindex) {
        this.libc = libc;
        this.fd = fd;
        this.family = family;
        this.ifindex = ifindex;
        this.rx = family == Native.AF_PACKET ? null : Memory.allocateDirect(Native.runtime(), BUF + DATA, true);
        this.source = new byte[family == Native.AF_INET6 ? 16 : 4];
        this.destination = new byte[family == Native.AF_INET6 ? 16 : 4];
    }

    /**
     * IPv4 raw socket for {@code protocol}: {@code IP_HDRINCL}, bound to {@code ifname}, TTL 255,
     * multicast out of that interface without loopback, joined to {@code group} when not null.
     */
    public static RawSocket ipv4(String netns, String ifname, int protocol, byte[] group, int receiveTimeoutMillis)
            throws NetlinkIoException {
        Native.LibC libc = Native.boundLibc();
        return Netns.call(netns, () -> {
            int index = index(libc, ifname);
            int fd = socket(libc, Native.AF_INET, protocol);
            RawSocket s = new RawSocket(libc, fd, Native.AF_INET, index);
            try {
                s.bindToDevice(ifname);
                s.setInt(Native.IPPROTO_IP, Native.IP_HDRINCL, 1, "IP_HDRINCL");
                s.setInt(Native.IPPROTO_IP, Native.IP_TTL, 255, "IP_TTL");
                s.setInt(Native.IPPROTO_IP, Native.IP_MULTICAST_TTL, 255, "IP_MULTICAST_TTL");
                s.setInt(Native.IPPROTO_IP, Native.IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP");
                s.setBytes(Native.IPPROTO_IP, Native.IP_MULTICAST_IF, mreqn(null, index), "IP_MULTICAST_IF");
                if (group != null) {
                    s.setBytes(Native.IPPROTO_IP, Native.IP_ADD_MEMBERSHIP, mreqn(group, index), "IP_ADD_MEMBERSHIP");
                }
                s.receiveTimeout(receiveTimeoutMillis);
                return s;
            } catch (NetlinkIoException | RuntimeException e) {
                s.close();
                throw e;
            }
        });
    }

    /**
     * IPv6 raw socket for {@code protocol}: bound to {@code ifname} and to {@code bindAddress} (the
     * source of what it sends) when not null, hop limit 255, {@code IPV6_RECVHOPLIMIT} and
     * {@code IPV6_RECVPKTINFO} on, multicast out of that interface without loopback, joined to
     * {@code group} when not null.
     */
    public static RawSocket ipv6(String netns, String ifname, int protocol, byte[] group, byte[] bindAddress,
            int receiveTimeoutMillis) throws NetlinkIoException {
        Native.LibC libc = Native.boundLibc();
        return Netns.call(netns, () -> {
            int index = index(libc, ifname);
            int fd = socket(libc, Native.AF_INET6, protocol);
            RawSocket s = new RawSocket(libc, fd, Native.AF_INET6, index);
            try {
                s.bindToDevice(ifname);
                s.setInt(Native.IPPROTO_IPV6, Native.IPV6_MULTICAST_IF, index, "IPV6_MULTICAST_IF");
                s.setInt(Native.IPPROTO_IPV6, Native.IPV6_MULTICAST_HOPS, 255, "IPV6_MULTICAST_HOPS");
                s.setInt(Native.IPPROTO_IPV6, Native.IPV6_UNICAST_HOPS, 255, "IPV6_UNICAST_HOPS");
                s.setInt(Native.IPPROTO_IPV6, Native.IPV6_MULTICAST_LOOP, 0, "IPV6_MULTICAST_LOOP");
                s.setInt(Native.IPPROTO_IPV6, Native.IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT");
                s.setInt(Native.IPPROTO_IPV6, Native.IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
                if (group != null) {
                    ByteBuffer m = direct(20);
                    m.put(0, group);
                    m.putInt(16, index);
                    s.setBytes(Native.IPPROTO_IPV6, Native.IPV6_ADD_MEMBERSHIP, m, "IPV6_ADD_MEMBERSHIP");
                }
                if (bindAddress != null) {
                    ByteBuffer a = s.sockaddrIn6(bindAddress, direct(28));
                    if (libc.bind(fd, a, 28) != 0) {
                        throw s.failure("bind", "to the interface address");
                    }
                }
                s.receiveTimeout(receiveTimeoutMillis);
                return s;
            } catch (NetlinkIoException | RuntimeException e) {
                s.close();
                throw e;
            }
        });
    }

    /** {@code AF_PACKET} socket sending Ethernet frames of {@code ethertype} out of {@code ifname}. */
    public static RawSocket packet(String netns, String ifname, int ethertype) throws NetlinkIoException {
        Native.LibC libc = Native.boundLibc();
        return Netns.call(netns, () -> {
            int index = index(libc, ifname);
            int fd = socket(libc, Native.AF_PACKET, Short.toUnsignedInt(Short.reverseBytes((short) ethertype)));
            return new RawSocket(libc, fd, Native.AF_PACKET, index);
        });
    }

    private static int index(Native.LibC libc, String ifname) throws NetlinkIoException {
        int index = libc.if_nametoindex(ifname);
        if (index == 0) {
            int e = Native.errno();
            throw new NetlinkIoException("if_nametoindex", e, Native.strerror(e), ifname);
        }
        return index;
    }

    private static int socket(Native.LibC libc, int family, int protocol) throws NetlinkIoException {
        int fd = libc.socket(family, Native.SOCK_RAW | Native.SOCK_CLOEXEC, protocol);
        if (fd < 0) {
            int e = Native.errno();
            throw new NetlinkIoException("socket", e, Native.strerror(e), "(family " + family + ", SOCK_RAW, "
                    + protocol + ")");
        }
        return fd;
    }

    private static ByteBuffer direct(int n) {
        return ByteBuffer.allocateDirect(n).order(ByteOrder.nativeOrder());
    }

    private static ByteBuffer mreqn(byte[] group, int index) {
        ByteBuffer m = direct(12);
        if (group != null) {
            m.put(0, group);
        }
        m.putInt(8, index);
        return m;
    }

    /** The interface index. */
    public int interfaceIndex() {
        return ifindex;
    }

    private void bindToDevice(String ifname) throws NetlinkIoException {
        byte[] n = ifname.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = direct(n.length + 1);
        b.put(0, n);
        setBytes(Native.SOL_SOCKET, Native.SO_BINDTODEVICE, b, "SO_BINDTODEVICE " + ifname);
    }

    private void receiveTimeout(int millis) throws NetlinkIoException {
        ByteBuffer tv = direct(16);
        tv.putLong(0, millis / 1000);
        tv.putLong(8, (millis % 1000) * 1000L);
        setBytes(Native.SOL_SOCKET, Native.SO_RCVTIMEO, tv, "SO_RCVTIMEO");
    }

    /** The hop limit of unicast packets (IPv6 {@code IPV6_UNICAST_HOPS}; IPv4 {@code IP_TTL}, which IP_HDRINCL overrides). */
    public void unicastHops(int hops) throws NetlinkIoException {
        if (family == Native.AF_INET6) {
            setInt(Native.IPPROTO_IPV6, Native.IPV6_UNICAST_HOPS, hops, "IPV6_UNICAST_HOPS");
        } else {
            setInt(Native.IPPROTO_IP, Native.IP_TTL, hops, "IP_TTL");
        }
    }

    private void setInt(int level, int opt, int value, String name) throws NetlinkIoException {
        if (libc.setsockopt(fd, level, opt, new IntByReference(value), 4) != 0) {
            throw failure("setsockopt", name);
        }
    }

    private void setBytes(int level, int opt, ByteBuffer value, String name) throws NetlinkIoException {
        if (libc.setsockopt(fd, level, opt, value, value.capacity()) != 0) {
            throw failure("setsockopt", name);
        }
    }

    private ByteBuffer sockaddrIn6(byte[] address, ByteBuffer b) {
        for (int i = 0; i < 28; i++) {
            b.put(i, (byte) 0);
        }
        b.putShort(0, (short) Native.AF_INET6);
        b.put(8, address);
        boolean linkLocal = (address[0] & 0xff) == 0xfe && (address[1] & 0xc0) == 0x80;
        boolean linkScopeMulticast = (address[0] & 0xff) == 0xff && (address[1] & 0x0f) == 0x02;
        if (linkLocal || linkScopeMulticast) {
            b.putInt(24, ifindex);
        }
        return b;
    }

    /**
     * Sends {@code data}'s readable bytes to {@code destination} (4 or 16 bytes): for IPv4 a whole
     * IP packet, for IPv6 the payload. For {@code AF_PACKET}, a whole frame to the Ethernet
     * address {@code destination} (6 bytes).
     */
    public synchronized void send(ByteBuf data, byte[] destination) throws NetlinkIoException {
        int n = data.readableBytes();
        tx.clear();
        data.getBytes(data.readerIndex(), tx.limit(n));
        tx.flip();
        int alen;
        if (family == Native.AF_INET) {
            for (int i = 0; i < 16; i++) {
                txAddr.put(i, (byte) 0);
            }
            txAddr.putShort(0, (short) Native.AF_INET);
            txAddr.put(4, destination);
            alen = 16;
        } else if (family == Native.AF_INET6) {
            sockaddrIn6(destination, txAddr);
            alen = 28;
        } else {
            for (int i = 0; i < 20; i++) {
                txAddr.put(i, (byte) 0);
            }
            txAddr.putShort(0, (short) Native.AF_PACKET);
            txAddr.putInt(4, ifindex);
            txAddr.put(11, (byte) destination.length);
            txAddr.put(12, destination);
            alen = 20;
        }
        for (int attempt = 0; ; attempt++) {
            long r = libc.sendto(fd, tx, n, 0, txAddr, alen);
            if (r >= 0) {
                return;
            }
            int e = Native.errno();
            if (e != Native.EINTR || attempt > 100) {
                throw new NetlinkIoException("sendto", e, Native.strerror(e), n + " bytes");
            }
        }
    }

    /**
     * Receives one packet into {@code dst} (IPv4: whole IP packet; IPv6: the payload, with
     * {@link #source()}, {@link #destination()} and {@link #hopLimit()} set).
     *
     * @return the length, or -1 when the receive timeout passed or the socket was closed
     */
    public int receive(ByteBuf dst) throws NetlinkIoException {
        return receive(dst, 0);
    }

    /**
     * As {@link #receive(ByteBuf)}, but returns -1 at once when no packet is queued
     * ({@code MSG_DONTWAIT}).
     */
    public int receiveNow(ByteBuf dst) throws NetlinkIoException {
        return receive(dst, Native.MSG_DONTWAIT);
    }

    /**
     * Waits at most {@code timeoutMillis} until a packet is queued (or the socket is in error),
     * without receiving it; true when one is. Needs no receive state, so it may run on another
     * thread than the receiving one.
     */
    public boolean awaitReadable(int timeoutMillis) {
        if (closed) {
            return false;
        }
        pollFd.putInt(0, fd);
        pollFd.putShort(4, (short) Native.POLLIN);
        pollFd.putShort(6, (short) 0);
        int r = libc.poll(pollPointer, 1, timeoutMillis);
        return r > 0 && pollFd.getShort(6) != 0;
    }

    private int receive(ByteBuf dst, int flags) throws NetlinkIoException {
        long base = rx.address();
        while (!closed) {
            rx.putAddress(MSGHDR, base + NAME);
            rx.putInt(MSGHDR + 8, 28);
            rx.putAddress(MSGHDR + 16, base + IOV);
            rx.putLong(MSGHDR + 24, 1);
            rx.putAddress(MSGHDR + 32, base + CONTROL);
            rx.putLong(MSGHDR + 40, CONTROL_LEN);
            rx.putInt(MSGHDR + 48, 0);
            rx.putAddress(IOV, base + BUF);
            rx.putLong(IOV + 8, DATA);
            long r = libc.recvmsg(fd, rx, flags);
            if (r < 0) {
                int e = Native.errno();
                if (e == Native.EINTR) {
                    continue;
                }
                if (e == Native.EAGAIN || closed) {
                    return -1;
                }
                throw new NetlinkIoException("recvmsg", e, Native.strerror(e), null);
            }
            int n = (int) r;
            if (family == Native.AF_INET6) {
                rx.get(NAME + 8, source, 0, 16);
                long clen = rx.getLong(MSGHDR + 40);
                rx.get(CONTROL, controlCopy.array(), 0, CONTROL_LEN);
                hopLimit = ancillary6(controlCopy, clen, destination);
            } else {
                rx.get(NAME + 4, source, 0, 4);
            }
            rx.get(BUF, rxCopy, 0, n);
            dst.writeBytes(rxCopy, 0, n);
            return n;
        }
        return -1;
    }

    /**
     * Reads IPv6 ancillary data ({@code msg_controllen} {@code controlLength} bytes at the start of
     * {@code control}, native order): copies the {@code IPV6_PKTINFO} destination into
     * {@code destination} (zeros when there is none) and returns the {@code IPV6_HOPLIMIT}, or -1.
     */
    static int ancillary6(ByteBuffer control, long controlLength, byte[] destination) {
        java.util.Arrays.fill(destination, (byte) 0);
        int p = Cmsg.find(control, 0, controlLength, control.capacity(), Native.IPPROTO_IPV6, Native.IPV6_PKTINFO, 20);
        if (p >= 0) {
            control.get(p, destination, 0, 16);
        }
        int h = Cmsg.find(control, 0, controlLength, control.capacity(), Native.IPPROTO_IPV6, Native.IPV6_HOPLIMIT, 4);
        return h < 0 ? -1 : control.getInt(h);
    }

    /** The last IPv6 packet's source address (16 bytes; IPv4: 4 bytes). Valid until the next receive. */
    public byte[] source() {
        return source;
    }

    /** The last IPv6 packet's destination address ({@code IPV6_PKTINFO}). */
    public byte[] destination() {
        return destination;
    }

    /** The last IPv6 packet's hop limit, or -1 when the kernel did not report it. */
    public int hopLimit() {
        return hopLimit;
    }

    private NetlinkIoException failure(String call, String detail) {
        int e = Native.errno();
        return new NetlinkIoException(call, e, Native.strerror(e), detail);
    }

    /** Closes the socket; a reader blocked in {@link #receive} returns within its timeout. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            libc.close(fd);
        }
    }
}
