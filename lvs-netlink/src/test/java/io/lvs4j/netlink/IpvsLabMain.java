package io.lvs4j.netlink;

import io.lvs4j.table.IpvsBatchException;

import io.lvs4j.RealServer;
import io.lvs4j.SchedulerFlag;
import io.lvs4j.ServiceKey;
import io.lvs4j.SyncDaemon;
import io.lvs4j.Timeouts;
import io.lvs4j.TunnelChecksum;
import io.lvs4j.TunnelType;
import io.lvs4j.VirtualService;
import java.net.InetAddress;

/**
 * Runs inside the lab's UML kernel (started by {@link IpvsRoundTripIT}). {@code write} programs
 * the rules of {@link IpvsRoundTripIT#IPVSADM_RULES} through lvs4j; {@code read} prints what
 * lvs4j reads back; {@code errors} prints the messages of failing operations.
 */
public final class IpvsLabMain {
    private IpvsLabMain() {}

    public static void main(String[] args) throws Exception {
        try (Ipvs ipvs = Ipvs.open()) {
            switch (args[0]) {
                case "write":
                    write(ipvs);
                    break;
                case "read":
                    for (VirtualService s : ipvs.services()) {
                        System.out.println(sorted(s));
                    }
                    System.out.println("timeouts " + ipvs.timeouts());
                    System.out.println("daemons " + ipvs.daemons());
                    System.out.println("info " + ipvs.info().versionText() + " " + ipvs.info().connectionTableSize());
                    break;
                case "errors":
                    errors(ipvs);
                    break;
                default:
                    throw new IllegalArgumentException(args[0]);
            }
        }
        System.out.println("available " + Ipvs.isAvailable());
    }

    /** The service with its real servers sorted by address and port (the kernel lists newest first). */
    static String sorted(VirtualService s) {
        java.util.List<RealServer> rs = new java.util.ArrayList<>(s.realServers());
        rs.sort(java.util.Comparator.comparing(RealServer::endpoint));
        return s.toBuilder().clearRealServers().realServers(rs).build().toString();
    }

    /** The services {@code write} programs, equivalent to {@link IpvsRoundTripIT#IPVSADM_RULES}. */
    static java.util.List<VirtualService> rules() {
        return java.util.List.of(
                VirtualService.tcp("192.0.2.10", 80).scheduler("wrr")
                        .realServer(RealServer.of("10.0.0.1", 8080).masquerade().weight(3))
                        .realServer(RealServer.of("10.0.0.2", 80).route().weight(1).upperThreshold(100).lowerThreshold(10))
                        .build(),
                VirtualService.udp("2001:db8::1", 53).scheduler("rr")
                        .realServer(RealServer.of("2001:db8:1::2", 53).masquerade().weight(2)).build(),
                VirtualService.fwmark(7).scheduler("sh").flags(SchedulerFlag.SH_PORT)
                        .persistenceSeconds(300).persistenceNetmask("255.255.255.0")
                        .realServer(RealServer.of("10.0.0.3", 0).route()).build(),
                VirtualService.sctp("192.0.2.11", 3868).scheduler("mh")
                        .flags(SchedulerFlag.MH_FALLBACK, SchedulerFlag.MH_PORT)
                        .realServer(RealServer.of("10.0.0.4", 3868).tunnel(TunnelType.GUE).tunnelPort(6080)
                                .tunnelChecksum(TunnelChecksum.CSUM))
                        .realServer(RealServer.of("10.0.0.5", 3868).tunnel(TunnelType.GRE)).build(),
                VirtualService.tcp("192.0.2.12", 443).scheduler("lc").persistenceSeconds(600).build());
    }

    static void write(Ipvs ipvs) throws Exception {
        IpvsBatch batch = ipvs.batch();
        for (VirtualService s : rules()) {
            batch.addService(s);
        }
        batch.setTimeouts(Timeouts.ofSeconds(900, 120, 300)).apply();
        ipvs.startDaemon(SyncDaemon.builder(SyncDaemon.Role.MASTER, "d0").syncId(5).build());
    }

    static void errors(Ipvs ipvs) throws Exception {
        VirtualService s = VirtualService.tcp("192.0.2.10", 80).scheduler("wrr").build();
        ipvs.addService(s);
        print(() -> ipvs.addService(s));
        print(() -> ipvs.addService(VirtualService.tcp("192.0.2.20", 80).scheduler("twos").build()));
        print(() -> ipvs.removeRealServer(s.key(), InetAddress.getByName("10.0.0.99"), 80));
        print(() -> ipvs.updateService(VirtualService.tcp("192.0.2.30", 80).scheduler("rr").build()));
        print(() -> ipvs.batch()
                .addRealServer(s.key(), RealServer.of("10.0.0.1", 80).masquerade().build())
                .addRealServer(s.key(), RealServer.of("10.0.0.1", 80).masquerade().build())
                .addRealServer(s.key(), RealServer.of("10.0.0.2", 80).masquerade().build())
                .apply());
        System.out.println("service now " + ipvs.service(s.key()).orElseThrow());
        System.out.println("absent " + ipvs.service(ServiceKey.of(io.lvs4j.Protocol.UDP, "192.0.2.99", 1)));
    }

    interface Op {
        void run() throws Exception;
    }

    static void print(Op op) {
        try {
            op.run();
            System.out.println("no error");
        } catch (IpvsBatchException e) {
            System.out.println("batch: " + e.getMessage());
            System.out.println("applied: " + e.applied());
        } catch (Exception e) {
            System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
