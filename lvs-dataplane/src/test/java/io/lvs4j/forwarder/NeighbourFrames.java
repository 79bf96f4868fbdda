package io.lvs4j.forwarder;

import io.netty.buffer.ByteBufUtil;

/**
 * Golden ARP and neighbour discovery frames, written by hand field by field from the RFCs (RFC 826
 * for ARP over Ethernet, RFC 8200 for the IPv6 header, RFC 4861 4.3/4.4/4.6.1 for solicitations,
 * advertisements and their link-layer address options, RFC 4443 2.3 for the ICMPv6 checksum,
 * worked out by hand and confirmed by {@code tcpdump -vv} reading them from a pcap: "[icmp6 sum
 * ok]"), never by the encoder under test. The setting: a director 02:00:00:00:00:01 with
 * 198.51.100.1/24 and 2001:db8::1/64, a real server 02:00:00:00:00:02 at 198.51.100.11 and
 * 2001:db8::11. The edits the tests make to them recompute the checksum here ({@link #withChecksum}),
 * not with the code under test.
 */
final class NeighbourFrames {
    private NeighbourFrames() {}

    static final long DIRECTOR_MAC = 0x02_00_00_00_00_01L;
    static final long SERVER_MAC = 0x02_00_00_00_00_02L;
    static final long OTHER_MAC = 0x02_00_00_00_00_66L;

    /** Fields in hex, spaces between them for the reader. */
    private static String fields(String... f) {
        return String.join("", f).replace(" ", "");
    }

    /** The director asks who has 198.51.100.11 (RFC 826 request, Ethernet broadcast): 42 bytes. */
    static final String ARP_REQUEST = fields(
            "ff ff ff ff ff ff", "02 00 00 00 00 01", "08 06", // Ethernet: broadcast, director, ARP
            "00 01", "08 00", "06", "04", // ar$hrd Ethernet, ar$pro IPv4, ar$hln 6, ar$pln 4
            "00 01", // ar$op REQUEST
            "02 00 00 00 00 01", "c6 33 64 01", // ar$sha, ar$spa 198.51.100.1
            "00 00 00 00 00 00", "c6 33 64 0b"); // ar$tha unknown, ar$tpa 198.51.100.11
    /** The real server's reply to the director: 198.51.100.11 is at 02:00:00:00:00:02 (RFC 826). */
    static final String ARP_REPLY = fields(
            "02 00 00 00 00 01", "02 00 00 00 00 02", "08 06", // Ethernet: to the director, from the server
            "00 01", "08 00", "06", "04",
            "00 02", // ar$op REPLY
            "02 00 00 00 00 02", "c6 33 64 0b", // ar$sha, ar$spa 198.51.100.11
            "02 00 00 00 00 01", "c6 33 64 01"); // ar$tha, ar$tpa: the director
    /** The director solicits 2001:db8::11 at its solicited-node group ff02::1:ff00:11 (RFC 4861 4.3). */
    static final String NS = fields(
            "33 33 ff 00 00 11", "02 00 00 00 00 01", "86 dd", // Ethernet: 33:33 + the group's low 32 bits
            "60 00 00 00", "00 20", "3a", "ff", // IPv6: version 6, payload 32, ICMPv6, hop limit 255
            "2001 0db8 0000 0000 0000 0000 0000 0001", // source 2001:db8::1
            "ff02 0000 0000 0000 0000 0001 ff00 0011", // destination ff02::1:ff00:11
            "87", "00", "1c 09", "00 00 00 00", // type 135, code 0, checksum, reserved
            "2001 0db8 0000 0000 0000 0000 0000 0011", // target 2001:db8::11
            "01", "01", "02 00 00 00 00 01"); // source link-layer address option, 1 x 8 bytes
    /** The real server's advertisement to the director: solicited, override, target 02:00:00:00:00:02 (4.4). */
    static final String NA = fields(
            "02 00 00 00 00 01", "02 00 00 00 00 02", "86 dd",
            "60 00 00 00", "00 20", "3a", "ff",
            "2001 0db8 0000 0000 0000 0000 0000 0011", // source 2001:db8::11
            "2001 0db8 0000 0000 0000 0000 0000 0001", // destination 2001:db8::1
            "88", "00", "8a 53", "60 00 00 00", // type 136, code 0, checksum, flags R=0 S=1 O=1
            "2001 0db8 0000 0000 0000 0000 0000 0011", // target 2001:db8::11
            "02", "01", "02 00 00 00 00 02"); // target link-layer address option, 1 x 8 bytes
    /**
     * Duplicate address detection for fe80::ff:fe00:1 (RFC 4862 5.4.2: from the unspecified address
     * to the solicited-node group, no source link-layer address option) with a nonce option (RFC 7527).
     */
    static final String DAD_NS = fields(
            "33 33 ff 00 00 01", "02 00 00 00 00 01", "86 dd",
            "60 00 00 00", "00 20", "3a", "ff",
            "0000 0000 0000 0000 0000 0000 0000 0000", // source ::
            "ff02 0000 0000 0000 0000 0001 ff00 0001", // destination ff02::1:ff00:1
            "87", "00", "17 05", "00 00 00 00",
            "fe80 0000 0000 0000 0000 00ff fe00 0001", // target fe80::ff:fe00:1
            "0e", "01", "a7 fc a2 e4 0d 36"); // nonce option, 1 x 8 bytes

    static byte[] hex(String s) {
        return ByteBufUtil.decodeHexDump(s);
    }

    static void putMac(byte[] f, int at, long mac) {
        for (int i = 0; i < 6; i++) {
            f[at + i] = (byte) (mac >>> (40 - 8 * i));
        }
    }

    static void putInt(byte[] f, int at, int v) {
        for (int i = 0; i < 4; i++) {
            f[at + i] = (byte) (v >>> (24 - 8 * i));
        }
    }

    /** An ARP frame: Ethernet {@code ethSrc} to {@code ethDst}, operation, sender and target. */
    static byte[] arp(long ethDst, long ethSrc, int op, long sha, int spa, long tha, int tpa) {
        byte[] f = hex(ARP_REQUEST);
        putMac(f, 0, ethDst);
        putMac(f, 6, ethSrc);
        f[21] = (byte) op;
        putMac(f, 22, sha);
        putInt(f, 28, spa);
        putMac(f, 32, tha);
        putInt(f, 38, tpa);
        return f;
    }

    /** Sets the ICMPv6 checksum of an Ethernet/IPv6/ICMPv6 frame: RFC 4443 2.3, written out plainly. */
    static byte[] withChecksum(byte[] f) {
        int payload = (f[18] & 0xFF) << 8 | f[19] & 0xFF;
        f[56] = 0;
        f[57] = 0;
        long sum = 0;
        for (int i = 22; i < 54; i += 2) { // source and destination addresses
            sum += (f[i] & 0xFF) << 8 | f[i + 1] & 0xFF;
        }
        sum += payload;
        sum += 58;
        for (int i = 0; i < payload; i++) {
            sum += (i % 2 == 0 ? (f[54 + i] & 0xFF) << 8 : f[54 + i] & 0xFF);
        }
        while (sum > 0xFFFF) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        int c = (int) (~sum & 0xFFFF);
        f[56] = (byte) (c >>> 8);
        f[57] = (byte) c;
        return f;
    }
}
