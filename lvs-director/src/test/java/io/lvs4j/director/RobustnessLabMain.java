package io.lvs4j.director;

import io.lvs4j.RealServer;
import io.lvs4j.Scheduler;
import io.lvs4j.VirtualService;
import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.director.config.ReadOptions;
import io.lvs4j.health.CheckContext;
import io.lvs4j.health.CheckPolicy;
import io.lvs4j.health.CheckResult;
import io.lvs4j.health.Checker;
import io.lvs4j.health.Endpoint;
import io.lvs4j.health.ServiceHealth;
import io.lvs4j.health.TcpChecker;
import io.lvs4j.table.ReconcileException;
import io.lvs4j.table.ReconcileResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Runs inside the UML lab (a real IPVS kernel) for {@link DirectorRobustnessIT}: a {@link Director}
 * on the kernel's table, and prints what it reported next to what {@code ipvsadm -Sn} shows. The
 * IT does the judging. Lines: {@code == SCENARIO}, {@code ipvsadm LINE}, {@code state-service KEY},
 * {@code state-server KEY ENDPOINT KERNEL_WEIGHT}, {@code applied CHANGE}, {@code failed CHANGE:
 * ERROR}, {@code not-sent CHANGE}, {@code in-doubt CHANGE}, {@code event EVENT}, {@code checks
 * UD...}.
 *
 * <ul>
 *   <li>{@code refuse}: a batch the kernel refuses in part (the scheduler "twos" has no module in
 *       this kernel) among good changes to other services, then a good change.
 *   <li>{@code flap}: a TCP check against a listener in this JVM that is closed and reopened
 *       faster than fall/rise, then held down, flapped, held up.
 * </ul>
 */
public final class RobustnessLabMain {
    private RobustnessLabMain() {}

    public static void main(String[] args) throws Exception {
        for (String a : args) {
            System.out.println("== " + a);
            switch (a) {
                case "refuse" -> refuse();
                case "flap" -> flap();
                default -> throw new IllegalArgumentException(a);
            }
        }
        System.out.println("== done");
    }

    static final String FIRST = """
            virtual_server 192.0.2.10 80 {
              lb_algo rr
              lb_kind NAT
              protocol TCP
              real_server 10.0.0.2 80 { weight 5 }
              real_server 10.0.0.3 80 { weight 1 }
              real_server 10.0.0.4 80 { weight 2 }
            }
            virtual_server 192.0.2.10 443 {
              lb_algo twos
              lb_kind NAT
              protocol TCP
              real_server 10.0.0.2 443 { weight 1 }
              real_server 10.0.0.3 443 { weight 1 }
            }
            virtual_server 192.0.2.10 8080 {
              lb_algo twos
              lb_kind NAT
              protocol TCP
              real_server 10.0.0.5 8080 { weight 1 }
            }
            virtual_server 192.0.2.10 8081 {
              lb_algo wrr
              lb_kind NAT
              protocol TCP
              real_server 10.0.0.6 8081 { weight 3 }
            }
            """;

    /** The good change after: the two twos services get schedulers this kernel has. */
    static final String SECOND = FIRST.replaceFirst("lb_algo twos", "lb_algo wrr").replaceFirst("lb_algo twos",
            "lb_algo rr");

    private static void refuse() throws Exception {
        List<DirectorEvent> events = java.util.Collections.synchronizedList(new ArrayList<>());
        VirtualService a = VirtualService.tcp("192.0.2.10", 80).scheduler(Scheduler.RR)
                .realServer(RealServer.of("10.0.0.2", 80).weight(1).masquerade())
                .realServer(RealServer.of("10.0.0.3", 80).weight(1).masquerade()).build();
        VirtualService b = VirtualService.tcp("192.0.2.10", 443).scheduler(Scheduler.RR)
                .realServer(RealServer.of("10.0.0.2", 443).weight(1).masquerade()).build();
        try (Director d = Director.builder().service(a).service(b).listener(events::add).start()) {
            System.out.println("-- start");
            print(d, events);
            for (String conf : new String[] {FIRST, SECOND}) {
                System.out.println("-- apply");
                KeepalivedConfig c = KeepalivedConfig.parse("robust.conf", conf,
                        ReadOptions.builder().includes(false).build()).config();
                try {
                    ReconcileResult r = d.apply(c.toDirectorConfig());
                    for (var ch : r.applied()) {
                        System.out.println("applied " + ch);
                    }
                } catch (ReconcileException e) {
                    System.out.println("exception " + e.getMessage());
                    e.applied().forEach(ch -> System.out.println("applied " + ch));
                    e.failures().forEach(f -> System.out.println("failed " + f));
                    e.notSent().forEach(ch -> System.out.println("not-sent " + ch));
                    e.inDoubt().forEach(ch -> System.out.println("in-doubt " + ch));
                }
                print(d, events);
            }
        }
        System.out.println("-- closed");
        ipvsadm();
    }

    private static void print(Director d, List<DirectorEvent> events) throws Exception {
        synchronized (events) {
            for (DirectorEvent e : events) {
                System.out.println("event " + e);
            }
            events.clear();
        }
        for (DirectorState.Service s : d.state().services()) {
            if (s.installed()) {
                System.out.println("state-service " + s.key() + " " + s.scheduler().kernelName());
                if (!s.settingsApplied()) {
                    System.out.println("state-not-applied " + s.key() + " configured "
                            + s.configured().scheduler().kernelName());
                }
            }
            for (DirectorState.Server r : s.realServers()) {
                if (r.installed()) {
                    System.out.println("state-server " + s.key() + " " + r.configured().endpoint() + " "
                            + r.appliedWeight());
                }
            }
        }
        ipvsadm();
    }

    private static void ipvsadm() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ipvsadm", "-Sn").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                System.out.println("ipvsadm " + line);
            }
        }
    }

    /** A TCP listener on 127.0.0.1:port that the scenario closes and reopens. */
    private static final class Toggle {
        private final int port;
        private volatile ServerSocket socket;

        Toggle(int port) {
            this.port = port;
        }

        synchronized void up(boolean up) throws IOException {
            if (up && socket == null) {
                ServerSocket s = new ServerSocket();
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                socket = s;
                Thread t = new Thread(() -> {
                    while (!s.isClosed()) {
                        try (Socket c = s.accept()) {
                            // a TCP check only connects
                        } catch (IOException e) {
                            // closed
                        }
                    }
                }, "toggle-accept");
                t.setDaemon(true);
                t.start();
            } else if (!up && socket != null) {
                socket.close();
                socket = null;
            }
        }
    }

    /** Records each check's result, in the order they complete (which is the order the monitor gets them). */
    private static final class Recording implements Checker {
        final Checker delegate;
        final StringBuilder results = new StringBuilder();

        Recording(Checker delegate) {
            this.delegate = delegate;
        }

        @Override
        public CompletionStage<CheckResult> check(CheckContext context) {
            return delegate.check(context).whenComplete((r, e) -> {
                synchronized (results) {
                    results.append(r != null && r.isUp() ? 'U' : 'D');
                }
            });
        }

        @Override
        public String describe() {
            return delegate.describe();
        }
    }

    private static void flap() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Toggle listener = new Toggle(port);
        listener.up(true);
        RealServer rs = RealServer.of("127.0.0.1", port).weight(4).masquerade().build();
        Recording check = new Recording(TcpChecker.of(Endpoint.of(rs.address(), rs.port())
                .withConnectTimeout(Duration.ofMillis(500))));
        CheckPolicy policy = CheckPolicy.builder().interval(Duration.ofMillis(200))
                .delayBeforeRetry(Duration.ofMillis(200)).fall(3).rise(3).build();
        VirtualService web = VirtualService.tcp("192.0.2.20", 80).scheduler(Scheduler.RR).realServer(rs).build();
        List<DirectorEvent> events = java.util.Collections.synchronizedList(new ArrayList<>());
        try (Director d = Director.builder().service(ServiceHealth.builder(web).check(rs, check, policy).build())
                .listener(events::add).start()) {
            flapFor(listener, 14, 330); // up ~330 ms, down ~330 ms: fewer than 3 equal results in a row
            listener.up(false);
            Thread.sleep(1500);         // held down: out
            hold(check, d, events, 'D');
            flapFor(listener, 14, 330);
            listener.up(true);
            Thread.sleep(1500);         // held up: in
            hold(check, d, events, 'U');
            flapFor(listener, 8, 330);
            listener.up(true);
            Thread.sleep(1500);
            // held up to the end: once the results end UUU and the decision reached the kernel, later
            // results are U's that change nothing, so the snapshot below misses no decision
            hold(check, d, events, 'U');
            String results;
            synchronized (check.results) {
                results = check.results.toString();
            }
            System.out.println("checks " + results);
            print(d, events);
        } finally {
            listener.up(false);
        }
    }

    /**
     * After a hold: waits (at most 30 s: a loaded guest may fit fewer than 3 checks into the
     * 1.5 s sleep) until the recorded results end in 3 {@code letter}s, so rise/fall 3 has decided,
     * and the director has carried that decision out: the server in the kernel (U) or not (D), and
     * no health event after the last kernel change. A hold that never gets there throws.
     */
    private static void hold(Recording check, Director d, List<DirectorEvent> events, char letter)
            throws InterruptedException {
        String three = String.valueOf(letter).repeat(3);
        boolean up = letter == 'U';
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            String results;
            synchronized (check.results) {
                results = check.results.toString();
            }
            boolean installed = d.state().services().stream()
                    .anyMatch(s -> s.realServers().stream().anyMatch(DirectorState.Server::installed));
            if (results.endsWith(three) && installed == up && !healthAfterKernel(events)) {
                return;
            }
            if (System.nanoTime() - end > 0) {
                throw new IllegalStateException("hold " + letter + " not reached in 30 s: checks " + results
                        + ", installed " + installed + ", events " + events);
            }
            Thread.sleep(50);
        }
    }

    /** Whether the last health decision among the events has no kernel change after it yet. */
    private static boolean healthAfterKernel(List<DirectorEvent> events) {
        synchronized (events) {
            for (int i = events.size() - 1; i >= 0; i--) {
                String e = events.get(i).toString();
                if (e.contains(" kernel [")) {
                    return false;
                }
                if (e.contains(" health REAL_SERVER_DOWN ") || e.contains(" health REAL_SERVER_UP ")) {
                    return true;
                }
            }
            return false;
        }
    }

    private static void flapFor(Toggle listener, int toggles, long millis) throws Exception {
        boolean up = true;
        for (int i = 0; i < toggles; i++) {
            listener.up(up);
            Thread.sleep(millis);
            up = !up;
        }
    }
}
