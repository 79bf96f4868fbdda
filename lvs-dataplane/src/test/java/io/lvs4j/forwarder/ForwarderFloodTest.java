package io.lvs4j.forwarder;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.RealServer;
import io.lvs4j.Timeouts;
import io.lvs4j.VirtualService;
import io.lvs4j.conn.ConnectionTable;
import io.lvs4j.netlink.internal.PacketSocket;
import io.lvs4j.packet.DropReason;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A forwarder without sockets (its data plane fed frames directly): its stats report the
 * connection table's limit, fill and refusals by reason, and a thread that dies of an error is
 * reported as {@link Forwarder.State#FAILED} to its listeners instead of vanishing.
 */
class ForwarderFloodTest {
    private static final VirtualService WEB = VirtualService.tcp("192.0.2.10", 80).build();
    private static final RealServer RS1 = RealServer.of("198.51.100.11", 80).masquerade().build();

    private volatile long nanos;
    private volatile boolean outOfMemory;

    private Dataplane plane(ConnectionTable t) {
        Dataplane plane = new Dataplane(new PacketSocket[0], new long[] {ClientSegments.OUR_MAC},
                new int[][] {{0xC6336401}}, new int[][] {{24}}, new long[][] {{}}, new long[][] {{}}, new int[][] {{}},
                true, t);
        plane.addService(WEB);
        plane.addRealServer(0, RS1);
        plane.neighbour(0, RS1.address(), 0x02_00_00_00_00_11L);
        return plane;
    }

    @Test
    void stats_reportTheTableLimitFill_andRefusalsByReason() throws Exception {
        ConnectionTable t = ConnectionTable.builder().ticker(() -> nanos).maxConnections(10).defenseThreshold(10)
                .build();
        Dataplane plane = plane(t);
        for (int port = 1000; port < 1025; port++) {
            plane.path().processFrame(ClientSegments.segment(0, port, 0x02));
        }
        try (Forwarder f = new Forwarder(plane, new PacketSocket[0], Timeouts.ofSeconds(900, 120, 300), "test",
                List.of())) {
            ForwarderStats s = f.stats();
            assertThat(s.connections()).isEqualTo(10);
            assertThat(s.maxConnections()).isEqualTo(10);
            assertThat(s.drops(DropReason.TABLE_FULL)).isEqualTo(15);
            assertThat(s.drops(DropReason.EARLY_DROP)).isZero();
            assertThat(s.dropped()).isEqualTo(15);
            assertThat(s.halfOpenEvictions()).isZero();
            assertThat(s.toString()).contains("connections=10", "maxConnections=10", "TABLE_FULL=15");
            assertThat(f.state()).isEqualTo(Forwarder.State.OPEN);
        }
    }

    @Test
    void threadDyingOfAnError_isFailed_tellsTheListeners_andStatsStillAnswer() throws Exception {
        ConnectionTable t = ConnectionTable.builder().ticker(() -> {
            if (outOfMemory) {
                throw new OutOfMemoryError("simulated: Java heap space");
            }
            return nanos;
        }).build();
        Dataplane plane = plane(t);
        List<Throwable> told = new CopyOnWriteArrayList<>();
        List<Forwarder> by = new CopyOnWriteArrayList<>();
        Forwarder f = new Forwarder(plane, new PacketSocket[0], Timeouts.ofSeconds(900, 120, 300), "test",
                List.of((fwd, cause) -> by.add(fwd), (fwd, cause) -> {
                    throw new IllegalStateException("a listener that fails");
                }, (fwd, cause) -> told.add(cause)));
        try {
            f.start();
            assertThat(f.state()).isEqualTo(Forwarder.State.RUNNING);
            outOfMemory = true; // the next timer tick (every 10 ms) reads the ticker
            for (int i = 0; i < 500 && f.state() == Forwarder.State.RUNNING; i++) {
                Thread.sleep(10);
            }
            assertThat(f.state()).isEqualTo(Forwarder.State.FAILED);
            // listeners are told after the transition, on the dying thread: wait for the last one
            for (int i = 0; i < 500 && told.isEmpty(); i++) {
                Thread.sleep(10);
            }
            assertThat(f.failureCause()).isInstanceOf(OutOfMemoryError.class).hasMessageContaining("simulated");
            assertThat(told).hasSize(1).first().isSameAs(f.failureCause());
            assertThat(by).containsExactly(f);
            outOfMemory = false;
            assertThat(f.stats().received()).isZero(); // answered on the caller's thread, not after a 10 s wait
        } finally {
            f.close();
        }
        assertThat(f.state()).isEqualTo(Forwarder.State.CLOSED);
    }
}
