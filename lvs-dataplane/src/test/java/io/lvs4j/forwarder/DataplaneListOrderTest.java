package io.lvs4j.forwarder;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.RealServer;
import io.lvs4j.Scheduler;
import io.lvs4j.SchedulerFlag;
import io.lvs4j.VirtualService;
import io.lvs4j.conn.ConnectionTable;
import io.lvs4j.internal.Addresses;
import io.lvs4j.netlink.internal.PacketSocket;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Real servers join a forwarder's scheduler when their link address arrives, in whatever order
 * that is. For mh (and sh, dh) the list order decides the table, so two forwarders given the same
 * real servers in the same order must list them alike however their ARP replies came in: otherwise
 * a flow that moves from one director to the other reaches another real server.
 */
class DataplaneListOrderTest {
    private static final int DIRECTOR = 0xC6336401; // 198.51.100.1/24
    private static final String[] SERVERS = {"198.51.100.11", "198.51.100.12", "198.51.100.13"};

    private static Dataplane plane(Scheduler algorithm, long seed, int... resolveOrder) {
        Dataplane p = new Dataplane(new PacketSocket[0], new long[] {0x5254_0000_0001L}, new int[][] {{DIRECTOR}},
                new int[][] {{24}}, new long[][] {{}}, new long[][] {{}}, new int[][] {{}}, true,
                ConnectionTable.builder().hashSeed(seed).build());
        int svc = p.addService(VirtualService.tcp("192.0.2.10", 80).scheduler(algorithm)
                .flags(algorithm == Scheduler.MH ? java.util.Set.of(SchedulerFlag.MH_PORT) : java.util.Set.of()).build());
        for (String s : SERVERS) {
            p.addRealServer(svc, RealServer.of(s, 80).weight(s.endsWith("3") ? 2 : 1).build());
        }
        for (int i : resolveOrder) {
            p.neighbour(0, Addresses.parse(SERVERS[i], "rs"), 0x5254_0000_0010L + i);
        }
        assertThat(p.unresolvedServers()).isEqualTo(SERVERS.length - resolveOrder.length);
        return p;
    }

    /** The real server (last address byte) each of n random flows is sent to. */
    private static int[] picks(Dataplane p, int n) {
        ConnectionTable t = p.connectionTable();
        SplittableRandom r = new SplittableRandom(11);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int id = t.connectIpv4(0, 6, 0xCB007100 | r.nextInt(256), 1024 + r.nextInt(60000), 0xC000020A, 80);
            assertThat(id).isNotNegative();
            out[i] = t.destinationIpv4(id) & 0xFF;
        }
        return out;
    }

    @Test
    void mh_realServersResolvedInAnotherOrder_sameRealServerForEveryFlow() {
        Dataplane a = plane(Scheduler.MH, 1, 0, 1, 2);
        Dataplane b = plane(Scheduler.MH, 2, 2, 0, 1);
        Dataplane c = plane(Scheduler.MH, 3, 1, 2, 0);
        int[] pa = picks(a, 3000);
        assertThat(picks(b, 3000)).isEqualTo(pa);
        assertThat(picks(c, 3000)).isEqualTo(pa);
        assertThat(pa).contains(11, 12, 13);
    }

    @Test
    void sh_realServersResolvedInAnotherOrder_sameRealServerForEveryFlow() {
        assertThat(picks(plane(Scheduler.SH, 1, 2, 1, 0), 2000)).isEqualTo(picks(plane(Scheduler.SH, 2, 0, 1, 2), 2000));
    }

    @Test
    void rr_resolvedServer_joinsAtTheHeadAsIpvsadmAdds() {
        Dataplane p = plane(Scheduler.RR, 1, 2, 0);
        // list: newest first, as the kernel's list_add: .11 (resolved last) then .13
        int[] first = picks(p, 2);
        assertThat(first).containsExactly(11, 13);
    }
}
