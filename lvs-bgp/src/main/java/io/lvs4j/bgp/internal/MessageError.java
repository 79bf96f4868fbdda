package io.lvs4j.bgp.internal;

import io.lvs4j.bgp.BgpNotification;

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

    private final BgpNotification notification;
    private final Action action;
    private final String reason;

    public MessageError(int code, int subcode, byte[] data, Action action, String reason) {
        this.notification = BgpNotification.of(code, subcode, data);
        this.action = action;
        this.reason = reason;
    }

    /** The NOTIFICATION that answers the error. */
    public BgpNotification notification() {
        return notification;
    }

    public int code() {
        return notification.code();
    }

    public int subcode() {
        return notification.subcode();
    }

    public byte[] data() {
        return notification.data();
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
        byte[] data = notification.data();
        return code() + "/" + subcode() + " " + action + " (" + reason + ")" + (data.length == 0 ? ""
                : " data=" + io.netty.buffer.ByteBufUtil.hexDump(data));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageError e && e.notification.equals(notification) && e.action == action;
    }

    @Override
    public int hashCode() {
        return notification.hashCode();
    }
}
