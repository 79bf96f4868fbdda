package io.lvs4j.packet;

/** What the packet path decided for one packet. */
public enum Verdict {
    /** Rewritten for a real server (NAT destination, DR MACs or tunnel header). */
    TO_REAL_SERVER,
    /** A NAT reply rewritten back to the virtual address, for the client. */
    TO_CLIENT,
    /** Dropped; the reason was counted in {@link DropCounters}. */
    DROP
}
