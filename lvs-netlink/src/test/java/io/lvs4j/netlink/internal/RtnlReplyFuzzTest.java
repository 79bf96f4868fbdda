package io.lvs4j.netlink.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Feeds arbitrary datagrams to the rtnetlink decoders (addresses, links, errors). Only
 * {@link NetlinkFormatException} may escape. Seeds: the 6.18 kernel's RTM_NEWADDR and RTM_NEWLINK
 * replies of {@link RtnlCodecGoldenTest}; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class RtnlReplyFuzzTest {
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
            } else if (m.type == RtnlCodec.RTM_NEWADDR || m.type == RtnlCodec.RTM_DELADDR) {
                RtnlCodec.parseAddress(m);
            } else if (m.type == RtnlCodec.RTM_NEWLINK || m.type == RtnlCodec.RTM_DELLINK) {
                RtnlCodec.parseLink(m);
            }
        }
    }
}
