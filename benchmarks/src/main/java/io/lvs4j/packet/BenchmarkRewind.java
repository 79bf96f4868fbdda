package io.lvs4j.packet;

import io.netty.buffer.ByteBuf;

/**
 * Benchmark-only access to {@link PacketHeaders}' offsets (this class shares the package on the
 * benchmarks' class path): puts a parsed bare IP packet that was encapsulated in place back to its
 * parsed state. Encapsulation writes only the headroom in front of the packet and moves the reader
 * index and the header offsets, so restoring those three values gives the next operation the same
 * inner packet, without a re-parse.
 */
public final class BenchmarkRewind {
    private BenchmarkRewind() {
    }

    /** Restores the reader index and the parsed IP offset and length of a bare IP packet. */
    public static void rewindIp(PacketHeaders h, ByteBuf b, int ipOffset, int ipLength) {
        b.readerIndex(ipOffset);
        h.ipOffset = ipOffset;
        h.ipLength = ipLength;
    }
}
