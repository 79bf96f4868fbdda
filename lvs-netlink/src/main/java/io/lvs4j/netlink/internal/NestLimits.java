package io.lvs4j.netlink.internal;

import static io.lvs4j.netlink.internal.IpvsProto.*;

import io.netty.buffer.ByteBuf;

/**
 * The highest service and destination attribute types the running kernel knows. The IPVS family
 * declares its service and destination nests without nested policies, so nlctrl's policy dump
 * does not tell them; a kernel parses these nests leniently and silently ignores a type above its
 * own maximum. They are learned instead from the kernel's own replies: a kernel that sent type
 * {@code T} in a service or destination knows {@code T} (a 6.1 kernel sends every type it has in
 * each reply). -1 means not learned yet. Requests are then checked: an attribute above a learned
 * limit that would change the outcome (non-zero, or an address family other than the service's)
 * is refused rather than silently dropped by the kernel.
 */
public final class NestLimits {
    private int service = -1;
    private int dest = -1;

    /** The highest service attribute type seen in a reply, or -1. */
    public int service() {
        return service;
    }

    /** The highest destination attribute type seen in a reply, or -1. */
    public int dest() {
        return dest;
    }

    /** Learns from the top-level attributes of a GET_SERVICE or GET_DEST reply (only those). */
    public void learn(NlAttrs top) {
        if (top.has(CMD_ATTR_SERVICE)) {
            service = Math.max(service, top.nested(CMD_ATTR_SERVICE, SVC_ATTR_NAMES, SVC_ATTR_MAX).highestType());
        }
        if (top.has(CMD_ATTR_DEST)) {
            dest = Math.max(dest, top.nested(CMD_ATTR_DEST, DEST_ATTR_NAMES, DEST_ATTR_MAX).highestType());
        }
    }

    /** Whether {@code request} (one encoded IPVS message) sets tunnel attributes (type, port, flags) to non-zero values. */
    public static boolean setsTunnelAttributes(ByteBuf request) {
        return firstMeaningful(request, CMD_ATTR_DEST, DEST_ATTR_STATS64) != 0;
    }

    /**
     * Why the kernel would ignore part of {@code request} (one encoded IPVS message), or null.
     * Attributes above a limit not learned yet pass.
     */
    public String check(ByteBuf request) {
        if (service >= 0) {
            int t = firstMeaningful(request, CMD_ATTR_SERVICE, service);
            if (t != 0) {
                return explain(SVC_ATTR_NAMES, t, "service", service);
            }
        }
        if (dest >= 0) {
            int t = firstMeaningful(request, CMD_ATTR_DEST, dest);
            if (t != 0) {
                return explain(DEST_ATTR_NAMES, t, "destination", dest);
            }
        }
        return null;
    }

    private static String explain(String[] names, int type, String what, int limit) {
        String name = type < names.length ? names[type] : "attribute";
        return name + " (" + type + ") is unknown to this kernel, which knows " + what + " attributes up to " + limit
                + " (learned from its replies); it would silently ignore it"
                + (names == DEST_ATTR_NAMES && type >= DEST_ATTR_TUN_TYPE ? ", and the real server would get a plain IPIP tunnel" : "");
    }

    /**
     * The first attribute of nest {@code nestType} above {@code limit} whose value matters: a
     * non-zero payload, except a destination address family equal to the service's. 0 if none.
     */
    static int firstMeaningful(ByteBuf request, int nestType, int limit) {
        int pos = request.readerIndex() + Nl.NLMSG_HDRLEN + Nl.GENL_HDRLEN;
        int end = request.readerIndex() + Math.min(request.readableBytes(), request.getIntLE(request.readerIndex()));
        int svcAf = -1;
        int found = 0;
        while (end - pos >= Nl.NLA_HDRLEN) {
            int len = request.getUnsignedShortLE(pos);
            int type = request.getUnsignedShortLE(pos + 2) & Nl.NLA_TYPE_MASK;
            if (len < Nl.NLA_HDRLEN || len > end - pos) {
                break;
            }
            if (type == CMD_ATTR_SERVICE) {
                svcAf = nestedU16(request, pos + Nl.NLA_HDRLEN, pos + len, SVC_ATTR_AF);
            }
            if (type == nestType && found == 0) {
                int p = pos + Nl.NLA_HDRLEN;
                int e = pos + len;
                while (e - p >= Nl.NLA_HDRLEN) {
                    int l = request.getUnsignedShortLE(p);
                    int t = request.getUnsignedShortLE(p + 2) & Nl.NLA_TYPE_MASK;
                    if (l < Nl.NLA_HDRLEN || l > e - p) {
                        break;
                    }
                    if (t > limit && !zero(request, p + Nl.NLA_HDRLEN, l - Nl.NLA_HDRLEN)) {
                        if (!(nestType == CMD_ATTR_DEST && t == DEST_ATTR_ADDR_FAMILY)) {
                            found = t;
                            break;
                        }
                        found = -request.getUnsignedShortLE(p + Nl.NLA_HDRLEN); // decided once the service's af is known
                    }
                    p += Math.max(Nl.NLA_HDRLEN, Nl.align(l));
                }
            }
            pos += Math.max(Nl.NLA_HDRLEN, Nl.align(len));
        }
        if (found < 0) {
            return -found == svcAf ? 0 : DEST_ATTR_ADDR_FAMILY;
        }
        return found;
    }

    private static int nestedU16(ByteBuf b, int p, int e, int want) {
        while (e - p >= Nl.NLA_HDRLEN) {
            int l = b.getUnsignedShortLE(p);
            int t = b.getUnsignedShortLE(p + 2) & Nl.NLA_TYPE_MASK;
            if (l < Nl.NLA_HDRLEN || l > e - p) {
                break;
            }
            if (t == want && l >= Nl.NLA_HDRLEN + 2) {
                return b.getUnsignedShortLE(p + Nl.NLA_HDRLEN);
            }
            p += Math.max(Nl.NLA_HDRLEN, Nl.align(l));
        }
        return -1;
    }

    private static boolean zero(ByteBuf b, int from, int len) {
        for (int i = 0; i < len; i++) {
            if (b.getByte(from + i) != 0) {
                return false;
            }
        }
        return true;
    }
}
