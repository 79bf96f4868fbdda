package io.lvs4j.vrrp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.internal.Addresses;
import io.lvs4j.time.ThreadScheduler;
import io.lvs4j.time.VirtualClock;
import io.lvs4j.vrrp.memory.InMemoryNetwork;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** {@link VrrpNodeContract} on an in-memory link and a virtual clock. */
class VrrpNodeInMemoryTest extends VrrpNodeContract {
    private final VirtualClock clock = new VirtualClock();
    private final InMemoryNetwork network = new InMemoryNetwork(clock);

    @Override
    protected String interfaceName() {
        return "eth0";
    }

    @Override
    protected VrrpNode.Builder<?> builder() {
        return VrrpNode.builder(network.node("n1", Addresses.parse("192.0.2.1", "address")));
    }

    @Override
    protected boolean await(Duration max, BooleanSupplier condition) {
        for (long waited = 0; waited <= max.toMillis(); waited += 10) {
            if (condition.getAsBoolean()) {
                return true;
            }
            clock.advance(Duration.ofMillis(10));
            if (!condition.getAsBoolean()) {
                try {
                    Thread.sleep(0, 100_000); // a notify command runs on a real thread
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return condition.getAsBoolean();
    }

    @Override
    protected boolean holds(String vip) {
        boolean held = false;
        synchronized (events) {
            for (VrrpEvent e : events) {
                if (e instanceof VrrpEvent.AddressesAdded a
                        && a.addresses().stream().anyMatch(v -> v.address().getHostAddress().equals(vip))) {
                    held = true;
                } else if (e instanceof VrrpEvent.AddressesRemoved r
                        && r.addresses().stream().anyMatch(v -> v.address().getHostAddress().equals(vip))) {
                    held = false;
                }
            }
        }
        return held;
    }

    @Test
    void scheduler_otherThanTheNetworksClock_refused() {
        try (ThreadScheduler other = new ThreadScheduler("other")) {
            assertThatThrownBy(() -> builder().scheduler(other)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("scheduler: ThreadScheduler[other] (expected: the in-memory network's VirtualClock)");
        }
    }

    @Test
    void nodeWithoutAddress_instanceWithoutSourceAddress_refused() {
        assertThatThrownBy(() -> VrrpNode.builder(network.node("n2")).instance(instance("VI_1", 70)
                .virtualAddress("192.0.2.100/24").build()).start()).isInstanceOf(IllegalStateException.class)
                .hasMessage("vrrp_instance VI_1 source address: null (expected: unicast_src_ip, or the in-memory"
                        + " node's address)");
    }

    @Test
    void twoNodes_trackedInterfaceDown_faultAndTheOtherTakesOver() throws Exception {
        VrrpNode a = start(builder().instance(instance("VI_1", 71).priority(200).virtualAddress("192.0.2.100/24")
                .trackInterface("eth1").build()));
        VrrpNode b = start(VrrpNode.builder(network.node("n2", Addresses.parse("192.0.2.2", "address")))
                .instance(instance("VI_1", 71).virtualAddress("192.0.2.100/24").build()));
        clock.advance(Duration.ofSeconds(2));
        assertThat(a.call(() -> a.router("VI_1").state())).isEqualTo(RouterState.MASTER);
        network.interfaceUp("n1", "eth1", false);
        clock.advance(Duration.ofSeconds(2));
        assertThat(a.call(() -> a.router("VI_1").state())).isEqualTo(RouterState.FAULT);
        assertThat(b.call(() -> b.router("VI_1").state())).isEqualTo(RouterState.MASTER);
    }

    @Test
    void build_notStarted_sendsNothingUntilStart() {
        java.util.List<RouterState> seen = new java.util.ArrayList<>();
        VrrpNode peer = VrrpNode.builder(network.node("n2", Addresses.parse("192.0.2.2", "address")))
                .instance(instance("VI_1", 70).priority(100).virtualAddress("192.0.2.100/24").build()).start();
        VrrpNode built = VrrpNode.builder(network.node("n1", Addresses.parse("192.0.2.1", "address")))
                .instance(instance("VI_1", 70).priority(200).virtualAddress("192.0.2.100/24")
                .build()).listener(e -> {
                    if (e instanceof VrrpEvent.StateChanged s) {
                        seen.add(s.to());
                    }
                }).build();
        try {
            clock.advance(Duration.ofSeconds(2));
            assertThat(peer.call(() -> peer.router("VI_1").state())).isEqualTo(RouterState.MASTER);
            assertThat(built.call(() -> built.router("VI_1").state())).isEqualTo(RouterState.INIT);
            assertThat(seen).isEmpty();
            long delivered = network.delivered();
            built.start();
            clock.advance(Duration.ofSeconds(2));
            assertThat(built.call(() -> built.router("VI_1").state())).isEqualTo(RouterState.MASTER);
            assertThat(peer.call(() -> peer.router("VI_1").state())).isEqualTo(RouterState.BACKUP);
            assertThat(network.delivered()).isGreaterThan(delivered);
            assertThatThrownBy(built::start).isInstanceOf(IllegalStateException.class)
                    .hasMessage("vrrp node: \"started\" (expected: built, not yet started)");
        } finally {
            built.close();
            peer.close();
        }
    }

    @Test
    void build_closedWithoutStart_releasesAndCannotStart() {
        VrrpNode built = VrrpNode.builder(network.node("n1", Addresses.parse("192.0.2.1", "address")))
                .instance(instance("VI_1", 70).virtualAddress("192.0.2.100/24").build()).build();
        built.close();
        assertThatThrownBy(built::start).isInstanceOf(IllegalStateException.class)
                .hasMessage("vrrp node: \"closed\" (expected: built, not yet started)");
    }
}
