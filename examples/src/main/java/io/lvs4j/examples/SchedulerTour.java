package io.lvs4j.examples;

import io.lvs4j.RealServer;
import io.lvs4j.Scheduler;
import io.lvs4j.VirtualService;
import io.lvs4j.internal.Addresses;
import io.lvs4j.sched.DestinationTable;
import io.lvs4j.sched.ServiceScheduler;
import java.net.Inet4Address;
import java.util.Random;

/**
 * Builds a virtual service with the fluent API and shows which real server every IPVS scheduler
 * picks for the same stream of clients, as the kernel would.
 *
 * <p>Each client opens a connection that stays open for a few more arrivals, so the
 * connection-counting schedulers (lc, wlc, sed, nq, ovf, lblc, lblcr) see changing loads.
 */
public final class SchedulerTour {
    private static final int CLIENTS = 16;
    private static final int CONNECTION_LIFETIME = 4; // arrivals a connection stays open for

    private SchedulerTour() {}

    public static void main(String[] args) {
        VirtualService web = VirtualService.tcp("192.0.2.10", 80)
                .realServer(RealServer.of("10.0.0.2", 80).weight(3).masquerade())
                .realServer(RealServer.of("10.0.0.3", 80).weight(2).masquerade())
                .realServer(RealServer.of("10.0.0.4", 80).weight(1).masquerade().upperThreshold(3))
                .build();
        int vip = Addresses.toInt((Inet4Address) web.key().address());

        System.out.println("Virtual service " + web.key() + " with real servers:");
        for (RealServer r : web.realServers()) {
            System.out.println("  " + r.endpoint() + " weight " + r.weight()
                    + (r.upperThreshold() != 0 ? ", overloaded at " + r.upperThreshold() + " connections" : ""));
        }
        System.out.println(CLIENTS + " clients 198.51.100.1.." + CLIENTS + " connect one after another;"
                + " each connection stays open for " + CONNECTION_LIFETIME + " arrivals; -- means no server available.");
        System.out.println();
        System.out.printf("%-6s %s%n", "sched", "real server picked for client 1.." + CLIENTS + " (.2 = 10.0.0.2)");

        for (Scheduler algorithm : Scheduler.values()) {
            DestinationTable table = DestinationTable.create(web.family());
            for (RealServer r : web.realServers()) { // added in order, as ipvsadm -a lines would
                table.add(r.address(), r.port(), r.weight(), r.lowerThreshold(), r.upperThreshold());
            }
            long[] now = {0};
            ServiceScheduler.Builder options = ServiceScheduler.builder(algorithm, table);
            if (algorithm == Scheduler.LBLC || algorithm == Scheduler.LBLCR) {
                options.ticker(() -> now[0]); // time drives their cache expiry
            }
            if (algorithm == Scheduler.TWOS) {
                options.random(new Random(42)); // a seeded draw, so the tour repeats
            }
            try (ServiceScheduler scheduler = options.build()) {
                StringBuilder line = new StringBuilder();
                int[] open = new int[CONNECTION_LIFETIME]; // the connection opened LIFETIME arrivals ago
                java.util.Arrays.fill(open, ServiceScheduler.NONE);
                for (int i = 1; i <= CLIENTS; i++) {
                    now[0] += 1_000_000_000L;
                    int slot = i % CONNECTION_LIFETIME;
                    if (open[slot] != ServiceScheduler.NONE) {
                        table.unbind(open[slot], true);
                        open[slot] = ServiceScheduler.NONE;
                    }
                    int client = 0xC6336400 + i; // 198.51.100.i
                    int h = scheduler.pickIpv4(client, 40000 + i, vip, 80);
                    if (h == ServiceScheduler.NONE) {
                        line.append(" --");
                        continue;
                    }
                    table.bind(h, true);
                    open[slot] = h;
                    byte[] a = table.address(h).getAddress();
                    line.append(" .").append(a[3] & 0xff);
                }
                System.out.printf("%-6s%s%n", algorithm.kernelName(), line);
            }
        }
    }
}
