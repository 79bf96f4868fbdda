package io.lvs4j.netlink.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Feeds arbitrary datagrams to every reply decoder. Only {@link NetlinkFormatException}, the
 * documented one, may escape; anything else (an IndexOutOfBounds, an NPE, a hang) fails. Under
 * {@code mvn test} it replays its seeds (real kernel replies from the UML captures) and any
 * findings; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class ReplyParserFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void decode_anyDatagram_onlyFormatException(byte[] datagram) {
        try {
            decodeAll(Unpooled.wrappedBuffer(datagram));
        } catch (NetlinkFormatException expected) {
            // the documented outcome for malformed input
        }
    }

    static void decodeAll(ByteBuf datagram) {
        int guard = 0;
        while (datagram.isReadable()) {
            if (++guard > datagram.capacity() + 1) {
                throw new AssertionError("no progress");
            }
            NlMessage m = NlMessage.next(datagram);
            if (m.type == Nl.NLMSG_ERROR) {
                NlError.parse(m);
            } else if (m.type == Nl.GENL_ID_CTRL) {
                IpvsCodec.readFamily(m);
            } else if (m.type >= 0x10) {
                int cmd = m.genlCommand();
                if (cmd == IpvsProto.CMD_SET_INFO) {
                    IpvsCodec.readInfo(m);
                    continue;
                }
                NlAttrs top = IpvsCodec.top(m);
                switch (cmd % 4) {
                    case 0: IpvsCodec.readService(top); break;
                    case 1: IpvsCodec.readDest(top, 2); break;
                    case 2: IpvsCodec.readDaemon(top); break;
                    default: IpvsCodec.readTimeouts(top); break;
                }
            }
        }
    }
}
