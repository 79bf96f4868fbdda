package io.lvs4j.director;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * A BGP router for tests, written from RFC 4271 and 5492 alone (none of lvs-bgp's code): listens
 * on 127.0.0.1, answers an OPEN with its own (IPv4 unicast, 4-octet AS, hold time 0: no
 * keepalives), and keeps the IPv4 routes the UPDATEs announce and withdraw. Its RIB is what a
 * router would install.
 */
final class BgpTestPeer implements AutoCloseable {
    private final ServerSocket server;
    private final long as;
    private final Thread thread;
    private final Set<String> routes = Collections.synchronizedSet(new LinkedHashSet<>());
    private final List<String> notifications = Collections.synchronizedList(new ArrayList<>());
    /** What came, in order: "announce P", "withdraw P", "notification C/S". */
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean established;
    private volatile int sessions;
    private volatile Socket socket;

    BgpTestPeer(long as) throws IOException {
        this(as, InetAddress.getLoopbackAddress());
    }

    /** A peer listening on {@code address} (a loopback address: 127.0.0.2 for a second peer). */
    BgpTestPeer(long as, InetAddress address) throws IOException {
        this.as = as;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(address, 0));
        thread = new Thread(this::serve, "bgp-test-peer");
        thread.setDaemon(true);
        thread.start();
    }

    List<String> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    int port() {
        return server.getLocalPort();
    }

    /** The IPv4 prefixes announced now, as {@code a.b.c.d/len}. */
    Set<String> routes() {
        synchronized (routes) {
            return Set.copyOf(routes);
        }
    }

    boolean established() {
        return established;
    }

    int sessions() {
        return sessions;
    }

    List<String> notifications() {
        synchronized (notifications) {
            return List.copyOf(notifications);
        }
    }

    static boolean waitUntil(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                socket = s;
                sessions++;
                session(s);
            } catch (IOException e) {
                // the speaker closed, or the peer is closing: take the next connection
            } finally {
                established = false;
                routes.clear(); // a router drops the routes of a session that ends
            }
        }
    }

    private void session(Socket s) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        while (true) {
            byte[] header = new byte[19];
            in.readFully(header);
            int length = ((header[16] & 0xff) << 8) | (header[17] & 0xff);
            int type = header[18] & 0xff;
            byte[] body = new byte[length - 19];
            in.readFully(body);
            switch (type) {
                case 1 -> { // OPEN: ours, then a KEEPALIVE to confirm it
                    out.write(open());
                    out.write(message(4, new byte[0]));
                    out.flush();
                }
                case 4 -> established = true;
                case 2 -> update(ByteBuffer.wrap(body));
                case 3 -> {
                    notifications.add((body[0] & 0xff) + "/" + (body[1] & 0xff));
                    log.add("notification " + (body[0] & 0xff) + "/" + (body[1] & 0xff));
                }
                default -> { }
            }
        }
    }

    private void update(ByteBuffer b) {
        int withdrawnLength = b.getShort() & 0xffff;
        int end = b.position() + withdrawnLength;
        while (b.position() < end) {
            String p = prefix(b);
            routes.remove(p);
            log.add("withdraw " + p);
        }
        int attributes = b.getShort() & 0xffff;
        b.position(b.position() + attributes);
        while (b.hasRemaining()) {
            String p = prefix(b);
            routes.add(p);
            log.add("announce " + p);
        }
    }

    private static String prefix(ByteBuffer b) {
        int len = b.get() & 0xff;
        byte[] a = new byte[4];
        b.get(a, 0, (len + 7) / 8);
        return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff) + "/" + len;
    }

    private byte[] open() {
        ByteBuffer p = ByteBuffer.allocate(64);
        p.put((byte) 4).putShort((short) (as > 65535 ? 23456 : as)).putShort((short) 0); // hold time 0
        p.put(new byte[] {(byte) 192, 0, 2, (byte) 254}); // BGP identifier 192.0.2.254
        byte[] caps = ByteBuffer.allocate(12)
                .put((byte) 1).put((byte) 4).putShort((short) 1).put((byte) 0).put((byte) 1) // IPv4 unicast
                .put((byte) 65).put((byte) 4).putInt((int) as) // 4-octet AS
                .array();
        p.put((byte) (caps.length + 2)).put((byte) 2).put((byte) caps.length).put(caps);
        byte[] body = new byte[p.position()];
        p.flip().get(body);
        return message(1, body);
    }

    private static byte[] message(int type, byte[] body) {
        ByteBuffer m = ByteBuffer.allocate(19 + body.length);
        for (int i = 0; i < 16; i++) {
            m.put((byte) 0xff);
        }
        m.putShort((short) (19 + body.length)).put((byte) type).put(body);
        return m.array();
    }

    @Override
    public void close() throws IOException {
        server.close();
        Socket s = socket;
        if (s != null) {
            s.close();
        }
    }
}
