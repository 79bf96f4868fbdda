package io.lvs4j.bgp.internal;

import java.util.Arrays;

/**
 * What is wrong with a received message: the NOTIFICATION's error code, subcode and data (RFC 4271
 * section 6), and what RFC 7606 says to do about it.
 */
public final class MessageError {
    /** RFC 7606's approaches, worst first. */
    public enum Action {
        /** Send the NOTIFICATION and close the session. */
        SESSION_RESET,
        /** Keep the session; treat the UPDATE's routes as withdrawn. */
        TREAT_AS_WITHDRAW,
        /** Keep the session; drop the attribute. */
        ATTRIBUTE_DISCARD
    }

    private final int code;
    private final int subcode;
    private final byte[] data;
    private final Action action;
    private final String reason;

    public MessageError(int code, int subcode, byte[] data, Action action, String reason) {
        this.code = code;
        this.subcode = subcode;
        this.data = data.clone();
        this.action = action;
        this.reason = reason;
    }

    public int code() {
        return code;
    }

    public int subcode() {
        return subcode;
    }

    public byte[] data() {
        return data.clone();
    }

    public Action action() {
        return action;
    }

    /** A short explanation for logs, e.g. {@code ORIGIN value 7}. */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return code + "/" + subcode + " " + action + " (" + reason + ")" + (data.length == 0 ? ""
                : " data=" + io.netty.buffer.ByteBufUtil.hexDump(data));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageError e && e.code == code && e.subcode == subcode && e.action == action
                && Arrays.equals(e.data, data);
    }

    @Override
    public int hashCode() {
        return (code * 31 + subcode) * 31 + Arrays.hashCode(data);
    }
}
