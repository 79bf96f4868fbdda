package io.lvs4j.bgp.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * BGP messages captured from real BIRD 2 and FRR sessions ({@code captures/*.txt}, made with
 * {@code captures/pcap2bgp.py} from tcpdump files): each line {@code from=ADDR:PORT type=T hex=...}.
 */
final class Captures {
    private Captures() {}

    record Captured(String from, String type, byte[] bytes) {
        ByteBuf buf() {
            return Unpooled.wrappedBuffer(bytes);
        }

        String hex() {
            return ByteBufUtil.hexDump(bytes);
        }
    }

    static List<Captured> load(String name) {
        try (InputStream in = Captures.class.getResourceAsStream("captures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no capture " + name);
            }
            List<Captured> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split(" ");
                out.add(new Captured(f[0].substring(5), f[1].substring(5), ByteBufUtil.decodeHexDump(f[2].substring(4))));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The messages of one type sent by the speaker at {@code fromAddress} (any port), in order. */
    static List<Captured> from(String name, String fromAddress, String type) {
        List<Captured> out = new ArrayList<>();
        for (Captured c : load(name)) {
            if (c.from().startsWith(fromAddress + ":") && c.type().equals(type)) {
                out.add(c);
            }
        }
        return out;
    }
}
