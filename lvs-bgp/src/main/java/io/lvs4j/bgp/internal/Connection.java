package io.lvs4j.bgp.internal;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/** One TCP connection of a {@link Transport}. Thread-safe. */
public interface Connection {
    /** Whether the speaker dialled it (else the peer did). */
    boolean outgoing();

    /** The peer's end. */
    InetSocketAddress remote();

    /** The speaker's end, once connected; else null. */
    InetSocketAddress local();

    /** Sends one or more whole messages; takes the buffer. */
    void send(ByteBuf messages);

    /** Closes after what was sent before is on its way. Idempotent. */
    void close();

    /** The owner's object (the session it belongs to). */
    Object attachment();

    void attach(Object attachment);
}
