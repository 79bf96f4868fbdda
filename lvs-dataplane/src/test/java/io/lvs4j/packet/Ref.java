package io.lvs4j.packet;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * Straightforward reference packet builders and checksums for the tests, written from the RFCs
 * (791, 793, 768, 8200, 4443, 4960) independently of the code under test.
 */
final class Ref {
    private Ref() {
    }

    static byte[] a4(String dotted) {
        String[] p = dotted.split("\\.");
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            b[i] = (byte) Integer.parseInt(p[i]);
        }
        return b;
    }

    static int v4(String dotted) {
        return ByteBuffer.wrap(a4(dotted)).getInt();
    }

    /** 16-byte address from {hi, lo}. */
    static byte[] a6(long hi, long lo) {
        return ByteBuffer.allocate(16).putLong(hi).putLong(lo).array();
    }

    /** RFC 1071 checksum over the concatenation of the parts, word by word. */
    static int checksum(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            all.writeBytes(p);
        }
        byte[] d = all.toByteArray();
        long sum = 0;
        for (int i = 0; i < d.length; i += 2) {
            int hi = d[i] & 0xFF;
            int lo = i + 1 < d.length ? d[i + 1] & 0xFF : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    static byte[] slice(byte[] b, int from, int len) {
        byte[] r = new byte[len];
        System.arraycopy(b, from, r, 0, len);
        return r;
    }

    static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }

    static void put16(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    static byte[] tcp(int sport, int dport, int flags, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(20 + payload.length);
        b.putShort((short) sport).putShort((short) dport).putInt(1000).putInt(0);
        b.put((byte) 0x50).put((byte) flags).putShort((short) 0xFFFF).putShort((short) 0).putShort((short) 0);
        b.put(payload);
        return b.array();
    }

    static byte[] udp(int sport, int dport, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
        b.putShort((short) sport).putShort((short) dport).putShort((short) (8 + payload.length)).putShort((short) 0);
        b.put(payload);
        return b.array();
    }

    /** SCTP common header plus one chunk of that type with a 4-byte value. */
    static byte[] sctp(int sport, int dport, int chunkType) {
        ByteBuffer b = ByteBuffer.allocate(12 + 8);
        b.putShort((short) sport).putShort((short) dport).putInt(0xCAFEBABE).putInt(0);
        b.put((byte) chunkType).put((byte) 0).putShort((short) 8).putInt(0x01020304);
        byte[] a = b.array();
        int crc = crc32c(a);
        a[8] = (byte) crc;
        a[9] = (byte) (crc >>> 8);
        a[10] = (byte) (crc >>> 16);
        a[11] = (byte) (crc >>> 24);
        return a;
    }

    /** Bitwise CRC32c (Castagnoli, reflected polynomial 0x82F63B78). */
    static int crc32c(byte[] d) {
        int crc = ~0;
        for (byte x : d) {
            crc ^= x & 0xFF;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x82F63B78 : crc >>> 1;
            }
        }
        return ~crc;
    }

    static boolean sctpVerifies(byte[] l4) {
        byte[] c = l4.clone();
        int stored = (c[8] & 0xFF) | (c[9] & 0xFF) << 8 | (c[10] & 0xFF) << 16 | (c[11] & 0xFF) << 24;
        c[8] = c[9] = c[10] = c[11] = 0;
        return crc32c(c) == stored;
    }

    /** An IPv4 packet with a correct header checksum and, for TCP/UDP/ICMP, transport checksum. */
    static byte[] ipv4(int proto, String src, String dst, byte[] l4) {
        l4 = l4.clone();
        byte[] s = a4(src);
        byte[] d = a4(dst);
        if (proto == 6 || proto == 17) {
            int at = proto == 6 ? 16 : 6;
            byte[] pseudo = ByteBuffer.allocate(12).put(s).put(d).put((byte) 0).put((byte) proto)
                    .putShort((short) l4.length).array();
            int c = checksum(pseudo, l4);
            put16(l4, at, proto == 17 && c == 0 ? 0xFFFF : c);
        } else if (proto == 1) {
            put16(l4, 2, checksum(l4));
        }
        ByteBuffer h = ByteBuffer.allocate(20 + l4.length);
        h.put((byte) 0x45).put((byte) 0).putShort((short) (20 + l4.length)).putShort((short) 0x1234)
                .putShort((short) 0x4000).put((byte) 64).put((byte) proto).putShort((short) 0).put(s).put(d).put(l4);
        byte[] p = h.array();
        put16(p, 10, checksum(slice(p, 0, 20)));
        return p;
    }

    static byte[] ipv6(int proto, long sHi, long sLo, long dHi, long dLo, byte[] l4) {
        l4 = l4.clone();
        byte[] s = a6(sHi, sLo);
        byte[] d = a6(dHi, dLo);
        int at = proto == 6 ? 16 : proto == 17 ? 6 : proto == 58 ? 2 : -1;
        if (at >= 0) {
            int c = checksum(pseudo6(s, d, l4.length, proto), l4);
            put16(l4, at, proto == 17 && c == 0 ? 0xFFFF : c);
        }
        ByteBuffer h = ByteBuffer.allocate(40 + l4.length);
        h.putInt(0x60000000).putShort((short) l4.length).put((byte) proto).put((byte) 64).put(s).put(d).put(l4);
        return h.array();
    }

    static byte[] pseudo6(byte[] s, byte[] d, int len, int proto) {
        return ByteBuffer.allocate(40).put(s).put(d).putInt(len).putInt(proto).array();
    }

    static byte[] ethernet(long dst, long src, int type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + payload.length);
        b.putShort((short) (dst >>> 32)).putInt((int) dst).putShort((short) (src >>> 32)).putInt((int) src)
                .putShort((short) type).put(payload);
        return b.array();
    }

    /** Whether an IPv4 packet's header and transport checksums verify from scratch. */
    static boolean ipv4Verifies(byte[] p) {
        if (checksum(slice(p, 0, 20)) != 0) {
            return false;
        }
        int proto = p[9] & 0xFF;
        byte[] l4 = slice(p, 20, u16(p, 2) - 20);
        if (proto == 6 || proto == 17) {
            if (proto == 17 && u16(l4, 6) == 0) {
                return true;
            }
            byte[] pseudo = ByteBuffer.allocate(12).put(slice(p, 12, 8)).put((byte) 0).put((byte) proto)
                    .putShort((short) l4.length).array();
            return checksum(pseudo, l4) == 0;
        }
        if (proto == 1) {
            return checksum(l4) == 0;
        }
        if (proto == 132) {
            return sctpVerifies(l4);
        }
        return true;
    }

    static boolean ipv6Verifies(byte[] p) {
        int proto = p[6] & 0xFF;
        byte[] l4 = slice(p, 40, u16(p, 4));
        if (proto == 132) {
            return sctpVerifies(l4);
        }
        return checksum(pseudo6(slice(p, 8, 16), slice(p, 24, 16), l4.length, proto), l4) == 0;
    }

    static byte[] hex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }
}
