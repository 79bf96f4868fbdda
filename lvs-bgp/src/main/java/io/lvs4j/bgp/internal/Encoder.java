package io.lvs4j.bgp.internal;

import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.util.List;

/** Writes BGP messages (RFC 4271 section 4) into a {@link ByteBuf}, header included. */
public final class Encoder {
    private Encoder() {}

    /** RFC 9003: a shutdown communication of at most 255 bytes of UTF-8. */
    public static final int MAX_SHUTDOWN_COMMUNICATION = 255;

    /**
     * An OPEN: version 4, My Autonomous System ({@link Bgp#AS_TRANS} when {@code localAs} needs 4
     * octets), the hold time in seconds, the BGP identifier, and one Capabilities parameter with a
     * multiprotocol capability per family and the 4-octet AS capability. Nothing else: no graceful
     * restart (a router that keeps a dead speaker's routes is what must not happen), no route refresh.
     */
    public static void writeOpen(ByteBuf out, long localAs, int holdSeconds, int bgpId, List<Message.Family> families) {
        int start = header(out, Bgp.OPEN);
        out.writeByte(Bgp.VERSION);
        out.writeShort(localAs > 0xFFFF ? Bgp.AS_TRANS : (int) localAs);
        out.writeShort(holdSeconds);
        out.writeInt(bgpId);
        int capabilities = families.size() * 6 + 6;
        out.writeByte(capabilities + 2);
        out.writeByte(Bgp.PARAM_CAPABILITIES);
        out.writeByte(capabilities);
        for (Message.Family f : families) {
            out.writeByte(Bgp.CAP_MULTIPROTOCOL);
            out.writeByte(4);
            out.writeShort(f.afi());
            out.writeByte(0);
            out.writeByte(f.safi());
        }
        out.writeByte(Bgp.CAP_FOUR_OCTET_AS);
        out.writeByte(4);
        out.writeInt((int) localAs);
        finish(out, start);
    }

    public static void writeKeepalive(ByteBuf out) {
        finish(out, header(out, Bgp.KEEPALIVE));
    }

    /** A NOTIFICATION; data beyond what fits in 4096 bytes is cut. */
    public static void writeNotification(ByteBuf out, int code, int subcode, byte[] data) {
        int start = header(out, Bgp.NOTIFICATION);
        out.writeByte(code);
        out.writeByte(subcode);
        out.writeBytes(data, 0, Math.min(data.length, Bgp.MAX_MESSAGE_LENGTH - 21));
        finish(out, start);
    }

    /**
     * An UPDATE with what {@code u} holds. AS numbers are written in 4 octets when
     * {@code fourOctetAs}; otherwise in 2, with {@link Bgp#AS_TRANS} for those that need 4 and an
     * AS4_PATH carrying the real path (RFC 6793 4.2.2) unless {@code u} has one of its own.
     */
    public static void writeUpdate(ByteBuf out, Update u, boolean fourOctetAs) {
        int start = header(out, Bgp.UPDATE);
        int withdrawnAt = out.writerIndex();
        out.writeShort(0);
        for (IpPrefix p : u.withdrawn) {
            prefix(out, p);
        }
        out.setShort(withdrawnAt, out.writerIndex() - withdrawnAt - 2);
        int attributesAt = out.writerIndex();
        out.writeShort(0);
        if (u.origin >= 0) {
            attribute(out, Bgp.FLAG_TRANSITIVE, Bgp.ORIGIN, 1).writeByte(u.origin);
        }
        boolean needAs4 = false;
        if (u.asPath != null) {
            int length = 0;
            for (Update.Segment s : u.asPath) {
                length += 2 + s.asns().size() * (fourOctetAs ? 4 : 2);
                for (long as : s.asns()) {
                    needAs4 |= as > 0xFFFF;
                }
            }
            attribute(out, Bgp.FLAG_TRANSITIVE, Bgp.AS_PATH, length);
            segments(out, u.asPath, fourOctetAs);
        }
        if (u.nextHop != null) {
            attribute(out, Bgp.FLAG_TRANSITIVE, Bgp.NEXT_HOP, 4).writeBytes(u.nextHop.getAddress());
        }
        if (u.med >= 0) {
            attribute(out, Bgp.FLAG_OPTIONAL, Bgp.MULTI_EXIT_DISC, 4).writeInt((int) u.med);
        }
        if (u.localPref >= 0) {
            attribute(out, Bgp.FLAG_TRANSITIVE, Bgp.LOCAL_PREF, 4).writeInt((int) u.localPref);
        }
        if (u.atomicAggregate) {
            attribute(out, Bgp.FLAG_TRANSITIVE, Bgp.ATOMIC_AGGREGATE, 0);
        }
        if (u.communities != null) {
            attribute(out, Bgp.FLAG_OPTIONAL | Bgp.FLAG_TRANSITIVE, Bgp.COMMUNITIES, u.communities.size() * 4);
            for (int c : u.communities) {
                out.writeInt(c);
            }
        }
        if (u.mpReach != null) {
            Update.MpReach r = u.mpReach;
            int hops = 0;
            for (InetAddress a : r.nextHops()) {
                hops += a.getAddress().length;
            }
            int length = 5 + hops;
            for (IpPrefix p : r.nlri()) {
                length += 1 + (p.length() + 7) / 8;
            }
            attribute(out, Bgp.FLAG_OPTIONAL, Bgp.MP_REACH_NLRI, length);
            out.writeShort(r.family().afi());
            out.writeByte(r.family().safi());
            out.writeByte(hops);
            for (InetAddress a : r.nextHops()) {
                out.writeBytes(a.getAddress());
            }
            out.writeByte(0);
            for (IpPrefix p : r.nlri()) {
                prefix(out, p);
            }
        }
        if (u.mpUnreach != null) {
            Update.MpUnreach r = u.mpUnreach;
            int length = 3;
            for (IpPrefix p : r.withdrawn()) {
                length += 1 + (p.length() + 7) / 8;
            }
            attribute(out, Bgp.FLAG_OPTIONAL, Bgp.MP_UNREACH_NLRI, length);
            out.writeShort(r.family().afi());
            out.writeByte(r.family().safi());
            for (IpPrefix p : r.withdrawn()) {
                prefix(out, p);
            }
        }
        List<Update.Segment> as4 = u.as4Path != null ? u.as4Path : !fourOctetAs && needAs4 ? u.asPath : null;
        if (as4 != null) {
            int length = 0;
            for (Update.Segment s : as4) {
                length += 2 + s.asns().size() * 4;
            }
            attribute(out, Bgp.FLAG_OPTIONAL | Bgp.FLAG_TRANSITIVE, Bgp.AS4_PATH, length);
            segments(out, as4, true);
        }
        out.setShort(attributesAt, out.writerIndex() - attributesAt - 2);
        for (IpPrefix p : u.nlri) {
            prefix(out, p);
        }
        finish(out, start);
    }

    /** The encoded size of a prefix in NLRI: its length octet and address octets. */
    public static int prefixSize(IpPrefix p) {
        return 1 + (p.length() + 7) / 8;
    }

    private static void segments(ByteBuf out, List<Update.Segment> segments, boolean fourOctetAs) {
        for (Update.Segment s : segments) {
            out.writeByte(s.type());
            out.writeByte(s.asns().size());
            for (long as : s.asns()) {
                if (fourOctetAs) {
                    out.writeInt((int) as);
                } else {
                    out.writeShort(as > 0xFFFF ? Bgp.AS_TRANS : (int) as);
                }
            }
        }
    }

    /** Writes an attribute header; the extended-length flag when the value is longer than 255 bytes. */
    private static ByteBuf attribute(ByteBuf out, int flags, int type, int length) {
        if (length > 255) {
            out.writeByte(flags | Bgp.FLAG_EXTENDED_LENGTH);
            out.writeByte(type);
            out.writeShort(length);
        } else {
            out.writeByte(flags);
            out.writeByte(type);
            out.writeByte(length);
        }
        return out;
    }

    private static void prefix(ByteBuf out, IpPrefix p) {
        out.writeByte(p.length());
        out.writeBytes(p.address().getAddress(), 0, (p.length() + 7) / 8);
    }

    private static int header(ByteBuf out, int type) {
        int start = out.writerIndex();
        for (int i = 0; i < Bgp.MARKER_LENGTH; i++) {
            out.writeByte(0xff);
        }
        out.writeShort(0);
        out.writeByte(type);
        return start;
    }

    private static void finish(ByteBuf out, int start) {
        int length = out.writerIndex() - start;
        if (length > Bgp.MAX_MESSAGE_LENGTH) {
            throw new IllegalStateException("BGP message of " + length + " bytes (at most 4096)");
        }
        out.setShort(start + Bgp.MARKER_LENGTH, length);
    }
}
