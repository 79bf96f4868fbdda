package io.lvs4j.bgp.internal;

import io.lvs4j.bgp.internal.MessageError.Action;
import io.lvs4j.internal.Addresses;
import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes one BGP message from a frame holding exactly its bytes (header included). Never throws
 * on bad input: what is wrong comes back as {@link Message.Malformed} with the NOTIFICATION's code,
 * subcode and data (RFC 4271 section 6), and for UPDATE errors that RFC 7606 lets a session survive,
 * as {@link Update#errors()}.
 *
 * <p>The checks of an OPEN that need the configuration (the peer's AS, a BGP identifier equal to
 * ours) are the session's; the syntax (version, hold time 1 or 2, identifier 0, parameters and
 * capabilities) is checked here.
 */
public final class Decoder {
    private Decoder() {}

    /** How a session reads UPDATEs. */
    public record Options(boolean fourOctetAs, boolean internal) {
        /** Before the OPEN exchange: 2-octet AS numbers, external. */
        public static final Options INITIAL = new Options(false, false);
    }

    /** Thrown inside the decoder only: the message is not to be taken. */
    private static final class Bad extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient MessageError error;

        Bad(int code, int subcode, byte[] data, String reason) {
            super(reason, null, false, false);
            this.error = new MessageError(code, subcode, data, Action.SESSION_RESET, reason);
        }
    }

    private static final byte[] NONE = new byte[0];

    /** What {@link #frameLength} says of a bad header. */
    public static final int BAD_HEADER = -1;

    /**
     * Frames the next message of a byte stream: the length of the message at the reader index, 0
     * when more bytes are needed, or {@link #BAD_HEADER} when the header is bad (no marker, length
     * out of 19..4096): decoding its 19 bytes gives the error to answer with, and the stream cannot
     * be read on.
     */
    public static int frameLength(ByteBuf in) {
        if (in.readableBytes() < Bgp.HEADER_LENGTH) {
            return 0;
        }
        int r = in.readerIndex();
        for (int i = 0; i < Bgp.MARKER_LENGTH; i++) {
            if (in.getByte(r + i) != (byte) 0xff) {
                return BAD_HEADER;
            }
        }
        int length = in.getUnsignedShort(r + Bgp.MARKER_LENGTH);
        if (length < Bgp.HEADER_LENGTH || length > Bgp.MAX_MESSAGE_LENGTH) {
            return BAD_HEADER;
        }
        return in.readableBytes() >= length ? length : 0;
    }

    /** Decodes the readable bytes of {@code frame} (one whole message) without moving its indexes. */
    public static Message decode(ByteBuf frame, Options options) {
        int start = frame.readerIndex();
        int size = frame.readableBytes();
        int type = size > Bgp.MARKER_LENGTH + 2 ? frame.getUnsignedByte(start + 18) : 0;
        try {
            return decode(frame, start, size, options);
        } catch (Bad b) {
            return new Message.Malformed(type, b.error);
        }
    }

    private static Message decode(ByteBuf b, int start, int size, Options options) {
        if (size < Bgp.HEADER_LENGTH) {
            throw new Bad(Bgp.MESSAGE_HEADER_ERROR, Bgp.BAD_MESSAGE_LENGTH, u16(size), "message of " + size + " bytes");
        }
        for (int i = 0; i < Bgp.MARKER_LENGTH; i++) {
            if (b.getByte(start + i) != (byte) 0xff) {
                throw new Bad(Bgp.MESSAGE_HEADER_ERROR, Bgp.CONNECTION_NOT_SYNCHRONIZED, NONE, "marker not all ones");
            }
        }
        int length = b.getUnsignedShort(start + 16);
        int type = b.getUnsignedByte(start + 18);
        if (length < Bgp.HEADER_LENGTH || length > Bgp.MAX_MESSAGE_LENGTH || length != size) {
            throw new Bad(Bgp.MESSAGE_HEADER_ERROR, Bgp.BAD_MESSAGE_LENGTH, u16(length), "length " + length);
        }
        int body = start + Bgp.HEADER_LENGTH;
        int end = start + length;
        switch (type) {
            case Bgp.OPEN:
                checkLength(length >= 29, length, "OPEN");
                return open(b, body, end);
            case Bgp.UPDATE:
                checkLength(length >= 23, length, "UPDATE");
                return update(b, body, end, options);
            case Bgp.NOTIFICATION:
                checkLength(length >= 21, length, "NOTIFICATION");
                return new Message.Notification(b.getUnsignedByte(body), b.getUnsignedByte(body + 1),
                        bytes(b, body + 2, end));
            case Bgp.KEEPALIVE:
                checkLength(length == Bgp.HEADER_LENGTH, length, "KEEPALIVE");
                return Message.Keepalive.INSTANCE;
            case Bgp.ROUTE_REFRESH:
                if (length != 23) {
                    throw new Bad(Bgp.ROUTE_REFRESH_MESSAGE_ERROR, Bgp.INVALID_MESSAGE_LENGTH, bytes(b, start, end),
                            "ROUTE-REFRESH of " + length + " bytes");
                }
                return new Message.RouteRefresh(b.getUnsignedShort(body), b.getUnsignedByte(body + 3));
            default:
                throw new Bad(Bgp.MESSAGE_HEADER_ERROR, Bgp.BAD_MESSAGE_TYPE, new byte[] {(byte) type}, "type " + type);
        }
    }

    private static void checkLength(boolean ok, int length, String what) {
        if (!ok) {
            throw new Bad(Bgp.MESSAGE_HEADER_ERROR, Bgp.BAD_MESSAGE_LENGTH, u16(length), what + " of " + length + " bytes");
        }
    }

    // ---- OPEN (RFC 4271 4.2, RFC 5492, RFC 9072) --------------------------------------------------

    private static Message.Open open(ByteBuf b, int p, int end) {
        int version = b.getUnsignedByte(p);
        if (version != Bgp.VERSION) {
            throw new Bad(Bgp.OPEN_MESSAGE_ERROR, Bgp.UNSUPPORTED_VERSION_NUMBER, u16(Bgp.VERSION), "version " + version);
        }
        int myAs = b.getUnsignedShort(p + 1);
        int hold = b.getUnsignedShort(p + 3);
        int id = b.getInt(p + 5);
        int optLength = b.getUnsignedByte(p + 9);
        int q = p + 10;
        boolean extended = false;
        if (optLength == 255 && q < end && b.getUnsignedByte(q) == Bgp.PARAM_EXTENDED_LENGTH) {
            // RFC 9072: 255, then type 255, then a 2-octet length, and 2-octet parameter lengths
            if (q + 3 > end) {
                throw malformedOpen("extended optional parameters length cut short");
            }
            optLength = b.getUnsignedShort(q + 1);
            q += 3;
            extended = true;
        }
        if (q + optLength != end) {
            throw malformedOpen("optional parameters of " + optLength + " bytes in " + (end - q));
        }
        if (myAs == 0) {
            throw new Bad(Bgp.OPEN_MESSAGE_ERROR, Bgp.BAD_PEER_AS, u16(0), "AS 0 (RFC 7607)");
        }
        if (hold == 1 || hold == 2) {
            throw new Bad(Bgp.OPEN_MESSAGE_ERROR, Bgp.UNACCEPTABLE_HOLD_TIME, NONE, "hold time " + hold);
        }
        if (id == 0) {
            throw new Bad(Bgp.OPEN_MESSAGE_ERROR, Bgp.BAD_BGP_IDENTIFIER, NONE, "BGP identifier 0.0.0.0");
        }
        long fourOctet = -1;
        List<Message.Family> families = new ArrayList<>();
        List<Integer> codes = new ArrayList<>();
        boolean refresh = false;
        boolean restart = false;
        int headerLength = extended ? 3 : 2;
        while (q < end) {
            if (q + headerLength > end) {
                throw malformedOpen("optional parameter header cut short");
            }
            int paramType = b.getUnsignedByte(q);
            int paramLength = extended ? b.getUnsignedShort(q + 1) : b.getUnsignedByte(q + 1);
            int v = q + headerLength;
            int vEnd = v + paramLength;
            if (vEnd > end) {
                throw malformedOpen("optional parameter of " + paramLength + " bytes overruns the message");
            }
            if (paramType != Bgp.PARAM_CAPABILITIES) {
                throw new Bad(Bgp.OPEN_MESSAGE_ERROR, Bgp.UNSUPPORTED_OPTIONAL_PARAMETER, NONE,
                        "optional parameter type " + paramType);
            }
            while (v < vEnd) {
                if (v + 2 > vEnd) {
                    throw malformedOpen("capability header cut short");
                }
                int code = b.getUnsignedByte(v);
                int capLength = b.getUnsignedByte(v + 1);
                int c = v + 2;
                if (c + capLength > vEnd) {
                    throw malformedOpen("capability " + code + " of " + capLength + " bytes overruns its parameter");
                }
                codes.add(code);
                switch (code) {
                    case Bgp.CAP_MULTIPROTOCOL:
                        if (capLength != 4) {
                            throw malformedOpen("multiprotocol capability of " + capLength + " bytes");
                        }
                        Message.Family f = new Message.Family(b.getUnsignedShort(c), b.getUnsignedByte(c + 3));
                        if (!families.contains(f)) {
                            families.add(f);
                        }
                        break;
                    case Bgp.CAP_FOUR_OCTET_AS:
                        if (capLength != 4) {
                            throw malformedOpen("4-octet AS capability of " + capLength + " bytes");
                        }
                        fourOctet = b.getUnsignedInt(c);
                        if (fourOctet == 0) {
                            throw new Bad(Bgp.OPEN_MESSAGE_ERROR, Bgp.BAD_PEER_AS, bytes(b, c, c + 4),
                                    "4-octet AS 0 (RFC 7607)");
                        }
                        break;
                    case Bgp.CAP_ROUTE_REFRESH:
                        refresh = true;
                        break;
                    case Bgp.CAP_GRACEFUL_RESTART:
                        restart = true;
                        break;
                    default:
                        break; // RFC 5492: unknown capabilities are ignored
                }
                v = c + capLength;
            }
            q = vEnd;
        }
        return new Message.Open(myAs, hold, id, fourOctet, families, refresh, restart, codes);
    }

    private static Bad malformedOpen(String reason) {
        return new Bad(Bgp.OPEN_MESSAGE_ERROR, Bgp.UNSPECIFIC, NONE, reason);
    }

    // ---- UPDATE (RFC 4271 4.3 and 6.3, RFC 7606) --------------------------------------------------

    private static Update update(ByteBuf b, int p, int end, Options options) {
        Update u = new Update();
        int withdrawnLength = b.getUnsignedShort(p);
        int w = p + 2;
        int wEnd = w + withdrawnLength;
        if (wEnd + 2 > end) {
            throw new Bad(Bgp.UPDATE_MESSAGE_ERROR, Bgp.MALFORMED_ATTRIBUTE_LIST, NONE,
                    "withdrawn routes length " + withdrawnLength + " overruns the message");
        }
        prefixes(b, w, wEnd, 32, u.withdrawn, "withdrawn routes");
        int attributesLength = b.getUnsignedShort(wEnd);
        int a = wEnd + 2;
        int aEnd = a + attributesLength;
        if (aEnd > end) {
            throw new Bad(Bgp.UPDATE_MESSAGE_ERROR, Bgp.MALFORMED_ATTRIBUTE_LIST, NONE,
                    "total path attribute length " + attributesLength + " overruns the message");
        }
        attributes(b, a, aEnd, options, u);
        prefixes(b, aEnd, end, 32, u.nlri, "NLRI");
        boolean reach = !u.nlri.isEmpty() || (u.mpReach != null && !u.mpReach.nlri().isEmpty());
        if (reach && !u.treatAsWithdraw()) {
            // RFC 4271 6.3 / RFC 7606 3.d: well-known mandatory attributes of reachable routes
            if (u.origin < 0) {
                missing(u, Bgp.ORIGIN);
            } else if (u.asPath == null) {
                missing(u, Bgp.AS_PATH);
            } else if (!u.nlri.isEmpty() && u.nextHop == null) {
                missing(u, Bgp.NEXT_HOP);
            } else if (options.internal() && u.localPref < 0) {
                missing(u, Bgp.LOCAL_PREF);
            }
        }
        return u;
    }

    private static void missing(Update u, int type) {
        u.errors.add(new MessageError(Bgp.UPDATE_MESSAGE_ERROR, Bgp.MISSING_WELL_KNOWN_ATTRIBUTE, new byte[] {(byte) type},
                Action.TREAT_AS_WITHDRAW, "missing attribute " + type));
    }

    /** NLRI-encoded prefixes in [p, end) of at most {@code maxBits}; a bad one resets the session (RFC 7606 5.3). */
    private static void prefixes(ByteBuf b, int p, int end, int maxBits, List<IpPrefix> out, String field) {
        int bytes = maxBits / 8;
        while (p < end) {
            int bits = b.getUnsignedByte(p);
            int n = (bits + 7) / 8;
            if (bits > maxBits || p + 1 + n > end) {
                throw new Bad(Bgp.UPDATE_MESSAGE_ERROR, Bgp.INVALID_NETWORK_FIELD, NONE,
                        field + ": prefix length " + bits + (bits > maxBits ? "" : " overruns the field"));
            }
            byte[] addr = new byte[bytes];
            b.getBytes(p + 1, addr, 0, n);
            if (n > 0 && bits % 8 != 0) {
                addr[n - 1] &= (byte) (0xff << (8 - bits % 8));
            }
            out.add(new IpPrefix(Addresses.of(addr), bits));
            p += 1 + n;
        }
    }

    private static void attributes(ByteBuf b, int p, int end, Options options, Update u) {
        boolean[] seen = new boolean[256];
        while (p < end) {
            int remaining = end - p;
            int flags = b.getUnsignedByte(p);
            boolean extended = (flags & Bgp.FLAG_EXTENDED_LENGTH) != 0;
            int header = extended ? 4 : 3;
            if (remaining < header) {
                // RFC 7606 4: fewer octets left than an attribute header
                u.errors.add(new MessageError(Bgp.UPDATE_MESSAGE_ERROR, Bgp.MALFORMED_ATTRIBUTE_LIST, NONE,
                        Action.TREAT_AS_WITHDRAW, "attribute header cut short"));
                return;
            }
            int type = b.getUnsignedByte(p + 1);
            int length = extended ? b.getUnsignedShort(p + 2) : b.getUnsignedByte(p + 2);
            int v = p + header;
            if (v + length > end) {
                // RFC 7606 4: the attribute overruns the Total Attribute Length
                if (type == Bgp.MP_REACH_NLRI || type == Bgp.MP_UNREACH_NLRI) {
                    throw new Bad(Bgp.UPDATE_MESSAGE_ERROR, Bgp.ATTRIBUTE_LENGTH_ERROR, bytes(b, p, end),
                            "attribute " + type + " of " + length + " bytes overruns the attributes");
                }
                u.errors.add(new MessageError(Bgp.UPDATE_MESSAGE_ERROR, Bgp.ATTRIBUTE_LENGTH_ERROR, bytes(b, p, end),
                        Action.TREAT_AS_WITHDRAW, "attribute " + type + " of " + length + " bytes overruns the attributes"));
                return;
            }
            int next = v + length;
            if (seen[type]) {
                if (type == Bgp.MP_REACH_NLRI || type == Bgp.MP_UNREACH_NLRI) {
                    throw new Bad(Bgp.UPDATE_MESSAGE_ERROR, Bgp.MALFORMED_ATTRIBUTE_LIST, NONE,
                            "attribute " + type + " repeated");
                }
                u.errors.add(new MessageError(Bgp.UPDATE_MESSAGE_ERROR, Bgp.MALFORMED_ATTRIBUTE_LIST, NONE,
                        Action.ATTRIBUTE_DISCARD, "attribute " + type + " repeated"));
                p = next;
                continue;
            }
            seen[type] = true;
            attribute(b, p, flags, type, v, next, options, u);
            p = next;
        }
    }

    /** The expected Optional and Transitive flags of known attributes, or -1 for unknown ones. */
    private static int expectedFlags(int type) {
        switch (type) {
            case Bgp.ORIGIN:
            case Bgp.AS_PATH:
            case Bgp.NEXT_HOP:
            case Bgp.LOCAL_PREF:
            case Bgp.ATOMIC_AGGREGATE:
                return Bgp.FLAG_TRANSITIVE;
            case Bgp.MULTI_EXIT_DISC:
            case Bgp.MP_REACH_NLRI:
            case Bgp.MP_UNREACH_NLRI:
                return Bgp.FLAG_OPTIONAL;
            case Bgp.AGGREGATOR:
            case Bgp.COMMUNITIES:
            case Bgp.AS4_PATH:
            case Bgp.AS4_AGGREGATOR:
                return Bgp.FLAG_OPTIONAL | Bgp.FLAG_TRANSITIVE;
            default:
                return -1;
        }
    }

    private static void attribute(ByteBuf b, int start, int flags, int type, int v, int end, Options options,
            Update u) {
        int length = end - v;
        int expected = expectedFlags(type);
        if (expected < 0) {
            if ((flags & Bgp.FLAG_OPTIONAL) == 0) {
                u.errors.add(new MessageError(Bgp.UPDATE_MESSAGE_ERROR, Bgp.UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE,
                        bytes(b, start, end), Action.TREAT_AS_WITHDRAW, "unrecognized well-known attribute " + type));
            } else {
                u.otherAttributes.add(type);
            }
            return;
        }
        boolean mp = type == Bgp.MP_REACH_NLRI || type == Bgp.MP_UNREACH_NLRI;
        if ((flags & (Bgp.FLAG_OPTIONAL | Bgp.FLAG_TRANSITIVE)) != expected) {
            if (mp) {
                throw new Bad(Bgp.UPDATE_MESSAGE_ERROR, Bgp.ATTRIBUTE_FLAGS_ERROR, bytes(b, start, end),
                        "attribute " + type + " flags " + Integer.toHexString(flags));
            }
            u.errors.add(new MessageError(Bgp.UPDATE_MESSAGE_ERROR, Bgp.ATTRIBUTE_FLAGS_ERROR, bytes(b, start, end),
                    discardable(type) ? Action.ATTRIBUTE_DISCARD : Action.TREAT_AS_WITHDRAW,
                    "attribute " + type + " flags " + Integer.toHexString(flags)));
            return;
        }
        switch (type) {
            case Bgp.ORIGIN:
                if (length != 1) {
                    lengthError(b, start, end, u, Action.TREAT_AS_WITHDRAW, "ORIGIN");
                } else if (b.getUnsignedByte(v) > Bgp.ORIGIN_INCOMPLETE) {
                    u.errors.add(new MessageError(Bgp.UPDATE_MESSAGE_ERROR, Bgp.INVALID_ORIGIN_ATTRIBUTE,
                            bytes(b, start, end), Action.TREAT_AS_WITHDRAW, "ORIGIN value " + b.getUnsignedByte(v)));
                } else {
                    u.origin = b.getUnsignedByte(v);
                }
                break;
            case Bgp.AS_PATH: {
                List<Update.Segment> path = asPath(b, v, end, options.fourOctetAs() ? 4 : 2, true);
                if (path == null) {
                    u.errors.add(new MessageError(Bgp.UPDATE_MESSAGE_ERROR, Bgp.MALFORMED_AS_PATH, NONE,
                            Action.TREAT_AS_WITHDRAW, "malformed AS_PATH"));
                } else {
                    u.asPath = path;
                }
                break;
            }
            case Bgp.AS4_PATH: {
                List<Update.Segment> path = asPath(b, v, end, 4, false);
                // RFC 6793 6: a malformed AS4_PATH is discarded, and so is one from a 4-octet peer
                if (path == null) {
                    u.errors.add(new MessageError(Bgp.UPDATE_MESSAGE_ERROR, Bgp.OPTIONAL_ATTRIBUTE_ERROR,
                            bytes(b, start, end), Action.ATTRIBUTE_DISCARD, "malformed AS4_PATH"));
                } else if (!options.fourOctetAs()) {
                    u.as4Path = path;
                }
                break;
            }
            case Bgp.NEXT_HOP:
                if (length != 4) {
                    lengthError(b, start, end, u, Action.TREAT_AS_WITHDRAW, "NEXT_HOP");
                } else {
                    u.nextHop = (Inet4Address) Addresses.of(bytes(b, v, end));
                }
                break;
            case Bgp.MULTI_EXIT_DISC:
                if (length != 4) {
                    lengthError(b, start, end, u, Action.TREAT_AS_WITHDRAW, "MULTI_EXIT_DISC");
                } else {
                    u.med = b.getUnsignedInt(v);
                }
                break;
            case Bgp.LOCAL_PREF:
                if (!options.internal()) {
                    // RFC 7606 7.5: from an external peer it is discarded
                    break;
                }
                if (length != 4) {
                    lengthError(b, start, end, u, Action.TREAT_AS_WITHDRAW, "LOCAL_PREF");
                } else {
                    u.localPref = b.getUnsignedInt(v);
                }
                break;
            case Bgp.ATOMIC_AGGREGATE:
                if (length != 0) {
                    lengthError(b, start, end, u, Action.ATTRIBUTE_DISCARD, "ATOMIC_AGGREGATE");
                } else {
                    u.atomicAggregate = true;
                }
                break;
            case Bgp.AGGREGATOR:
                if (length != (options.fourOctetAs() ? 8 : 6)) {
                    lengthError(b, start, end, u, Action.ATTRIBUTE_DISCARD, "AGGREGATOR");
                } else {
                    u.otherAttributes.add(type);
                }
                break;
            case Bgp.AS4_AGGREGATOR:
                if (length != 8) {
                    lengthError(b, start, end, u, Action.ATTRIBUTE_DISCARD, "AS4_AGGREGATOR");
                } else {
                    u.otherAttributes.add(type);
                }
                break;
            case Bgp.COMMUNITIES:
                if (length == 0 || length % 4 != 0) {
                    lengthError(b, start, end, u, Action.TREAT_AS_WITHDRAW, "COMMUNITIES");
                } else {
                    List<Integer> c = new ArrayList<>(length / 4);
                    for (int i = v; i < end; i += 4) {
                        c.add(b.getInt(i));
                    }
                    u.communities = c;
                }
                break;
            case Bgp.MP_REACH_NLRI:
                u.mpReach = mpReach(b, start, v, end);
                break;
            case Bgp.MP_UNREACH_NLRI:
                u.mpUnreach = mpUnreach(b, start, v, end);
                break;
            default:
                throw new IllegalStateException("attribute " + type);
        }
    }

    private static boolean discardable(int type) {
        return type == Bgp.ATOMIC_AGGREGATE || type == Bgp.AGGREGATOR || type == Bgp.AS4_PATH
                || type == Bgp.AS4_AGGREGATOR || type == Bgp.LOCAL_PREF;
    }

    private static void lengthError(ByteBuf b, int start, int end, Update u, Action action, String name) {
        u.errors.add(new MessageError(Bgp.UPDATE_MESSAGE_ERROR, Bgp.ATTRIBUTE_LENGTH_ERROR, bytes(b, start, end),
                action, name + " of " + (end - start) + " bytes with its header"));
    }

    /**
     * AS_PATH or AS4_PATH segments in [p, end), {@code asSize} bytes per AS; null when malformed
     * (RFC 7606 7.2: a segment of length 0, an unknown type, or one overrunning the attribute).
     */
    private static List<Update.Segment> asPath(ByteBuf b, int p, int end, int asSize, boolean confederations) {
        List<Update.Segment> out = new ArrayList<>();
        while (p < end) {
            if (p + 2 > end) {
                return null;
            }
            int type = b.getUnsignedByte(p);
            int count = b.getUnsignedByte(p + 1);
            boolean known = type == Bgp.AS_SET || type == Bgp.AS_SEQUENCE
                    || confederations && (type == Bgp.AS_CONFED_SEQUENCE || type == Bgp.AS_CONFED_SET);
            if (!known || count == 0 || p + 2 + count * asSize > end) {
                return null;
            }
            List<Long> asns = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int at = p + 2 + i * asSize;
                asns.add(asSize == 4 ? b.getUnsignedInt(at) : (long) b.getUnsignedShort(at));
            }
            out.add(new Update.Segment(type, asns));
            p += 2 + count * asSize;
        }
        return out;
    }

    private static Update.MpReach mpReach(ByteBuf b, int start, int v, int end) {
        if (end - v < 5) {
            throw optionalError(b, start, end, "MP_REACH_NLRI of " + (end - v) + " bytes");
        }
        Message.Family family = new Message.Family(b.getUnsignedShort(v), b.getUnsignedByte(v + 2));
        int nhLength = b.getUnsignedByte(v + 3);
        int nh = v + 4;
        if (nh + nhLength + 1 > end) {
            throw optionalError(b, start, end, "MP_REACH_NLRI next hop of " + nhLength + " bytes overruns it");
        }
        int nlri = nh + nhLength + 1; // one reserved octet (RFC 4760: was the SNPA count)
        List<InetAddress> hops = new ArrayList<>(2);
        List<IpPrefix> prefixes = new ArrayList<>();
        int bits = family.afi() == Bgp.AFI_IPV4 ? 32 : family.afi() == Bgp.AFI_IPV6 ? 128 : -1;
        if (bits < 0 || family.safi() != Bgp.SAFI_UNICAST) {
            return new Update.MpReach(family, hops, prefixes); // a family we do not read: the content is left alone
        }
        int size = bits / 8;
        if (nhLength == size || nhLength == 2 * size && bits == 128) {
            hops.add(Addresses.of(bytes(b, nh, nh + size)));
            if (nhLength == 2 * size) {
                hops.add(Addresses.of(bytes(b, nh + size, nh + 2 * size)));
            }
        } else if (!(bits == 32 && (nhLength == 16 || nhLength == 32))) {
            // RFC 8950 lets IPv4 NLRI carry an IPv6 next hop; any other length is wrong
            throw optionalError(b, start, end, "MP_REACH_NLRI next hop of " + nhLength + " bytes for " + family);
        } else {
            hops.add(Addresses.of(bytes(b, nh, nh + 16)));
        }
        prefixes(b, nlri, end, bits, prefixes, "MP_REACH_NLRI");
        return new Update.MpReach(family, hops, prefixes);
    }

    private static Update.MpUnreach mpUnreach(ByteBuf b, int start, int v, int end) {
        if (end - v < 3) {
            throw optionalError(b, start, end, "MP_UNREACH_NLRI of " + (end - v) + " bytes");
        }
        Message.Family family = new Message.Family(b.getUnsignedShort(v), b.getUnsignedByte(v + 2));
        List<IpPrefix> prefixes = new ArrayList<>();
        int bits = family.afi() == Bgp.AFI_IPV4 ? 32 : family.afi() == Bgp.AFI_IPV6 ? 128 : -1;
        if (bits > 0 && family.safi() == Bgp.SAFI_UNICAST) {
            prefixes(b, v + 3, end, bits, prefixes, "MP_UNREACH_NLRI");
        }
        return new Update.MpUnreach(family, prefixes);
    }

    private static Bad optionalError(ByteBuf b, int start, int end, String reason) {
        return new Bad(Bgp.UPDATE_MESSAGE_ERROR, Bgp.OPTIONAL_ATTRIBUTE_ERROR, bytes(b, start, end), reason);
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private static byte[] u16(int value) {
        return new byte[] {(byte) (value >>> 8), (byte) value};
    }

    private static byte[] bytes(ByteBuf b, int from, int to) {
        byte[] out = new byte[Math.max(0, to - from)];
        b.getBytes(from, out);
        return out;
    }
}
