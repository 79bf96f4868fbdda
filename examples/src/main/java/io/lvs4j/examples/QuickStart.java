package io.lvs4j.examples;

import io.lvs4j.RealServer;
import io.lvs4j.Scheduler;
import io.lvs4j.VirtualService;
import io.lvs4j.director.Director;
import io.lvs4j.director.InMemoryDirector;
import io.lvs4j.health.CheckPolicy;
import io.lvs4j.health.Checks;
import io.lvs4j.health.ServiceHealth;
import io.lvs4j.time.VirtualClock;
import io.lvs4j.vrrp.VrrpInstance;
import java.net.InetAddress;
import java.time.Duration;

/**
 * The shortest embedding, shown in README's "Getting started": one virtual service whose real
 * servers are TCP-checked, one VRRP instance holding its address, the kernel's IPVS table. Run as
 * root on a director: {@code QuickStart [interface]} (default {@code eth0}); it runs until killed.
 */
public final class QuickStart {
    private QuickStart() {
    }

    /** The director of README's example, not yet started (tests start it in memory). */
    static Director.Builder director(String iface) {
        // tag::quickstart[]
        VirtualService web = VirtualService.tcp("192.0.2.10", 80)
                .scheduler(Scheduler.WRR)
                .realServer(RealServer.of("10.0.0.2", 80).weight(3).route())
                .realServer(RealServer.of("10.0.0.3", 80).weight(1).route())
                .build();
        Director.Builder director = Director.builder()
                .service(ServiceHealth.builder(web)
                        .check(Checks.tcp(), CheckPolicy.builder().interval(Duration.ofSeconds(2)).build())
                        .build())                             // TCP_CHECK on every real server
                .vrrpInstance(VrrpInstance.builder("VI_1")
                        .interfaceName(iface)
                        .virtualRouterId(51)
                        .priority(100)
                        .virtualAddress("192.0.2.10/24")      // held while master
                        .build())
                .listener(event -> System.out.println(event));
        // end::quickstart[]
        return director;
    }

    /**
     * README's "Embedding a director": the same director started in memory, on a virtual clock (no
     * root, no kernel; time moves only when the caller advances the clock), in one call.
     */
    static InMemoryDirector startInMemory(VirtualClock clock) {
        // tag::inmemory[]
        InMemoryDirector running = InMemoryDirector.start(director("eth0"), clock); // an InMemoryIpvs, VRRP in memory
        clock.advance(Duration.ofSeconds(4));                 // VI_1 has become master by now
        // end::inmemory[]
        return running;
    }

    public static void main(String[] args) throws Exception {
        try (Director director = director(args.length > 0 ? args[0] : "eth0").start()) {
            Thread.currentThread().join();
        }
    }
}
