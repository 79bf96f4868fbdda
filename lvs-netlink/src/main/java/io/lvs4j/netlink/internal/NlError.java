package io.lvs4j.netlink.internal;

import io.netty.buffer.ByteBuf;

/**
 * An {@code NLMSG_ERROR} message: the error (0 for an ACK), the header of the request it answers,
 * and the extended ACK attributes ({@code NLMSGERR_ATTR_*}) when the kernel sent them.
 */
public final class NlError {
    /** The positive errno, 0 for an acknowledgement. */
    public final int errno;
    public final int requestType;
    public final int requestFlags;
    public final int requestSeq;
    /** {@code NLMSGERR_ATTR_MSG}, or null. */
    public final String message;
    /** {@code NLMSGERR_ATTR_OFFS}: offset of the bad attribute in the request, or -1. */
    public final int badAttrOffset;
    /** {@code NLMSGERR_ATTR_MISS_TYPE}: type of a missing attribute, or -1. */
    public final int missingType;
    /** {@code NLMSGERR_ATTR_MISS_NEST}: offset of the nest missing it, or -1. */
    public final int missingNest;

    private NlError(int errno, int requestType, int requestFlags, int requestSeq, String message,
            int badAttrOffset, int missingType, int missingNest) {
        this.errno = errno;
        this.requestType = requestType;
        this.requestFlags = requestFlags;
        this.requestSeq = requestSeq;
        this.message = message;
        this.badAttrOffset = badAttrOffset;
        this.missingType = missingType;
        this.missingNest = missingNest;
    }

    /** An error carried by something other than NLMSG_ERROR (a dump's NLMSG_DONE). */
    static NlError synthetic(int errno, NlMessage m) {
        return new NlError(errno, m.type, m.flags, m.seq, null, -1, -1, -1);
    }

    private static final String[] TLV_NAMES = {null, "NLMSGERR_ATTR_MSG", "NLMSGERR_ATTR_OFFS",
        "NLMSGERR_ATTR_COOKIE", "NLMSGERR_ATTR_POLICY", "NLMSGERR_ATTR_MISS_TYPE", "NLMSGERR_ATTR_MISS_NEST"};

    /**
     * Decodes the payload of an {@code NLMSG_ERROR} message.
     *
     * @throws NetlinkFormatException if the payload is too short for the error and the request's
     *     header, or the quoted request or the TLVs overrun it
     */
    public static NlError parse(NlMessage m) {
        ByteBuf p = m.payload;
        int base = p.readerIndex();
        int n = p.readableBytes();
        if (n < 4 + Nl.NLMSG_HDRLEN) {
            throw new NetlinkFormatException("NLMSG_ERROR: payload " + n + " bytes (expected: at least 20)");
        }
        int error = NlMessage.readInt(p, base);
        long origLen = Integer.toUnsignedLong(NlMessage.readInt(p, base + 4));
        int origType = NlMessage.readShort(p, base + 8);
        int origFlags = NlMessage.readShort(p, base + 10);
        int origSeq = NlMessage.readInt(p, base + 12);
        if (error > 0 || error == Integer.MIN_VALUE) {
            throw new NetlinkFormatException("NLMSG_ERROR: error " + error + " (expected: 0 or a negative errno)");
        }
        int tlvStart;
        if ((m.flags & Nl.NLM_F_CAPPED) != 0) {
            tlvStart = 4 + Nl.NLMSG_HDRLEN;
        } else {
            if (origLen < Nl.NLMSG_HDRLEN || 4 + origLen > n) {
                throw new NetlinkFormatException("NLMSG_ERROR: quoted request nlmsg_len " + origLen
                        + " (expected: 16.." + (n - 4) + ")");
            }
            tlvStart = (int) Math.min(n, 4 + Nl.align((int) origLen));
        }
        String msg = null;
        int offs = -1;
        int missType = -1;
        int missNest = -1;
        if ((m.flags & Nl.NLM_F_ACK_TLVS) != 0 && tlvStart < n) {
            NlAttrs t = NlAttrs.parse(p.slice(base + tlvStart, n - tlvStart), "NLMSG_ERROR", TLV_NAMES, 6);
            msg = t.string(Nl.NLMSGERR_ATTR_MSG);
            offs = t.u32(Nl.NLMSGERR_ATTR_OFFS, -1);
            missType = t.u32(Nl.NLMSGERR_ATTR_MISS_TYPE, -1);
            missNest = t.u32(Nl.NLMSGERR_ATTR_MISS_NEST, -1);
        }
        return new NlError(-error, origType, origFlags, origSeq, msg, offs, missType, missNest);
    }
}
