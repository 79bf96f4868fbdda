package io.lvs4j.vrrp.internal;

import io.lvs4j.vrrp.DropReason;
import io.lvs4j.vrrp.spi.Ipv6Ancillary;
import io.netty.buffer.ByteBuf;
import java.security.GeneralSecurityException;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encodes and decodes the advertisements of one VRRP instance, and keeps the per-instance state the
 * wire format needs (IPv4 identification, AH sequence numbers, the HMAC). Not thread-safe.
 *
 * <p>Layouts: IPv4 header (RFC 791) + [AH (RFC 2402), as keepalived: SPI = source address, HMAC-MD5-96
 * over the IPv4 header with TOS, fragment offset, checksum (and TTL when unicast) zeroed, the AH header
 * with a zero ICV, and the VRRP packet] + VRRP (RFC 3768 5.1 / RFC 5798 5.1). For IPv6 only the VRRP
 * part is encoded or decoded; addresses and hop limit travel beside it.
 */
public final class AdvertCodec {
    public static final int PROTO_VRRP = 112;
    public static final int PROTO_AH = 51;
    public static final int AUTH_NONE = 0;
    public static final int AUTH_PASS = 1;
    public static final int AUTH_AH = 2;
    static final int AH_LENGTH = 24;
    static final int AUTH_DATA_LENGTH = 8;
    static final int IPV4_TOS = 0xc0;
    static final int ETHERNET_MIN_PAYLOAD = 46;

    /**
     * The settings of the instance the codec serves. {@code key} is the 8-byte, zero-padded password.
     * {@code peerTtls} holds, for each of {@code peers}, its TTL (hop limit) bounds as
     * {@code min << 8 | max}. {@code unicastTtl} is the TTL of IPv4 unicast adverts (1..255; multicast
     * ones carry 255); IPv6's hop limit is the socket's.
     */
    public record Config(boolean ipv6, int version, int vrid, int intervalCentis, int authType, byte[] key,
            byte[] source, byte[] addresses, boolean unicast, List<byte[]> peers, int[] peerTtls, int unicastTtl) {
        public Config {
            if (peerTtls.length != peers.size()) {
                throw new IllegalArgumentException("peerTtls: " + peerTtls.length + " (expected: one per peer)");
            }
            if (unicastTtl < 1 || unicastTtl > 255) {
                throw new IllegalArgumentException("unicastTtl: " + unicastTtl + " (expected: 1..255)");
            }
        }

        /** Unicast adverts with TTL 255. */
        public Config(boolean ipv6, int version, int vrid, int intervalCentis, int authType, byte[] key,
                byte[] source, byte[] addresses, boolean unicast, List<byte[]> peers, int[] peerTtls) {
            this(ipv6, version, vrid, intervalCentis, authType, key, source, addresses, unicast, peers, peerTtls, 255);
        }

        /** Peers that accept any TTL. */
        public Config(boolean ipv6, int version, int vrid, int intervalCentis, int authType, byte[] key,
                byte[] source, byte[] addresses, boolean unicast, List<byte[]> peers) {
            this(ipv6, version, vrid, intervalCentis, authType, key, source, addresses, unicast, peers,
                    anyTtl(peers.size()));
        }

        private static int[] anyTtl(int n) {
            int[] t = new int[n];
            java.util.Arrays.fill(t, 255);
            return t;
        }
    }

    private final Config config;
    private final int addressLength;
    private final Mac mac;
    private final byte[] scratch = new byte[60 + AH_LENGTH + 8 + 255 * 16 + AUTH_DATA_LENGTH];
    private final byte[] digest = new byte[16];
    private final byte[] received = new byte[16];
    private int ipId;
    /**
     * The AH sequence counter, one per instance for sending and receiving, as keepalived keeps it:
     * the highest sequence number sent or accepted. A router that restarts from 0 takes the
     * segment's counter from the first advert it accepts, so what it sends next is newer than
     * anything its peers accepted before, and its peers accept it (issue 16, point 6).
     */
    private long ahCounter;
    /** The counter reached 0xFFFFFFFE: sending stops counting until a reset on becoming master. */
    private boolean ahCycled;

    public AdvertCodec(Config config) {
        this.config = config;
        this.addressLength = config.ipv6() ? 16 : 4;
        if (config.authType() == AUTH_AH) {
            try {
                mac = Mac.getInstance("HmacMD5");
                mac.init(new SecretKeySpec(config.key(), "HmacMD5"));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacMD5 unavailable: " + e.getMessage(), e);
            }
        } else {
            mac = null;
        }
    }

    public Config config() {
        return config;
    }

    /** Sets the next IPv4 identification (it is incremented before use, skipping 0). */
    public void ipId(int id) {
        this.ipId = id;
    }

    /** Sets the AH sequence counter: the next packet sent carries one more; one received must carry more. */
    public void txSequence(long sequence) {
        this.ahCounter = sequence;
    }

    /** The AH sequence counter: the highest sequence number sent or accepted. */
    public long ahCounter() {
        return ahCounter;
    }

    /**
     * The router becomes master: a counter that reached its end starts again from 0 (keepalived
     * resets the anti-replay state only then).
     */
    public void becomingMaster() {
        if (ahCycled) {
            ahCycled = false;
            ahCounter = 0;
        }
    }

    /** A backup accepted an AH advert: its counter is the master's again, no longer at its end. */
    public void acceptedAsBackup() {
        ahCycled = false;
    }

    /** VRRP part length: 8 + addresses (+ 8 authentication bytes for v2). */
    int vrrpLength() {
        return 8 + config.addresses().length + (config.version() == 2 ? AUTH_DATA_LENGTH : 0);
    }

    /**
     * Writes one advertisement with {@code priority} to {@code destination} (4 or 16 bytes) at the
     * writer index: for IPv4 the whole IP packet (as sent with IP_HDRINCL), for IPv6 the VRRP part.
     */
    public void encode(ByteBuf out, int priority, byte[] destination) {
        int vrrpLength = vrrpLength();
        if (config.ipv6()) {
            int start = out.writerIndex();
            writeVrrp(out, priority);
            long sum = Checksum.add(0, config.source());
            sum = Checksum.add(sum, destination);
            sum += vrrpLength + PROTO_VRRP;
            out.setShort(start + 6, Checksum.finish(Checksum.add(sum, out, start, vrrpLength)));
            return;
        }
        boolean ah = config.authType() == AUTH_AH;
        int ip = out.writerIndex();
        int total = 20 + (ah ? AH_LENGTH : 0) + vrrpLength;
        if (++ipId > 0xffff) {
            ipId = 1;
        }
        out.writeByte(0x45);
        out.writeByte(IPV4_TOS);
        out.writeShort(total);
        out.writeShort(ipId);
        out.writeShort(0);
        out.writeByte(config.unicast() ? config.unicastTtl() : 255);
        out.writeByte(ah ? PROTO_AH : PROTO_VRRP);
        out.writeShort(0);
        out.writeBytes(config.source());
        out.writeBytes(destination);
        int ahStart = out.writerIndex();
        if (ah) {
            if (ahCounter > 0xFFFFFFFDL) {
                ahCycled = true; // keepalived stops counting here rather than wrap
            } else {
                ahCounter++;
            }
            out.writeByte(PROTO_VRRP);
            out.writeByte(4);
            out.writeShort(0);
            out.writeBytes(config.source());
            out.writeInt((int) ahCounter);
            out.writeZero(12);
        }
        int vrrp = out.writerIndex();
        writeVrrp(out, priority);
        long sum = 0;
        if (config.version() == 3) {
            sum = Checksum.add(sum, config.source());
            sum = Checksum.add(sum, destination);
            sum += PROTO_VRRP + vrrpLength;
        }
        out.setShort(vrrp + 6, Checksum.finish(Checksum.add(sum, out, vrrp, vrrpLength)));
        if (ah) {
            computeIcv(out, ip, 20, ahStart, ip + total);
            out.setBytes(ahStart + 12, digest, 0, 12);
        }
        out.setShort(ip + 10, Checksum.finish(Checksum.add(0, out, ip, 20)));
    }

    private void writeVrrp(ByteBuf out, int priority) {
        out.writeByte(config.version() << 4 | 1);
        out.writeByte(config.vrid());
        out.writeByte(priority);
        out.writeByte(config.addresses().length / addressLength);
        if (config.version() == 2) {
            out.writeByte(config.authType());
            out.writeByte(config.intervalCentis() / 100);
        } else {
            out.writeShort(config.intervalCentis() & 0x0fff);
        }
        out.writeShort(0);
        out.writeBytes(config.addresses());
        if (config.version() == 2) {
            if (config.authType() == AUTH_PASS) {
                out.writeBytes(config.key());
            } else {
                out.writeZero(AUTH_DATA_LENGTH);
            }
        }
    }

    /** HMAC-MD5 over the IP header (mutable fields zeroed), the AH header with a zero ICV, and the rest. */
    private void computeIcv(ByteBuf buf, int ip, int ihl, int ahStart, int end) {
        int length = end - ip;
        buf.getBytes(ip, scratch, 0, length);
        scratch[1] = 0; // TOS
        scratch[6] = 0; // flags + fragment offset
        scratch[7] = 0;
        scratch[10] = 0; // header checksum
        scratch[11] = 0;
        if (config.unicast()) {
            scratch[8] = 0; // TTL
        }
        int icv = ahStart - ip + 12;
        for (int i = 0; i < 12; i++) {
            scratch[icv + i] = 0;
        }
        mac.update(scratch, 0, length);
        try {
            mac.doFinal(digest, 0);
        } catch (javax.crypto.ShortBufferException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Decodes {@code packet} (readable bytes: for IPv4 the IP packet as a raw socket delivers it, for
     * IPv6 the VRRP part with {@code ancillary}) into {@code out}. Returns null when the packet passed
     * every check, else why it was dropped. Never throws for any input bytes.
     */
    public DropReason decode(ByteBuf packet, Ipv6Ancillary ancillary, Advert out) {
        int start = packet.readerIndex();
        int length = packet.readableBytes();
        out.addressLength = addressLength;
        int vrrp;
        int vrrpAvailable;
        int ahStart = -1;
        int ihl = 0;
        if (config.ipv6()) {
            if (ancillary == null) {
                return DropReason.MISSING_ANCILLARY_DATA;
            }
            vrrp = start;
            vrrpAvailable = length;
            out.ttl = ancillary.hopLimit();
            byte[] s = ancillary.source().getAddress();
            byte[] d = ancillary.destination().getAddress();
            System.arraycopy(s, 0, out.source, 0, 16);
            System.arraycopy(d, 0, out.destination, 0, 16);
        } else {
            if (length < 20) {
                return DropReason.TRUNCATED;
            }
            int vihl = packet.getUnsignedByte(start);
            ihl = (vihl & 0x0f) * 4;
            if (vihl >>> 4 != 4 || ihl < 20) {
                return DropReason.MALFORMED_IP_HEADER;
            }
            int total = packet.getUnsignedShort(start + 2);
            // a raw socket gives exactly tot_len bytes; AF_PACKET may add Ethernet padding
            if (total < ihl || total > length || (total != length && length > ETHERNET_MIN_PAYLOAD)) {
                return DropReason.MALFORMED_IP_HEADER;
            }
            length = total;
            out.ttl = packet.getUnsignedByte(start + 8);
            packet.getBytes(start + 12, out.source, 0, 4);
            packet.getBytes(start + 16, out.destination, 0, 4);
            int protocol = packet.getUnsignedByte(start + 9);
            vrrp = start + ihl;
            if (protocol == PROTO_AH) {
                if (length < ihl + AH_LENGTH) {
                    return DropReason.TRUNCATED;
                }
                if (packet.getUnsignedByte(vrrp) != PROTO_VRRP) {
                    return DropReason.NOT_VRRP;
                }
                ahStart = vrrp;
                out.ahSequence = packet.getUnsignedInt(vrrp + 8);
                vrrp += AH_LENGTH;
            } else if (protocol != PROTO_VRRP) {
                return DropReason.NOT_VRRP;
            }
            vrrpAvailable = start + length - vrrp;
        }
        if (vrrpAvailable < 8) {
            return DropReason.TRUNCATED;
        }
        if (!config.unicast() && out.ttl != 255) {
            return DropReason.TTL_NOT_255;
        }
        if ((ahStart >= 0) != (config.authType() == AUTH_AH)) {
            return DropReason.AUTH_TYPE_MISMATCH;
        }
        int versionType = packet.getUnsignedByte(vrrp);
        out.version = versionType >>> 4;
        out.type = versionType & 0x0f;
        out.vrid = packet.getUnsignedByte(vrrp + 1);
        out.priority = packet.getUnsignedByte(vrrp + 2);
        out.count = packet.getUnsignedByte(vrrp + 3);
        out.checksum = packet.getUnsignedShort(vrrp + 6);
        if (out.version != config.version()) {
            return DropReason.VERSION_MISMATCH;
        }
        if (out.type != 1) {
            return DropReason.NOT_ADVERTISEMENT;
        }
        if (out.vrid != config.vrid()) {
            return DropReason.VRID_MISMATCH;
        }
        int addressBytes = out.count * addressLength;
        int vrrpLength = 8 + addressBytes + (out.version == 2 ? AUTH_DATA_LENGTH : 0);
        if (vrrpAvailable != vrrpLength) {
            return DropReason.LENGTH_MISMATCH;
        }
        packet.getBytes(vrrp + 8, out.addresses, 0, addressBytes);
        long sum = 0;
        if (out.version == 3) {
            sum = Checksum.add(sum, out.source, addressLength);
            sum = Checksum.add(sum, out.destination, addressLength);
            sum += PROTO_VRRP + vrrpLength;
        }
        if (Checksum.finish(Checksum.add(sum, packet, vrrp, vrrpLength)) != 0) {
            return DropReason.BAD_CHECKSUM;
        }
        if (out.version == 2) {
            out.authType = packet.getUnsignedByte(vrrp + 4);
            out.intervalCentis = packet.getUnsignedByte(vrrp + 5) * 100;
            if (out.authType > AUTH_AH) {
                return DropReason.INVALID_AUTH_TYPE;
            }
            if (out.authType != config.authType()) {
                return DropReason.AUTH_TYPE_MISMATCH;
            }
            if (out.authType == AUTH_PASS) {
                packet.getBytes(vrrp + 8 + addressBytes, received, 0, AUTH_DATA_LENGTH);
                if (!constantTimeEquals(received, config.key(), AUTH_DATA_LENGTH)) {
                    return DropReason.AUTH_FAILURE;
                }
            } else if (out.authType == AUTH_AH) {
                DropReason ah = checkAh(packet, start, ihl, ahStart, start + length, out);
                if (ah != null) {
                    return ah;
                }
            }
            if (out.intervalCentis != config.intervalCentis()) {
                return DropReason.INTERVAL_MISMATCH;
            }
        } else {
            out.authType = 0;
            out.intervalCentis = packet.getUnsignedShort(vrrp + 4) & 0x0fff;
            if (out.intervalCentis == 0) {
                return DropReason.INVALID_INTERVAL;
            }
        }
        boolean multicast = addressLength == 4 ? (out.destination[0] & 0xf0) == 0xe0 : (out.destination[0] & 0xff) == 0xff;
        if (multicast == config.unicast()) {
            return DropReason.DESTINATION_MISMATCH;
        }
        if (config.unicast()) {
            int peer = peerIndex(out.source);
            if (peer < 0) {
                return DropReason.UNKNOWN_UNICAST_SOURCE;
            }
            // keepalived checks the bounds of the first peer with the source address
            int bounds = config.peerTtls()[peer];
            if (out.ttl < bounds >>> 8 || out.ttl > (bounds & 0xff)) {
                return DropReason.TTL_OUT_OF_BOUNDS;
            }
        }
        return null;
    }

    private DropReason checkAh(ByteBuf packet, int ip, int ihl, int ahStart, int end, Advert out) {
        packet.getBytes(ahStart + 12, received, 0, 12);
        computeIcv(packet, ip, ihl, ahStart, end);
        if (!constantTimeEquals(received, digest, 12)) {
            return DropReason.AUTH_FAILURE;
        }
        for (int i = 0; i < 4; i++) {
            if (packet.getByte(ahStart + 4 + i) != out.source[i]) {
                return DropReason.AH_SPI_MISMATCH;
            }
        }
        if (out.ahSequence <= ahCounter) {
            return DropReason.AH_REPLAY;
        }
        ahCounter = out.ahSequence;
        return null;
    }

    /** True when the configured addresses equal the advert's list (in any order). */
    public boolean sameAddresses(Advert a) {
        byte[] mine = config.addresses();
        if (a.count * addressLength != mine.length) {
            return false;
        }
        outer:
        for (int i = 0; i < mine.length; i += addressLength) {
            for (int j = 0; j < mine.length; j += addressLength) {
                if (java.util.Arrays.equals(mine, i, i + addressLength, a.addresses, j, j + addressLength)) {
                    continue outer;
                }
            }
            return false;
        }
        return true;
    }

    private static boolean constantTimeEquals(byte[] a, byte[] b, int length) {
        int diff = 0;
        for (int i = 0; i < length; i++) {
            diff |= a[i] ^ b[i];
        }
        return diff == 0;
    }

    private int peerIndex(byte[] source) {
        List<byte[]> peers = config.peers();
        for (int i = 0; i < peers.size(); i++) {
            if (java.util.Arrays.equals(peers.get(i), 0, addressLength, source, 0, addressLength)) {
                return i;
            }
        }
        return -1;
    }
}
