package io.lvs4j.forwarder;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Test frames for a socket-less {@link Dataplane}: a client's TCP segment to the virtual service. */
public final class ClientSegments {
    /** The director's MAC the segments are sent to. */
    public static final long OUR_MAC = 0x02_00_00_00_00_01L;
    /** The client's MAC they come from. */
    public static final long CLIENT_MAC = 0x02_00_00_00_00_02L;

    private ClientSegments() {
    }

    /**
     * A TCP segment 203.0.113.2:{@code port} to 192.0.2.10:80 (sequence 1, no payload, IP header
     * checksum set) in an Ethernet frame from {@link #CLIENT_MAC} to {@link #OUR_MAC}, after
     * {@code headroom} bytes (the reader index is at the frame).
     */
    public static ByteBuf segment(int headroom, int port, int flags) {
        ByteBuf b = Unpooled.buffer(headroom + 54);
        b.writerIndex(headroom).readerIndex(headroom);
        b.writeShort((int) (OUR_MAC >>> 32)).writeInt((int) OUR_MAC);
        b.writeShort((int) (CLIENT_MAC >>> 32)).writeInt((int) CLIENT_MAC);
        b.writeShort(0x0800);
        int ip = b.writerIndex();
        b.writeByte(0x45).writeByte(0).writeShort(40).writeShort(1).writeShort(0x4000).writeByte(64).writeByte(6)
                .writeShort(0).writeInt(0xCB007102).writeInt(0xC000020A);
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += b.getUnsignedShort(ip + i);
        }
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        b.setShort(ip + 10, ~sum & 0xFFFF);
        b.writeShort(port).writeShort(80).writeInt(1).writeInt(0).writeByte(0x50).writeByte(flags).writeShort(65535)
                .writeShort(0).writeShort(0);
        return b;
    }
}
