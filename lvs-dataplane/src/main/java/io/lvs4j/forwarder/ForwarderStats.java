package io.lvs4j.forwarder;

import io.lvs4j.packet.DropReason;
import java.util.Map;

/**
 * A snapshot of a {@link Forwarder}'s counters since it opened.
 *
 * @param received frames read from the interfaces (the forwarder's own outgoing frames excluded)
 * @param toRealServer frames sent to a real server (rewritten for NAT, DR or a tunnel)
 * @param toClient NAT replies sent back to a client
 * @param truncated frames longer than the forwarder takes whole (e.g. a GSO super-packet), dropped
 * @param notForUs frames addressed to another host or to a multicast group, ignored
 * @param unresolvedLinkAddress frames dropped because the next hop's MAC was not known
 * @param arpRequests ARP requests sent for real servers
 * @param arpAnswered ARP requests for a virtual address the forwarder answered
 * @param checksumsCompleted frames whose offloaded transport checksum the forwarder completed
 * @param sendErrors frames the kernel refused to send
 * @param kernelDrops frames the kernel dropped before the forwarder read them (full receive buffer)
 * @param drops the packet path's drops by reason (malformed, no service, ...), non-zero ones only
 * @param unresolvedRealServers real servers whose MAC is not known yet (not yet scheduled)
 */
public record ForwarderStats(long received, long toRealServer, long toClient, long truncated, long notForUs,
        long unresolvedLinkAddress, long arpRequests, long arpAnswered, long checksumsCompleted, long sendErrors,
        long kernelDrops, Map<DropReason, Long> drops, int unresolvedRealServers) {
    public ForwarderStats {
        drops = Map.copyOf(drops);
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
}
