package io.lvs4j.forwarder;

import io.lvs4j.RealServer;
import io.lvs4j.Scheduler;
import io.lvs4j.TunnelChecksum;
import io.lvs4j.TunnelType;
import io.lvs4j.VirtualService;
import io.lvs4j.packet.DropReason;
import io.lvs4j.table.RealServerState;
import io.lvs4j.table.ServiceState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;

/**
 * The director of {@link ForwarderTunLabIT}, run inside User-Mode Linux: a userspace
 * {@link Forwarder} in namespace {@code tund} on {@code eth0}, one round-robin service per tunnel
 * scenario (argument list: {@code NAME VIP TYPE CHECKSUM PORT RS1 RS2}, seven words each), until
 * the file {@code STOP} exists (at most 900 s). Prints {@code READY} once every real server's MAC
 * is known (and creates {@code READY_FILE}), then the forwarder's counters as {@code STATS} lines.
 * Usage: {@code READY_FILE STOP_FILE (NAME VIP TYPE CHECKSUM PORT RS1 RS2)...}
 */
public final class ForwarderTunLabMain {
    private ForwarderTunLabMain() {}

    public static void main(String[] args) throws Exception {
        Path ready = Paths.get(args[0]);
        Path stop = Paths.get(args[1]);
        Forwarder.Builder b = Forwarder.builder().netns("tund").interfaces("eth0");
        for (int i = 2; i + 7 <= args.length; i += 7) {
            TunnelType type = TunnelType.of(args[i + 2]);
            TunnelChecksum checksum = TunnelChecksum.valueOf(args[i + 3]);
            int port = Integer.parseInt(args[i + 4]);
            VirtualService.Builder vs = VirtualService.tcp(args[i + 1], 80).scheduler(Scheduler.RR);
            for (String rs : new String[] {args[i + 5], args[i + 6]}) {
                RealServer.Builder r = RealServer.of(rs, 80).tunnel(type).tunnelChecksum(checksum);
                if (port != 0) {
                    r.tunnelPort(port);
                }
                vs.realServer(r);
            }
            b.service(vs.build());
        }
        try (Forwarder f = b.open().start()) {
            if (!f.awaitResolved(Duration.ofSeconds(60))) {
                System.out.println("UNRESOLVED " + f.stats());
                return;
            }
            System.out.println("READY");
            System.out.flush();
            Files.writeString(ready, "ready\n");
            long end = System.nanoTime() + Duration.ofSeconds(900).toNanos();
            while (!Files.exists(stop) && System.nanoTime() - end < 0) {
                Thread.sleep(50);
            }
            ForwarderStats s = f.stats();
            System.out.println("STATS toRealServer " + s.toRealServer());
            System.out.println("STATS toClient " + s.toClient());
            System.out.println("STATS dropped " + s.dropped());
            System.out.println("STATS unresolvedLinkAddress " + s.unresolvedLinkAddress());
            System.out.println("STATS sendErrors " + s.sendErrors());
            for (DropReason r : DropReason.values()) {
                if (s.drops(r) != 0) {
                    System.out.println("DROP " + r + " " + s.drops(r));
                }
            }
            for (ServiceState service : f.table().serviceStates()) {
                for (RealServerState rs : service.realServers()) {
                    System.out.println("DEST " + service.service().key().address().getHostAddress() + " "
                            + rs.server().address().getHostAddress() + " " + rs.stats().connections() + " "
                            + rs.stats().packetsIn());
                }
            }
            System.out.println("FAILURE " + f.lastFailure());
        }
    }
}
