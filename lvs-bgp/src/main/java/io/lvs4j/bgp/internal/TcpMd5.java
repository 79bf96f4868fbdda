package io.lvs4j.bgp.internal;

import io.lvs4j.internal.Addresses;
import io.lvs4j.netlink.InterfaceException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.NetworkChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import jnr.ffi.byref.IntByReference;

/**
 * TCP MD5 signatures (RFC 2385) on a Java socket channel: the kernel's {@code TCP_MD5SIG} socket
 * option, which Java has no API for. The channel's file descriptor is found by its bound address
 * ({@code getsockname(2)} over this process's socket descriptors), so a channel must be bound
 * before its keys are set: a listener before {@code listen}, a dialling socket (bound to port 0)
 * before {@code connect}.
 */
public final class TcpMd5 {
    private TcpMd5() {}

    private static final String UNAVAILABLE;

    static {
        UNAVAILABLE = probe();
    }

    /** Whether this kernel takes TCP MD5 keys. */
    public static boolean isAvailable() {
        return UNAVAILABLE == null;
    }

    /** Why TCP MD5 cannot be used here, or null when it can. */
    public static String unavailabilityCause() {
        return UNAVAILABLE;
    }

    private static String probe() {
        Native.LibC libc = Native.libc();
        if (libc == null) {
            return "libc could not be bound: " + Native.loadFailure();
        }
        int fd = libc.socket(Native.AF_INET, Native.SOCK_STREAM, 0);
        if (fd < 0) {
            int e = Native.errno();
            return "socket: " + Native.strerror(e) + " (errno " + e + ")";
        }
        try {
            ByteBuffer sig = signature(Native.AF_INET, Addresses.parse("192.0.2.1", "probe"), new byte[] {1});
            if (libc.setsockopt(fd, Native.IPPROTO_TCP, Native.TCP_MD5SIG, sig, Native.TCP_MD5SIG_SIZE) != 0) {
                int e = Native.errno();
                return "setsockopt(TCP_MD5SIG): " + Native.strerror(e) + " (errno " + e + ")";
            }
            return null;
        } finally {
            libc.close(fd);
        }
    }

    /**
     * Sets the key for {@code peer} on the bound {@code channel} (an empty key removes it).
     *
     * @throws InterfaceException when TCP MD5 is unavailable, the descriptor cannot be found, or the
     *     kernel refuses the key
     */
    public static void setKey(NetworkChannel channel, InetAddress peer, byte[] key) throws InterfaceException {
        String object = "TCP MD5 key for " + Addresses.format(peer);
        Native.LibC libc = Native.libc();
        if (libc == null) {
            throw new InterfaceException("setsockopt(TCP_MD5SIG)", object, 0, "unavailable",
                    "libc could not be bound: " + Native.loadFailure());
        }
        int fd = descriptor(libc, channel, object);
        ByteBuffer domain = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
        IntByReference length = new IntByReference(4);
        if (libc.getsockopt(fd, Native.SOL_SOCKET, Native.SO_DOMAIN, domain, length) != 0) {
            int e = Native.errno();
            throw new InterfaceException("getsockopt(SO_DOMAIN)", object, e, Native.strerror(e), null);
        }
        ByteBuffer sig = signature(domain.getInt(0), peer, key);
        if (libc.setsockopt(fd, Native.IPPROTO_TCP, Native.TCP_MD5SIG, sig, Native.TCP_MD5SIG_SIZE) != 0) {
            int e = Native.errno();
            throw new InterfaceException("setsockopt(TCP_MD5SIG)", object, e, Native.strerror(e), null);
        }
    }

    /** struct tcp_md5sig for a socket of {@code family}: the peer's address (v4-mapped on an IPv6 socket) and key. */
    static ByteBuffer signature(int family, InetAddress peer, byte[] key) {
        ByteBuffer b = ByteBuffer.allocateDirect(Native.TCP_MD5SIG_SIZE).order(ByteOrder.nativeOrder());
        byte[] addr = peer.getAddress();
        if (family == Native.AF_INET6) {
            b.putShort(0, (short) Native.AF_INET6);
            byte[] a6 = addr;
            if (addr.length == 4) {
                a6 = new byte[16];
                a6[10] = (byte) 0xff;
                a6[11] = (byte) 0xff;
                System.arraycopy(addr, 0, a6, 12, 4);
            }
            b.position(8);
            b.put(a6);
        } else {
            b.putShort(0, (short) Native.AF_INET);
            b.position(4);
            b.put(addr);
        }
        b.putShort(Native.TCP_MD5SIG_KEYLEN_OFFSET, (short) key.length);
        b.position(Native.TCP_MD5SIG_KEY_OFFSET);
        b.put(key, 0, Math.min(key.length, 80));
        b.clear();
        return b;
    }

    /**
     * The descriptor of {@code channel}: the stream socket of this process bound to the channel's
     * local address and port.
     */
    private static int descriptor(Native.LibC libc, NetworkChannel channel, String object) throws InterfaceException {
        InetSocketAddress local;
        try {
            local = (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            throw new InterfaceException("getsockname", object, 0, "channel closed", String.valueOf(e.getMessage()));
        }
        if (local == null) {
            throw new InterfaceException("getsockname", object, 0, "channel not bound", null);
        }
        byte[] want = normal(local.getAddress());
        ByteBuffer sa = ByteBuffer.allocateDirect(128).order(ByteOrder.nativeOrder());
        ByteBuffer type = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : fds) {
                String target;
                int fd;
                try {
                    target = Files.readSymbolicLink(p).toString();
                    fd = Integer.parseInt(p.getFileName().toString());
                } catch (IOException | NumberFormatException e) {
                    continue; // closed meanwhile, or not a number
                }
                if (!target.startsWith("socket:")) {
                    continue;
                }
                IntByReference len = new IntByReference(4);
                if (libc.getsockopt(fd, Native.SOL_SOCKET, Native.SO_TYPE, type, len) != 0
                        || type.getInt(0) != Native.SOCK_STREAM) {
                    continue;
                }
                IntByReference salen = new IntByReference(128);
                if (libc.getsockname(fd, sa, salen) != 0) {
                    continue;
                }
                int family = sa.getShort(0) & 0xffff;
                int port = ((sa.get(2) & 0xff) << 8) | (sa.get(3) & 0xff);
                byte[] addr;
                if (family == Native.AF_INET) {
                    addr = new byte[4];
                    sa.position(4);
                    sa.get(addr);
                } else if (family == Native.AF_INET6) {
                    addr = new byte[16];
                    sa.position(8);
                    sa.get(addr);
                } else {
                    continue;
                }
                sa.clear();
                if (port == local.getPort() && Arrays.equals(normal(Addresses.of(addr)), want)) {
                    return fd;
                }
            }
        } catch (IOException e) {
            throw new InterfaceException("opendir", "/proc/self/fd", 0, "cannot list descriptors", e.getMessage());
        }
        throw new InterfaceException("getsockname", object, 0, "no socket of this process bound to "
                + Addresses.endpoint(local.getAddress(), local.getPort()), null);
    }

    /** An address for comparison: v4-mapped as IPv4, every wildcard as 0.0.0.0. */
    private static byte[] normal(InetAddress a) {
        if (a.isAnyLocalAddress()) {
            return new byte[4];
        }
        byte[] b = a.getAddress();
        if (b.length == 16) {
            boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            for (int i = 0; i < 10 && mapped; i++) {
                mapped = b[i] == 0;
            }
            if (mapped) {
                return Arrays.copyOfRange(b, 12, 16);
            }
        }
        return b;
    }
}
