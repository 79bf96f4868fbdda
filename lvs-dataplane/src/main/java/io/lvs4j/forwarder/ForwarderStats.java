package io.lvs4j.forwarder;

import io.lvs4j.packet.DropReason;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of a {@link Forwarder}'s counters since it opened, and of its connection table's fill.
 * Packets the packet path dropped are counted by {@link DropReason}: among them
 * {@link DropReason#TABLE_FULL} and {@link DropReason#EARLY_DROP}, the new connections the
 * connection table's limit and flood defence refused.
 */
public final class ForwarderStats {
    private final long received;
    private final long toRealServer;
    private final long toClient;
    private final long truncated;
    private final long notForUs;
    private final long unresolvedLinkAddress;
    private final long arpRequests;
    private final long arpAnswered;
    private final long checksumsCompleted;
    private final long sendErrors;
    private final long kernelDrops;
    private final Map<DropReason, Long> drops;
    private final int unresolvedRealServers;
    private final int connections;
    private final int maxConnections;
    private final long halfOpenEvictions;
    private final Map<NeighbourRefusal, Long> neighbourRefused;

    ForwarderStats(long[] c, Map<DropReason, Long> drops, int unresolvedRealServers, int connections,
            int maxConnections, long halfOpenEvictions, Map<NeighbourRefusal, Long> neighbourRefused) {
        this.received = c[0];
        this.toRealServer = c[1];
        this.toClient = c[2];
        this.truncated = c[3];
        this.notForUs = c[4];
        this.unresolvedLinkAddress = c[5];
        this.arpRequests = c[6];
        this.arpAnswered = c[7];
        this.checksumsCompleted = c[8];
        this.sendErrors = c[9];
        this.kernelDrops = c[10];
        this.drops = Map.copyOf(drops);
        this.unresolvedRealServers = unresolvedRealServers;
        this.connections = connections;
        this.maxConnections = maxConnections;
        this.halfOpenEvictions = halfOpenEvictions;
        this.neighbourRefused = Map.copyOf(neighbourRefused);
    }

    /** Frames read from the interfaces (the forwarder's own outgoing frames excluded). */
    public long received() {
        return received;
    }

    /** Frames sent to a real server (rewritten for NAT, DR or a tunnel). */
    public long toRealServer() {
        return toRealServer;
    }

    /** NAT replies sent back to a client. */
    public long toClient() {
        return toClient;
    }

    /** Frames longer than the forwarder takes whole (e.g. a GSO super-packet), dropped. */
    public long truncated() {
        return truncated;
    }

    /** Frames addressed to another host or to a multicast group, ignored. */
    public long notForUs() {
        return notForUs;
    }

    /** Frames dropped because the next hop's MAC was not known. */
    public long unresolvedLinkAddress() {
        return unresolvedLinkAddress;
    }

    /** ARP requests sent for real servers. */
    public long arpRequests() {
        return arpRequests;
    }

    /** ARP requests for a virtual address the forwarder answered. */
    public long arpAnswered() {
        return arpAnswered;
    }

    /** Frames whose offloaded transport checksum the forwarder completed. */
    public long checksumsCompleted() {
        return checksumsCompleted;
    }

    /** Frames the kernel refused to send. */
    public long sendErrors() {
        return sendErrors;
    }

    /** Frames the kernel dropped before the forwarder read them (full receive buffer). */
    public long kernelDrops() {
        return kernelDrops;
    }

    /** The packet path's drops by reason (malformed, no service, table full, ...), non-zero ones only. */
    public Map<DropReason, Long> drops() {
        return drops;
    }

    /** Real servers whose MAC is not known yet (not yet scheduled). */
    public int unresolvedRealServers() {
        return unresolvedRealServers;
    }

    /** Entries (connections and persistence templates) in the connection table now. */
    public int connections() {
        return connections;
    }

    /** The connection table's limit ({@link Forwarder.Builder#maxConnections(int)}). */
    public int maxConnections() {
        return maxConnections;
    }

    /** Half-open connections the flood defence dropped from the connection table. */
    public long halfOpenEvictions() {
        return halfOpenEvictions;
    }

    /**
     * ARP and neighbour discovery frames refused by reason (non-zero ones only): those that may
     * not set a real server's MAC (ARP between other hosts, an invalid or
     * non-overriding advertisement, ...)
     * and invalid solicitations for a virtual address, which are not answered.
     */
    public Map<NeighbourRefusal, Long> neighbourRefused() {
        return neighbourRefused;
    }

    /** ARP and neighbour discovery frames refused for that reason. */
    public long neighbourRefused(NeighbourRefusal reason) {
        return neighbourRefused.getOrDefault(reason, 0L);
    }

    /** Drops for that reason. */
    public long drops(DropReason reason) {
        return drops.getOrDefault(reason, 0L);
    }

    /** All drops of the packet path. */
    public long dropped() {
        long n = 0;
        for (long v : drops.values()) {
            n += v;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ForwarderStats s && received == s.received && toRealServer == s.toRealServer
                && toClient == s.toClient && truncated == s.truncated && notForUs == s.notForUs
                && unresolvedLinkAddress == s.unresolvedLinkAddress && arpRequests == s.arpRequests
                && arpAnswered == s.arpAnswered && checksumsCompleted == s.checksumsCompleted
                && sendErrors == s.sendErrors && kernelDrops == s.kernelDrops && drops.equals(s.drops)
                && unresolvedRealServers == s.unresolvedRealServers && connections == s.connections
                && maxConnections == s.maxConnections && halfOpenEvictions == s.halfOpenEvictions
                && neighbourRefused.equals(s.neighbourRefused);
    }

    @Override
    public int hashCode() {
        return Objects.hash(received, toRealServer, toClient, truncated, notForUs, unresolvedLinkAddress, arpRequests,
                arpAnswered, checksumsCompleted, sendErrors, kernelDrops, drops, unresolvedRealServers, connections,
                maxConnections, halfOpenEvictions, neighbourRefused);
    }

    @Override
    public String toString() {
        return "ForwarderStats[received=" + received + ", toRealServer=" + toRealServer + ", toClient=" + toClient
                + ", truncated=" + truncated + ", notForUs=" + notForUs + ", unresolvedLinkAddress="
                + unresolvedLinkAddress + ", arpRequests=" + arpRequests + ", arpAnswered=" + arpAnswered
                + ", checksumsCompleted=" + checksumsCompleted + ", sendErrors=" + sendErrors + ", kernelDrops="
                + kernelDrops + ", drops=" + drops + ", unresolvedRealServers=" + unresolvedRealServers
                + ", connections=" + connections + ", maxConnections=" + maxConnections + ", halfOpenEvictions="
                + halfOpenEvictions + ", neighbourRefused=" + neighbourRefused + "]";
    }
}
