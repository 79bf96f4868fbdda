package io.lvs4j.bgp;

import io.lvs4j.bgp.internal.Connection;
import io.lvs4j.bgp.internal.Decoder;
import io.lvs4j.bgp.internal.Message;
import io.lvs4j.bgp.internal.Transport;
import io.lvs4j.internal.Addresses;
import io.lvs4j.time.VirtualClock;
import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A transport with no sockets for tests on a {@link VirtualClock}: the test plays the peer, making
 * dials succeed or fail, connecting in, and feeding messages; what the speaker sends is kept with
 * the clock's time.
 */
final class FakeTransport implements Transport {
    final VirtualClock clock;
    Events events;
    InetSocketAddress listen;
    Map<InetAddress, byte[]> keys;
    final List<Conn> dials = new ArrayList<>();
    final List<Conn> accepted = new ArrayList<>();
    boolean closed;
    private int nextPort = 40000;

    FakeTransport(VirtualClock clock) {
        this.clock = clock;
    }

    @Override
    public void start(Events events, InetSocketAddress listen, Map<InetAddress, byte[]> md5Keys) {
        this.events = events;
        this.listen = listen;
        this.keys = md5Keys;
    }

    @Override
    public void md5Key(InetAddress peer, byte[] key) {
        java.util.Map<InetAddress, byte[]> m = new java.util.HashMap<>(keys);
        if (key == null) {
            m.remove(peer);
        } else {
            m.put(peer, key);
        }
        keys = m;
    }

    @Override
    public Connection connect(InetSocketAddress remote, InetAddress local, byte[] md5Key, Object attachment) {
        Conn c = new Conn(true, remote, new InetSocketAddress(local != null ? local : Addresses.parse("192.0.2.11",
                "local"), nextPort++), attachment);
        c.md5Key = md5Key;
        dials.add(c);
        return c;
    }

    @Override
    public CompletableFuture<Void> close() {
        closed = true;
        return CompletableFuture.completedFuture(null);
    }

    /** The latest dial. */
    Conn lastDial() {
        return dials.get(dials.size() - 1);
    }

    /** The peer at {@code remote} connects to the speaker's {@code local} address; the events run. */
    Conn connectIn(String remote, String local) {
        Conn c = new Conn(false, new InetSocketAddress(Addresses.parse(remote, "remote"), 50000 + accepted.size()),
                new InetSocketAddress(Addresses.parse(local, "local"), 179), null);
        accepted.add(c);
        events.accepted(c);
        clock.runDue();
        return c;
    }

    /** A message the speaker sent, with when. */
    record Sent(long nanos, Message message, byte[] bytes) {}

    final class Conn implements Connection {
        final boolean outgoing;
        final InetSocketAddress remote;
        final InetSocketAddress local;
        final List<Sent> sent = new ArrayList<>();
        byte[] md5Key;
        boolean closed;
        private Object attachment;

        Conn(boolean outgoing, InetSocketAddress remote, InetSocketAddress local, Object attachment) {
            this.outgoing = outgoing;
            this.remote = remote;
            this.local = local;
            this.attachment = attachment;
        }

        @Override
        public boolean outgoing() {
            return outgoing;
        }

        @Override
        public InetSocketAddress remote() {
            return remote;
        }

        @Override
        public InetSocketAddress local() {
            return local;
        }

        @Override
        public void send(ByteBuf messages) {
            if (closed) {
                throw new AssertionError("sent on a closed connection");
            }
            while (messages.isReadable()) {
                int n = Decoder.frameLength(messages);
                if (n <= 0) {
                    throw new AssertionError("the speaker sent a bad frame");
                }
                ByteBuf m = messages.readSlice(n);
                if (n > 4096) {
                    throw new AssertionError("message over 4096 bytes");
                }
                byte[] bytes = new byte[n];
                m.getBytes(m.readerIndex(), bytes);
                sent.add(new Sent(clock.nanos(), Decoder.decode(m, new Decoder.Options(true, false)), bytes));
            }
            messages.release();
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public Object attachment() {
            return attachment;
        }

        @Override
        public void attach(Object attachment) {
            this.attachment = attachment;
        }

        /** The dial succeeds; the events run. */
        void up() {
            events.connected(this);
            clock.runDue();
        }

        void fail() {
            events.connectFailed(this, "Connection refused");
            clock.runDue();
        }

        /** The peer sends this message; the events run. */
        void deliver(ByteBuf message) {
            events.received(this, message);
            clock.runDue();
        }

        /** The peer (or the network) closes the connection; the events run. */
        void peerCloses() {
            closed = true;
            events.closed(this, "closed by peer");
            clock.runDue();
        }

        List<Message> messages() {
            List<Message> out = new ArrayList<>();
            for (Sent s : sent) {
                out.add(s.message());
            }
            return out;
        }

        /** The messages sent of this class. */
        <T extends Message> List<T> sent(Class<T> type) {
            List<T> out = new ArrayList<>();
            for (Sent s : sent) {
                if (type.isInstance(s.message())) {
                    out.add(type.cast(s.message()));
                }
            }
            return out;
        }

        Message last() {
            return sent.get(sent.size() - 1).message();
        }
    }
}
