package io.lvs4j.bgp;

import io.lvs4j.bgp.internal.Encoder;
import io.lvs4j.bgp.internal.Message;
import io.lvs4j.bgp.internal.Update;
import io.lvs4j.internal.Addresses;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;

/** Messages a test peer sends. */
final class Peer {
    private Peer() {}

    static final List<Message.Family> BOTH = List.of(Message.Family.IPV4_UNICAST, Message.Family.IPV6_UNICAST);

    static ByteBuf open(long as, int holdSeconds, String id) {
        return open(as, holdSeconds, id, BOTH);
    }

    static ByteBuf open(long as, int holdSeconds, String id, List<Message.Family> families) {
        ByteBuf b = Unpooled.buffer();
        Encoder.writeOpen(b, as, holdSeconds, Addresses.toInt(Addresses.parse4(id, "id")), families);
        return b;
    }

    /** An OPEN with no capabilities at all (a 2-octet speaker with IPv4 only). */
    static ByteBuf oldOpen(int as, int holdSeconds, String id) {
        ByteBuf b = Unpooled.buffer();
        for (int i = 0; i < 16; i++) {
            b.writeByte(0xff);
        }
        b.writeShort(29).writeByte(1).writeByte(4).writeShort(as).writeShort(holdSeconds)
                .writeInt(Addresses.toInt(Addresses.parse4(id, "id"))).writeByte(0);
        return b;
    }

    static ByteBuf keepalive() {
        ByteBuf b = Unpooled.buffer();
        Encoder.writeKeepalive(b);
        return b;
    }

    static ByteBuf notification(int code, int subcode) {
        ByteBuf b = Unpooled.buffer();
        Encoder.writeNotification(b, code, subcode, new byte[0]);
        return b;
    }

    static ByteBuf update(Update u) {
        ByteBuf b = Unpooled.buffer();
        Encoder.writeUpdate(b, u, true);
        return b;
    }
}
