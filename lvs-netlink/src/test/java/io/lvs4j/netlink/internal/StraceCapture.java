package io.lvs4j.netlink.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The netlink datagrams in an {@code strace -e write=3 -e read=3 -xx} capture of the real ipvsadm
 * inside User-Mode Linux (see {@code captures/capture-init.sh}). Peeking reads are left out.
 */
final class StraceCapture {
    record Datagram(boolean sent, byte[] bytes) {}

    private static final Pattern HEX = Pattern.compile("^ \\| [0-9a-f]{5}  ((?:[0-9a-f]{2} {1,2})+)");

    final List<Datagram> datagrams = new ArrayList<>();

    static StraceCapture load(String name) {
        try (InputStream in = StraceCapture.class.getResourceAsStream("/captures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no capture " + name);
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static StraceCapture parse(String text) {
        StraceCapture c = new StraceCapture();
        Boolean sent = null;
        boolean peek = false;
        java.io.ByteArrayOutputStream cur = null;
        for (String line : text.split("\n")) {
            Matcher m = HEX.matcher(line);
            if (m.find()) {
                if (cur != null) {
                    for (String h : m.group(1).trim().split(" +")) {
                        cur.write(Integer.parseInt(h, 16));
                    }
                }
                continue;
            }
            if (line.startsWith(" * ") && line.contains("bytes in buffer")) {
                continue;
            }
            if (cur != null && !peek) {
                c.datagrams.add(new Datagram(sent, cur.toByteArray()));
            }
            cur = null;
            if (line.contains(" sendmsg(")) {
                sent = true;
                peek = false;
                cur = new java.io.ByteArrayOutputStream();
            } else if (line.contains(" recvmsg(")) {
                sent = false;
                peek = line.contains("MSG_PEEK");
                cur = new java.io.ByteArrayOutputStream();
            }
        }
        if (cur != null && !peek) {
            c.datagrams.add(new Datagram(sent, cur.toByteArray()));
        }
        return c;
    }

    /** The n-th sent datagram whose netlink type is {@code type} (0 = first). */
    byte[] sent(int type, int n) {
        return pick(true, type, n);
    }

    byte[] received(int type, int n) {
        return pick(false, type, n);
    }

    List<byte[]> allReceived() {
        List<byte[]> out = new ArrayList<>();
        for (Datagram d : datagrams) {
            if (!d.sent()) {
                out.add(d.bytes());
            }
        }
        return out;
    }

    private byte[] pick(boolean sent, int type, int n) {
        int seen = 0;
        for (Datagram d : datagrams) {
            if (d.sent() == sent && d.bytes().length >= 6 && ((d.bytes()[4] & 0xff) | (d.bytes()[5] & 0xff) << 8) == type) {
                if (seen++ == n) {
                    return d.bytes();
                }
            }
        }
        throw new AssertionError("capture has no " + (sent ? "sent" : "received") + " datagram #" + n + " of type " + type);
    }
}
