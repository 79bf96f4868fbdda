package io.lvs4j.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.internal.Addresses;
import io.lvs4j.time.VirtualClock;
import io.lvs4j.vrrp.spi.VrrpTransport;
import io.netty.buffer.ByteBuf;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: a master that ran out of memory must still send priority 0 when it stops. The stop of
 * a master (advert, transition, events) allocates next to nothing: the advert is encoded into the
 * router's transmit buffer, allocated when it was made.
 */
class ShutdownAllocationTest {
    /** Keeps the last packet in an array of its own: sending allocates nothing here. */
    private static final class Wire implements VrrpTransport {
        final byte[] last = new byte[2048];
        int length;
        int sent;

        @Override
        public void open(Receiver receiver) {
        }

        @Override
        public void send(ByteBuf packet, InetAddress destination) {
            length = packet.readableBytes();
            packet.getBytes(packet.readerIndex(), last, 0, length);
            sent++;
        }

        @Override
        public void close() {
        }

        /** The VRRP priority of the last packet (a whole IPv4 packet). */
        int priority() {
            return last[(last[0] & 0x0f) * 4 + 2] & 0xff;
        }
    }

    private static VrrpRouter master(VirtualClock clock, Wire wire, String address) {
        VrrpInstance i = VrrpInstance.builder("VI_1").interfaceName("eth0").virtualRouterId(51).version(3).priority(100)
                .sourceAddress(Addresses.parse(address, "address")).virtualAddress("192.0.2.100").build();
        VrrpRouter r = VrrpRouter.create(i, wire, clock);
        r.addListener(e -> { });
        r.start();
        clock.advance(Duration.ofSeconds(5));
        assertThat(r.state()).isEqualTo(RouterState.MASTER);
        return r;
    }

    private static Object threads;
    private static Method allocatedBytes;

    /** The bytes this thread allocated so far (com.sun.management.ThreadMXBean, reached by reflection: this
     * module reads neither java.management nor jdk.management). */
    private static long allocated() {
        try {
            if (allocatedBytes == null) {
                threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean")
                        .invoke(null);
                allocatedBytes = Class.forName("com.sun.management.ThreadMXBean")
                        .getMethod("getCurrentThreadAllocatedBytes");
                allocatedBytes.invoke(threads);
            }
            return (long) allocatedBytes.invoke(threads);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("no allocation counter in this JVM", e);
        }
    }

    @Test
    void stop_master_sendsPriorityZeroAllocatingUnderThreeKibibytes() {
        VirtualClock clock = new VirtualClock();
        master(clock, new Wire(), "192.0.2.11").stop(); // classes loaded, code warm
        Wire wire = new Wire();
        VrrpRouter r = master(clock, wire, "192.0.2.12");
        int before = wire.sent;
        allocated();
        long start = allocated();
        r.stop();
        long used = allocated() - start;
        assertThat(wire.sent).as("adverts sent by the stop").isEqualTo(before + 1);
        assertThat(wire.priority()).as("the stop's advert's priority").isZero();
        assertThat(r.state()).isEqualTo(RouterState.INIT);
        System.out.println("== a master's stop (priority 0 advert, INIT, events) allocated " + used + " bytes");
        assertThat(used).as("bytes allocated by the stop").isLessThan(3072);
    }
}
