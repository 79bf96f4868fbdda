package io.lvs4j.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.internal.Addresses;
import io.lvs4j.time.VirtualClock;
import io.lvs4j.vrrp.spi.VrrpTransport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A starved JVM: adverts reach the backup's transport (the socket buffer) in time, but the
 * transport hands them to the scheduler only later, after the Master_Down_Timer became due. The
 * timer must count what already arrived ({@link VrrpTransport#deliverPending()}) and not take over,
 * while a master that really sent nothing is still replaced on time.
 */
class StalledDeliveryTest {
    private static final long S = 1_000_000L;

    /** Packets arrive in a queue; the scheduler gets each only {@code lagMicros} later, or at deliverPending. */
    private static final class LaggingTransport implements VrrpTransport {
        final VirtualClock clock;
        final long lagMicros;
        final ArrayDeque<byte[]> pending = new ArrayDeque<>();
        Receiver receiver;
        int deliveredByDrain;

        LaggingTransport(VirtualClock clock, long lagMicros) {
            this.clock = clock;
            this.lagMicros = lagMicros;
        }

        void arrive(byte[] packet) {
            pending.add(packet);
            clock.schedule(lagMicros * 1000, () -> {
                // the late hand-off: delivers this packet unless a drain took it already
                if (pending.remove(packet) && receiver != null) {
                    receiver.receive(Unpooled.wrappedBuffer(packet), null);
                }
            });
        }

        @Override
        public void open(Receiver r) {
            receiver = r;
        }

        @Override
        public void send(ByteBuf packet, InetAddress destination) {}

        @Override
        public void deliverPending() {
            byte[] p;
            while (receiver != null && (p = pending.poll()) != null) {
                deliveredByDrain++;
                receiver.receive(Unpooled.wrappedBuffer(p), null);
            }
        }

        @Override
        public void close() {
            receiver = null;
        }
    }

    /** The master's side: whatever it sends arrives at the backup's transport at once. */
    private record Wire(LaggingTransport to) implements VrrpTransport {
        @Override
        public void open(Receiver r) {}

        @Override
        public void send(ByteBuf packet, InetAddress destination) {
            to.arrive(ByteBufUtil.getBytes(packet));
        }

        @Override
        public void close() {}
    }

    private final VirtualClock clock = new VirtualClock();
    private final List<VrrpEvent.StateChanged> backupTransitions = new ArrayList<>();

    private static VrrpInstance instance(String name, String address, int priority, boolean master) {
        InetAddress a = Addresses.parse(address, "address");
        VrrpInstance.Builder b = VrrpInstance.builder(name).interfaceName("eth0").virtualRouterId(51).version(2)
                .priority(priority).sourceAddress(a).virtualAddress("192.0.2.100");
        if (master) {
            b.initialState(InitialState.MASTER);
        }
        return b.build();
    }

    private VrrpRouter backup(LaggingTransport t) {
        VrrpRouter r = VrrpRouter.create(instance("backup", "192.0.2.2", 99, false), t, clock);
        r.addListener(e -> {
            if (e instanceof VrrpEvent.StateChanged s) {
                backupTransitions.add(s);
            }
        });
        return r;
    }

    @Test
    void masterDownTimer_advertsArrivedButHandedOverLate_backupStaysBackup() {
        // every advert sits 5 s in the transport before the scheduler gets it: the down timer
        // (3 s + skew) is always due first
        LaggingTransport t = new LaggingTransport(clock, 5 * S);
        VrrpRouter backup = backup(t);
        VrrpRouter master = VrrpRouter.create(instance("master", "192.0.2.1", 100, true), new Wire(t), clock);
        backup.start();
        master.start();
        clock.advanceToNanos((30 * S) * 1000);

        assertThat(backup.state()).isEqualTo(RouterState.BACKUP);
        assertThat(backupTransitions).extracting(VrrpEvent.StateChanged::to).containsExactly(RouterState.BACKUP);
        assertThat(t.deliveredByDrain).as("adverts taken from the transport by the expired timer").isPositive();
        assertThat(master.state()).isEqualTo(RouterState.MASTER);
    }

    @Test
    void masterDownTimer_nothingArrived_takesOverAtMasterDownInterval() {
        LaggingTransport t = new LaggingTransport(clock, 5 * S);
        VrrpRouter backup = backup(t);
        backup.start();
        long interval = backup.masterDownIntervalMicros();
        clock.advanceToNanos((interval - 1) * 1000);
        assertThat(backup.state()).isEqualTo(RouterState.BACKUP);
        clock.advanceToNanos((interval) * 1000);

        assertThat(backup.state()).isEqualTo(RouterState.MASTER);
        assertThat(backupTransitions).last().satisfies(s -> {
            assertThat(s.reason()).isEqualTo(TransitionReason.MASTER_DOWN);
            assertThat(s.nanos() / 1000).isEqualTo(interval);
        });
    }

    @Test
    void masterDownTimer_masterStopsSending_takesOverOneIntervalAfterItsLastAdvertArrived() {
        LaggingTransport t = new LaggingTransport(clock, 5 * S);
        VrrpRouter backup = backup(t);
        VrrpRouter master = VrrpRouter.create(instance("master", "192.0.2.1", 100, true), new Wire(t), clock);
        backup.start();
        master.start();
        clock.advanceToNanos((10 * S + 500_000) * 1000);
        master.stop(); // its priority-0 advert arrives: the backup takes over after Skew_Time once it counts
        long stoppedAt = clock.nanos() / 1000;
        clock.advanceToNanos((30 * S) * 1000);

        assertThat(backup.state()).isEqualTo(RouterState.MASTER);
        // the priority-0 advert reached the transport at stoppedAt; a drain by the next expired
        // timer (due within Master_Down_Interval) counts it, and Skew_Time later the backup is master
        assertThat(backupTransitions).last().satisfies(s -> {
            assertThat(s.reason()).isEqualTo(TransitionReason.MASTER_DOWN);
            assertThat(s.nanos() / 1000).isGreaterThan(stoppedAt)
                    .isLessThanOrEqualTo(stoppedAt + backup.masterDownIntervalMicros() + backup.skewTimeMicros());
        });
    }
}
