package io.lvs4j.director;

import io.lvs4j.RealServer;
import io.lvs4j.VirtualService;
import io.lvs4j.health.CheckPolicy;
import io.lvs4j.health.CheckRuntime;
import io.lvs4j.health.Checks;
import io.lvs4j.health.HealthEvent;
import io.lvs4j.health.ServiceHealth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Runs inside the lab (root, real IPVS), started by {@link KernelHealthIT}:
 * <ul>
 * <li>{@code monitor VIP PORT remove|inhibit http|tcp STOPFILE}: the kav.sh scenario's director: the
 * service {@code VIP:PORT} (wrr) with real servers 203.0.113.2:80 weight 2 and 203.0.113.6:80
 * weight 1, each watched by an HTTP_GET (or TCP_CHECK, given once for both) every 500 ms, the
 * kernel's table following the health view; one {@code EVENT epochMillis type endpoint weight}
 * line per health event, until STOPFILE exists (at most 150 s);
 * <li>{@code ping ADDRESS...}: one {@link Checks#ping()} check (timeout 500 ms) per address,
 * {@code PING address UP} or {@code PING address DOWN reason}.
 * </ul>
 */
public final class HealthLabMain {
    static final List<RealServer> SERVERS = List.of(
            RealServer.of("203.0.113.2", 80).masquerade().weight(2).build(),
            RealServer.of("203.0.113.6", 80).masquerade().weight(1).build());

    private HealthLabMain() {}

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "monitor" -> monitor(args[1], Integer.parseInt(args[2]), args[3].equals("inhibit"), args[4].equals("http"),
                    Path.of(args[5]));
            case "ping" -> ping(List.of(args).subList(1, args.length));
            default -> throw new IllegalArgumentException("mode: " + args[0] + " (expected: monitor, ping)");
        }
        System.out.flush();
    }

    private static void ping(List<String> addresses) throws Exception {
        try (CheckRuntime runtime = CheckRuntime.create()) {
            for (String a : addresses) {
                var r = Checks.ping().connectTimeout(Duration.ofMillis(500)).build()
                        .checker(java.net.InetAddress.getByName(a), 0, CheckPolicy.DEFAULT).check(runtime)
                        .toCompletableFuture().get();
                System.out.println("PING " + a + " " + (r.isUp() ? "UP" : "DOWN " + r.reason() + " " + r.detail()));
            }
        }
    }

    private static void monitor(String vip, int port, boolean inhibit, boolean http, Path stop) throws Exception {
        VirtualService vs = VirtualService.tcp(vip, port).scheduler("wrr").realServers(SERVERS).build();
        CheckPolicy policy = CheckPolicy.builder().interval(Duration.ofMillis(500)).retry(1)
                .delayBeforeRetry(Duration.ofMillis(200)).rise(2).build();
        ServiceHealth.Builder health = ServiceHealth.builder(vs);
        if (inhibit) {
            health.inhibitOnFailure();
        }
        if (http) {
            for (RealServer rs : SERVERS) {
                health.check(rs, Checks.http("/").status(200).connectTimeout(Duration.ofMillis(300))
                        .readTimeout(Duration.ofMillis(500)), policy);
            }
        } else {
            health.check(Checks.tcp().connectTimeout(Duration.ofMillis(300)).readTimeout(Duration.ofMillis(500)), policy);
        }
        try (Director d = Director.builder().service(health.build()).listener(e -> {
            if (e instanceof DirectorEvent.Health h) {
                HealthEvent ev = h.event();
                System.out.println("EVENT " + System.currentTimeMillis() + " " + ev.type() + " "
                        + (ev.realServer() == null ? "-" : ev.realServer().endpoint()) + " " + ev.weight() + " "
                        + ev.detail());
            }
        }).start()) {
            System.out.println("MONITOR STARTED " + vs.key());
            long end = System.nanoTime() + 150_000_000_000L;
            while (!Files.exists(stop) && System.nanoTime() < end) {
                Thread.sleep(50);
            }
        }
        System.out.println("MONITOR STOPPED");
    }
}
