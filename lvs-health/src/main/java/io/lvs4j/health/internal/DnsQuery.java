package io.lvs4j.health.internal;

import io.lvs4j.internal.Preconditions;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/** A minimal DNS query (RFC 1035 4.1) written by hand, and the checks of its reply's header. */
public final class DnsQuery {
    public static final List<String> TYPES = List.of("A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA");
    private static final int[] CODES = {1, 2, 5, 6, 15, 16, 28};

    private DnsQuery() {}

    public static int typeCode(String type) {
        Preconditions.checkNotNull(type, "type");
        int i = TYPES.indexOf(type.toUpperCase(Locale.ROOT));
        Preconditions.checkArgument(i >= 0, "type", type, Preconditions.oneOf(TYPES));
        return CODES[i];
    }

    /** Header (id, RD, one question), the name as labels, the type, class IN. */
    public static byte[] encode(int id, int type, String name) {
        Preconditions.checkNotNull(name, "name");
        ByteArrayOutputStream out = new ByteArrayOutputStream(32 + name.length());
        out.write(id >> 8);
        out.write(id);
        out.write(0x01); // RD
        out.write(0x00);
        out.write(0);
        out.write(1); // QDCOUNT
        for (int i = 0; i < 6; i++) {
            out.write(0); // AN, NS, AR counts
        }
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        int total = 1;
        if (!n.isEmpty()) {
            for (String label : n.split("\\.", -1)) {
                byte[] b = label.getBytes(StandardCharsets.US_ASCII);
                Preconditions.checkArgument(b.length >= 1 && b.length <= 63 && label.chars().allMatch(c -> c > 0x20 && c < 0x7f),
                        "name", name, "a domain name of labels 1..63 printable ASCII characters");
                out.write(b.length);
                out.write(b, 0, b.length);
                total += 1 + b.length;
            }
        }
        Preconditions.checkArgument(total <= 255, "name", name, "at most 255 bytes encoded");
        out.write(0);
        out.write(type >> 8);
        out.write(type);
        out.write(0);
        out.write(1); // class IN
        return out.toByteArray();
    }

    /** Null when the reply is a good answer to query {@code id}, else why not. */
    public static String checkReply(byte[] reply, int id) {
        if (reply.length < 12) {
            return "reply of " + reply.length + " bytes (expected: a DNS header of 12)";
        }
        int rid = (reply[0] & 0xff) << 8 | (reply[1] & 0xff);
        if (rid != id) {
            return "reply id " + rid + " (expected: " + id + ")";
        }
        if ((reply[2] & 0x80) == 0) {
            return "not a response (QR bit clear)";
        }
        int rcode = reply[3] & 0x0f;
        if (rcode != 0) {
            return "rcode " + rcode + " (expected: 0)";
        }
        return null;
    }
}
