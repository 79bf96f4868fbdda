package io.lvs4j.vrrp.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.internal.Addresses;
import io.lvs4j.vrrp.VrrpEvent;
import io.lvs4j.vrrp.VrrpInstance;
import io.lvs4j.vrrp.VrrpRouter;
import io.lvs4j.vrrp.VirtualAddress;
import io.lvs4j.vrrp.memory.InMemoryNetwork;
import io.lvs4j.time.VirtualClock;
import io.lvs4j.vrrp.spi.AddressDelegate;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link AddressActions} with an {@link AddressDelegate}: real routers on an in-memory link and a
 * virtual clock; the delegate, not rtnetlink, gets the master's take, announce and release of the
 * VIP, after the state change, and nothing while backup.
 */
class AddressDelegateTest {
    private static final long S = 1_000_000L;
    private static final InetAddress VIP = Addresses.parse("192.0.2.100", "vip");

    private final VirtualClock clock = new VirtualClock();
    private final InMemoryNetwork net = new InMemoryNetwork(clock);
    private final List<String> log = new ArrayList<>();

    private final AddressDelegate recorder = new AddressDelegate() {
        @Override
        public boolean handles(String instance, VirtualAddress address) {
            return address.address().equals(VIP);
        }

        @Override
        public void take(String instance, VirtualAddress address) {
            log.add(at() + " take " + address.address().getHostAddress());
        }

        @Override
        public void release(String instance, VirtualAddress address) {
            log.add(at() + " release " + address.address().getHostAddress());
        }

        @Override
        public void announce(String instance, VirtualAddress address, int repeat) {
            log.add(at() + " announce " + address.address().getHostAddress() + " x" + repeat);
        }
    };

    private String at() {
        return Long.toString((clock.nanos() / 1000) / 100_000); // tenths of a second
    }

    private VrrpRouter router(String name, String address, int priority, AddressActions actions) {
        VrrpInstance instance = VrrpInstance.builder(name).interfaceName("eth0").virtualRouterId(51).version(2)
                .priority(priority).sourceAddress(address).virtualAddress(VirtualAddress.of(VIP)).build();
        VrrpRouter r = VrrpRouter.create(instance, net.attach(name, Addresses.parse(address, "address")), clock);
        if (actions != null) {
            r.addListener(e -> {
                if (e instanceof VrrpEvent.StateChanged s) {
                    log.add(at() + " " + s.to());
                }
            });
            r.addListener(actions);
        }
        return r;
    }

    private AddressActions actions(Duration refresh, int refreshRepeat) {
        return new AddressActions(null, null, clock, "eth0", refresh, refreshRepeat, new HashMap<>(), recorder);
    }

    @Test
    void delegatedVip_masterThenPreempted_takeAnnounceAfterTheTransitionThenReleaseAndNoDelayedAnnounce() {
        VrrpRouter a = router("A", "192.0.2.1", 100, actions(null, 1));
        a.start();
        clock.advanceToNanos((4 * S) * 1000);
        // master down interval 3 x 1 s + skew (256 - 100) / 256 s = 3.61 s; keepalived's default
        // garp_master_repeat 5 now and 5 more after garp_master_delay 5 s
        assertThat(log).containsExactly("0 BACKUP", "36 MASTER", "36 take 192.0.2.100", "36 announce 192.0.2.100 x5");
        VrrpRouter b = router("B", "192.0.2.2", 200, null);
        b.start(); // at 4 s: preempts after its own master down interval (3 s + 0.22 s), before A's delayed round
        clock.advanceToNanos((12 * S) * 1000);
        assertThat(log).containsExactly("0 BACKUP", "36 MASTER", "36 take 192.0.2.100", "36 announce 192.0.2.100 x5",
                "72 BACKUP", "72 release 192.0.2.100");
    }

    @Test
    void delegatedVip_masterWithRefresh_delayedRoundAndRefreshesGoToTheDelegate() {
        VrrpRouter a = router("A", "192.0.2.1", 100, actions(Duration.ofSeconds(2), 2));
        a.start();
        clock.advanceToNanos((10 * S) * 1000);
        assertThat(log).containsExactly("0 BACKUP", "36 MASTER", "36 take 192.0.2.100", "36 announce 192.0.2.100 x5",
                "56 announce 192.0.2.100 x2", "76 announce 192.0.2.100 x2", "86 announce 192.0.2.100 x5",
                "96 announce 192.0.2.100 x2");
    }
}
