package io.lvs4j.metrics;

import io.lvs4j.RealServer;
import io.lvs4j.VirtualService;
import io.lvs4j.bgp.BgpNeighbor;
import io.lvs4j.bgp.BgpSpeaker;
import io.lvs4j.director.Director;
import io.lvs4j.director.RouteHealthInjection;
import io.lvs4j.table.InMemoryIpvs;
import io.lvs4j.time.VirtualClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * A director with route health injection (in-memory table, virtual clock) whose BGP speaker dials
 * a second, passive {@link BgpSpeaker} listening on loopback: a real session over TCP, as in
 * lvs-director's DirectorRouteInjectionTest. Closes both.
 */
final class BgpLoopback implements AutoCloseable {
    static final String VIP = "198.51.100.10";

    final BgpSpeaker peer;
    final Director director;

    BgpLoopback() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        peer = BgpSpeaker.builder().routerId("192.0.2.1").localAs(65000).listen(true).listenAddress("127.0.0.1")
                .listenPort(port).neighbor(BgpNeighbor.builder("127.0.0.1").remoteAs(65001).passive(true).build())
                .build();
        peer.start();
        BgpSpeaker speaker = BgpSpeaker.builder().routerId("192.0.2.11").localAs(65001).listen(false)
                .connectRetry(Duration.ofMillis(50), Duration.ofMillis(200))
                .neighbor(BgpNeighbor.builder("127.0.0.1").remoteAs(65000).port(port).build()).build();
        VirtualService web = VirtualService.tcp(VIP, 80).realServer(RealServer.of("10.0.0.2", 80).route()).build();
        try {
            director = Director.builder().service(web).ipvs(new InMemoryIpvs()).virtualClock(new VirtualClock())
                    .routeHealthInjection(RouteHealthInjection.builder(speaker).stopDrain(Duration.ZERO).build())
                    .start();
        } catch (Exception | Error e) {
            peer.close();
            throw e;
        }
    }

    /** Polls {@code condition} every 20 ms for at most 10 s. */
    static boolean waitUntil(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }

    @Override
    public void close() {
        try {
            director.close();
        } finally {
            peer.close();
        }
    }
}
