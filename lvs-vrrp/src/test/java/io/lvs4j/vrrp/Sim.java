package io.lvs4j.vrrp;

import io.lvs4j.internal.Addresses;
import io.lvs4j.vrrp.memory.InMemoryNetwork;
import io.lvs4j.time.VirtualClock;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** A virtual clock, one in-memory link and routers on it, with every event recorded in order. */
final class Sim {
    static final long S = 1_000_000L;

    final VirtualClock clock = new VirtualClock();
    final InMemoryNetwork net = new InMemoryNetwork(clock);
    final List<VrrpEvent> events = new ArrayList<>();
    final Map<String, VrrpRouter> routers = new LinkedHashMap<>();

    static InetAddress ip(String s) {
        return Addresses.parse(s, "address");
    }

    /** A router named {@code name} on node {@code name}, VRID 51, VIP 192.0.2.100 unless tweaked. */
    VrrpRouter router(String name, String address, int priority, Consumer<VrrpInstance.Builder> tweak) {
        return router(name, name, address, priority, tweak);
    }

    VrrpRouter router(String name, String node, String address, int priority, Consumer<VrrpInstance.Builder> tweak) {
        return router(name, node, address, priority, address.contains(":") ? "2001:db8::100" : "192.0.2.100", tweak);
    }

    /** A router with virtual address {@code vip} instead of the default one. */
    VrrpRouter router(String name, String node, String address, int priority, String vip,
            Consumer<VrrpInstance.Builder> tweak) {
        VrrpInstance.Builder b = VrrpInstance.builder(name).interfaceName("eth0").virtualRouterId(51).version(3)
                .priority(priority).sourceAddress(ip(address)).virtualAddress(vip);
        tweak.accept(b);
        VrrpRouter r = VrrpRouter.create(b.build(), net.attach(node, ip(address)), clock);
        r.addListener(events::add);
        routers.put(name, r);
        return r;
    }

    VrrpRouter router(String name, String address, int priority) {
        return router(name, address, priority, b -> { });
    }

    void startAll() {
        for (VrrpRouter r : routers.values()) {
            r.start();
        }
    }

    void runTo(long micros) {
        clock.advanceToNanos(micros * 1000);
    }

    /** Times at which {@code name} entered {@code state}. */
    List<Long> entered(String name, RouterState state) {
        List<Long> times = new ArrayList<>();
        for (VrrpEvent e : events) {
            if (e instanceof VrrpEvent.StateChanged s && s.instance().equals(name) && s.to() == state) {
                times.add(s.nanos() / 1000);
            }
        }
        return times;
    }

    List<VrrpEvent.StateChanged> transitions(String name) {
        List<VrrpEvent.StateChanged> out = new ArrayList<>();
        for (VrrpEvent e : events) {
            if (e instanceof VrrpEvent.StateChanged s && s.instance().equals(name)) {
                out.add(s);
            }
        }
        return out;
    }

    List<VrrpEvent.GratuitousArpRequested> garps(String name, VrrpEvent.GarpReason reason) {
        List<VrrpEvent.GratuitousArpRequested> out = new ArrayList<>();
        for (VrrpEvent e : events) {
            if (e instanceof VrrpEvent.GratuitousArpRequested g && g.instance().equals(name) && g.reason() == reason) {
                out.add(g);
            }
        }
        return out;
    }

    List<String> masters() {
        List<String> out = new ArrayList<>();
        for (var e : routers.entrySet()) {
            if (e.getValue().state() == RouterState.MASTER) {
                out.add(e.getKey());
            }
        }
        return out;
    }
}
