package io.lvs4j.netlink;

/**
 * A network interface as rtnetlink reports it: index, name, {@code IFF_*} flags, hardware address
 * (null when the link has none), kind ({@code IFLA_INFO_KIND}: {@code "macvlan"}, {@code "veth"};
 * empty for a physical device) and lower link ({@code IFLA_LINK}: the index a macvlan or a veth
 * sits on; 0 when none).
 */
public record Link(int index, String name, int flags, byte[] hardwareAddress, String kind, int lowerIndex) {
    public Link {
        kind = kind == null ? "" : kind;
    }

    /** A link of no particular kind. */
    public Link(int index, String name, int flags, byte[] hardwareAddress) {
        this(index, name, flags, hardwareAddress, "", 0);
    }

    static final int IFF_UP = 0x1;
    static final int IFF_RUNNING = 0x40;
    static final int IFF_LOWER_UP = 0x10000;

    /** Administratively up ({@code IFF_UP}). */
    public boolean adminUp() {
        return (flags & IFF_UP) != 0;
    }

    /** Up and with carrier ({@code IFF_UP} and {@code IFF_RUNNING}): what keepalived's track_interface watches. */
    public boolean operational() {
        return (flags & IFF_UP) != 0 && (flags & IFF_RUNNING) != 0;
    }

    @Override
    public String toString() {
        return "Link[" + index + " " + name + " flags=0x" + Integer.toHexString(flags) + (operational() ? " up" : " down")
                + "]";
    }
}
