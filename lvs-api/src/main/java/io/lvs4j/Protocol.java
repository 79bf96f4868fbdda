package io.lvs4j;

import io.lvs4j.internal.Preconditions;

/** The transport protocols IPVS balances. */
public enum Protocol {
    TCP(6),
    UDP(17),
    SCTP(132);

    private final int number;

    Protocol(int number) {
        this.number = number;
    }

    /** The IP protocol number ({@code IPPROTO_*}). */
    public int number() {
        return number;
    }

    /** The protocol of that IP protocol number. */
    public static Protocol ofNumber(int number) {
        for (Protocol p : values()) {
            if (p.number == number) {
                return p;
            }
        }
        throw Preconditions.invalid("protocol", number, "6 (TCP), 17 (UDP) or 132 (SCTP)");
    }

    /** The protocol of that name, case-insensitive. */
    public static Protocol of(String name) {
        Preconditions.checkNotNull(name, "protocol");
        for (Protocol p : values()) {
            if (p.name().equalsIgnoreCase(name.trim())) {
                return p;
            }
        }
        throw Preconditions.invalid("protocol", name, "one of TCP, UDP, SCTP");
    }
}
