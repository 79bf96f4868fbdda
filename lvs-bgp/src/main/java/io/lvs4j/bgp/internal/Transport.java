package io.lvs4j.bgp.internal;

import io.lvs4j.netlink.InterfaceException;
import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * The TCP side of a speaker: a listener for the peers' connections and the speaker's own dials,
 * delivering whole BGP messages. Events come on the transport's threads; the speaker hands them to
 * its scheduler.
 */
public interface Transport {
    /** What the transport reports, on its own threads, in order per connection. */
    interface Events {
        /** A peer's connection came up. */
        void accepted(Connection c);

        /** The speaker's own connection came up. */
        void connected(Connection c);

        /** The speaker's own connection could not be made. */
        void connectFailed(Connection c, String cause);

        /**
         * One message (framed by {@link Decoder#frameLength}), or the 19 bytes of a bad header, after
         * which nothing more is read. The buffer is the callee's, on the heap, needing no release.
         */
        void received(Connection c, ByteBuf message);

        /** The connection closed (by either side, or by an error). */
        void closed(Connection c, String cause);
    }

    /**
     * Starts: listens on {@code listen} (null: no listener), with TCP MD5 keys for these peers on
     * the listening socket.
     */
    void start(Events events, InetSocketAddress listen, Map<InetAddress, byte[]> md5Keys) throws InterfaceException;

    /**
     * Sets the TCP MD5 key for {@code peer} on the listening socket ({@code key} null: removes
     * it); nothing without a listener. For a neighbour added or changed while running.
     */
    void md5Key(InetAddress peer, byte[] key) throws InterfaceException;

    /**
     * Dials {@code remote} from {@code local} (null: the kernel's choice), signing with
     * {@code md5Key} if not null; the connection carries {@code attachment} from the start.
     */
    Connection connect(InetSocketAddress remote, InetAddress local, byte[] md5Key, Object attachment);

    /**
     * Closes the listener and every connection (after what they were given to send) and stops the
     * threads; the future completes when they have stopped.
     */
    java.util.concurrent.CompletableFuture<Void> close();
}
