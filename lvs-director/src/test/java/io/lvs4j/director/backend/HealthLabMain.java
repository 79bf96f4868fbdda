package io.lvs4j.director.backend;

import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.VirtualService;
import io.lvs4j.health.CheckPolicy;
import io.lvs4j.health.CheckRuntime;
import io.lvs4j.health.Checker;
import io.lvs4j.health.DirectorBackend;
import io.lvs4j.health.Endpoint;
import io.lvs4j.health.HealthMonitor;
import io.lvs4j.health.HttpChecker;
import io.lvs4j.health.HttpUrlCheck;
import io.lvs4j.health.ServiceHealth;
import io.lvs4j.health.TcpChecker;
import io.lvs4j.netlink.Ipvs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Runs inside the lab (root, real IPVS), started by {@link KernelBackendIT}:
 * <ul>
 * <li>{@code contract}: {@link DirectorBackendContract} against {@link KernelDirectorBackend},
 * one {@code PASS name} or {@code FAIL name: why} line per scenario;
 * <li>{@code monitor VIP PORT remove|inhibit http|tcp STOPFILE}: the kav.sh scenario's director: the
 * service {@code VIP:PORT} (wrr) with real servers 203.0.113.2:80 weight 2 and 203.0.113.6:80
 * weight 1, each watched by an HTTP_GET (or TCP_CHECK) every 500 ms, acted on in the kernel; one
 * {@code EVENT epochMillis type endpoint weight} line per event, until STOPFILE exists (at most 150 s);
 * <li>{@code ping ADDRESS...}: one {@link PingChecker} check (timeout 500 ms) per address,
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
            case "contract" -> contract();
            case "monitor" -> monitor(args[1], Integer.parseInt(args[2]), args[3].equals("inhibit"), args[4].equals("http"),
                    Path.of(args[5]));
            case "ping" -> ping(List.of(args).subList(1, args.length));
            default -> throw new IllegalArgumentException("mode: " + args[0] + " (expected: contract, monitor, ping)");
        }
        System.out.flush();
    }

    private static void contract() throws Exception {
        try (Ipvs ipvs = Ipvs.open()) {
            DirectorBackend backend = KernelDirectorBackend.over(ipvs);
            DirectorBackendContract.Fixture f = new DirectorBackendContract.Fixture() {
                @Override
                public DirectorBackend backend() {
                    return backend;
                }

                @Override
                public void addService(VirtualService service) throws Exception {
                    ipvs.addService(service);
                }

                @Override
                public List<String> realServers(ServiceKey service) throws Exception {
                    return ipvs.service(service).orElseThrow().realServers().stream()
                            .map(DirectorBackendContract::describe).sorted().toList();
                }
            };
            List<DirectorBackendContract.Scenario> all = DirectorBackendContract.scenarios();
            for (int i = 0; i < all.size(); i++) {
                ipvs.flush();
                try {
                    all.get(i).check().run(f, DirectorBackendContract.service(i));
                    System.out.println("PASS " + all.get(i).name());
                } catch (Throwable t) {
                    System.out.println("FAIL " + all.get(i).name() + ": " + t.toString().replace('\n', ' '));
                }
            }
            ipvs.flush();
        }
    }

    private static void ping(List<String> addresses) throws Exception {
        try (CheckRuntime runtime = CheckRuntime.create()) {
            for (String a : addresses) {
                var r = PingChecker.of(java.net.InetAddress.getByName(a), Duration.ofMillis(500)).check(runtime)
                        .toCompletableFuture().get();
                System.out.println("PING " + a + " " + (r.isUp() ? "UP" : "DOWN " + r.reason() + " " + r.detail()));
            }
        }
    }

    private static void monitor(String vip, int port, boolean inhibit, boolean http, Path stop) throws Exception {
        VirtualService vs = VirtualService.tcp(vip, port).scheduler("wrr").realServers(SERVERS).build();
        CheckPolicy policy = CheckPolicy.builder().interval(Duration.ofMillis(500)).retry(1)
                .delayBeforeRetry(Duration.ofMillis(200)).rise(2).build();
        try (Ipvs ipvs = Ipvs.open(); CheckRuntime runtime = CheckRuntime.create()) {
            ipvs.addService(vs.toBuilder().clearRealServers().build());
            ServiceHealth.Builder health = ServiceHealth.builder(vs);
            if (inhibit) {
                health.inhibitOnFailure();
            }
            for (RealServer rs : SERVERS) {
                Endpoint e = Endpoint.of(rs.address(), rs.port()).withConnectTimeout(Duration.ofMillis(300))
                        .withReadTimeout(Duration.ofMillis(500));
                Checker c = http ? HttpChecker.builder(e).url(HttpUrlCheck.builder("/").status(200).build()).build()
                        : TcpChecker.of(e);
                health.check(rs, c, policy);
            }
            try (HealthMonitor monitor = HealthMonitor.builder().runtime(runtime).backend(KernelDirectorBackend.over(ipvs))
                    .listener(ev -> System.out.println("EVENT " + System.currentTimeMillis() + " " + ev.type() + " "
                            + (ev.realServer() == null ? "-" : ev.realServer().endpoint()) + " " + ev.weight() + " "
                            + ev.detail()))
                    .service(health.build()).build().start()) {
                System.out.println("MONITOR STARTED " + vs.key());
                long end = System.nanoTime() + 150_000_000_000L;
                while (!Files.exists(stop) && System.nanoTime() < end) {
                    Thread.sleep(50);
                }
            }
            ipvs.removeService(vs.key());
            System.out.println("MONITOR STOPPED");
        }
    }
}
