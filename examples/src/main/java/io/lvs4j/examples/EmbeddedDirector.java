package io.lvs4j.examples;

import io.lvs4j.RealServer;
import io.lvs4j.Scheduler;
import io.lvs4j.VirtualService;
import io.lvs4j.director.Director;
import io.lvs4j.director.DirectorState;
import io.lvs4j.health.CheckPolicy;
import io.lvs4j.health.Checker;
import io.lvs4j.health.Endpoint;
import io.lvs4j.health.ServiceHealth;
import io.lvs4j.health.TcpChecker;
import io.lvs4j.table.InMemoryIpvs;
import io.lvs4j.table.ReconcileResult;
import io.lvs4j.vrrp.RouterState;
import io.lvs4j.vrrp.VrrpInstance;
import io.lvs4j.vrrp.memory.InMemoryNetwork;
import io.lvs4j.time.VirtualClock;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A director embedded in an application with the fluent API: two virtual services on one VIP,
 * real servers with TCP checks, a VRRP instance holding the VIP, the event stream printed as it
 * happens, a weight changed at runtime, a real server failing, and the state shown after each step.
 *
 * <p>The two "real servers" are TCP listeners this program opens on {@code 127.0.0.2} and
 * {@code 127.0.0.3}, so the checks are real TCP connections. By default everything else is in
 * memory and needs no root: the IPVS table is an {@link InMemoryIpvs} and VRRP runs on an
 * {@link InMemoryNetwork} in simulated time. With {@code --kernel} (root) the director programs
 * the kernel's IPVS table and runs VRRP on raw sockets on {@code --interface} (default eth0),
 * in real time.
 *
 * <pre>
 * java -cp ... io.lvs4j.examples.EmbeddedDirector [--kernel [--interface NAME]]
 * </pre>
 */
public final class EmbeddedDirector {
    private final PrintStream out;
    private final boolean kernel;
    private final String interfaceName;
    private VirtualClock clock; // simulated time, in memory only

    private EmbeddedDirector(PrintStream out, boolean kernel, String interfaceName) {
        this.out = out;
        this.kernel = kernel;
        this.interfaceName = interfaceName;
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(System.out, args));
    }

    /** Runs the example, printing to {@code out}; returns the exit status (2 for bad arguments). */
    static int run(PrintStream out, String... args) throws Exception {
        boolean kernel = false;
        String interfaceName = "eth0";
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--kernel")) {
                kernel = true;
            } else if (args[i].equals("--interface") && i + 1 < args.length) {
                interfaceName = args[++i];
            } else {
                out.println("usage: EmbeddedDirector [--kernel [--interface NAME]]");
                return 2;
            }
        }
        try (StandIn first = StandIn.open("127.0.0.2"); StandIn second = StandIn.open("127.0.0.3")) {
            new EmbeddedDirector(out, kernel, interfaceName).run(first, second);
        }
        return 0;
    }

    private void run(StandIn first, StandIn second) throws Exception {
        out.println("lvs4j embedded director (" + (kernel ? "kernel IPVS, VRRP on " + interfaceName
                : "in-memory IPVS and VRRP, simulated time") + ")");

        // tag::services[]
        RealServer a = RealServer.of("127.0.0.2", first.port()).weight(3).masquerade().build();
        RealServer b = RealServer.of("127.0.0.3", second.port()).weight(1).masquerade().build();
        CheckPolicy policy = CheckPolicy.builder()
                .interval(Duration.ofSeconds(1))  // delay_loop
                .fall(2)                          // down after 2 failed checks in a row
                .rise(2)                          // up again after 2 good ones
                .build();

        ServiceHealth web = ServiceHealth.builder(VirtualService.tcp("192.0.2.10", 80)
                        .scheduler(Scheduler.WRR)
                        .realServer(a)
                        .realServer(b)
                        .build())
                .check(a, tcpCheck(a), policy)
                .check(b, tcpCheck(b), policy)
                .build();                         // a failed real server leaves the table

        ServiceHealth admin = ServiceHealth.builder(VirtualService.tcp("192.0.2.10", 8443)
                        .scheduler(Scheduler.RR)
                        .persistence(Duration.ofMinutes(5))
                        .realServer(a)
                        .realServer(b)
                        .build())
                .check(a, tcpCheck(a), policy)
                .check(b, tcpCheck(b), policy)
                .inhibitOnFailure()               // a failed real server stays, at weight 0
                .build();
        // end::services[]

        // tag::director[]
        Director.Builder builder = Director.builder()
                .service(web)
                .service(admin)
                .vrrpInstance(vrrpInstance("VI_1", interfaceName, 51, 100, "192.0.2.10/24"))
                .listener(event -> out.println("  event " + event)); // every event reads as a line
        if (!kernel) {
            clock = new VirtualClock();
            builder.ipvs(new InMemoryIpvs())
                    .virtualClock(clock)
                    .inMemoryVrrp(new InMemoryNetwork(clock), "director-1", InetAddress.getByName("192.0.2.2"));
        }
        // end::director[]

        out.println("== start");
        // tag::run[]
        try (Director director = builder.start()) {
            // VRRP: no other master heard, so this one takes the VIP
            waitFor(director, Duration.ofSeconds(5), EmbeddedDirector::masterWithTableInstalled);
            show(director.state());

            out.println("== weight of " + a.endpoint() + " in " + web.service().key() + ": 3 -> 5");
            ReconcileResult r = director.weight(web.service().key(), a.address(), a.port(), 5);
            out.println("  applied " + r.applied());
            show(director.state());

            out.println("== the real server " + b.endpoint() + " stops listening");
            second.close();
            // two failed checks, a second apart
            waitFor(director, Duration.ofSeconds(4), state -> downEverywhere(state, b));
            show(director.state());
            out.println("== close");
        }                                         // VIP released, the director's services removed
        // end::run[]
        out.println("== closed");
    }

    /** A VRRP instance on {@code interfaceName}: keepalived's {@code vrrp_instance NAME { ... }} with its defaults. */
    static VrrpInstance vrrpInstance(String name, String interfaceName, int routerId, int priority, String vip) {
        return VrrpInstance.builder(name).interfaceName(interfaceName).virtualRouterId(routerId).priority(priority)
                .virtualAddress(vip).build();
    }

    /**
     * {@code TCP_CHECK} on the real server's address and port with a one-second connect timeout. In
     * simulated time too: the virtual clock waits for each real check's answer before it moves on.
     */
    private Checker tcpCheck(RealServer rs) {
        return TcpChecker.of(Endpoint.of(rs.address(), rs.port()).withConnectTimeout(Duration.ofSeconds(1)));
    }

    /**
     * Lets time pass. In memory the simulated clock moves {@code d} (as fast as the checks answer).
     * With the kernel, real time passes until the director's state shows {@code done}, polled every
     * 100 ms for at most 30 s: on a busy machine VRRP and the checks can take far longer than
     * {@code d}, and a state that never comes is then printed as it is.
     */
    private void waitFor(Director director, Duration d, Predicate<DirectorState> done) throws InterruptedException {
        if (clock == null) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!done.test(director.state()) && System.nanoTime() - deadline < 0) {
                Thread.sleep(100);
            }
            return;
        }
        for (long ms = 0; ms < d.toMillis(); ms += 50) {
            clock.advance(Duration.ofMillis(50));
        }
    }

    /** Every VRRP instance is master holding its addresses, and the table has what health wants. */
    private static boolean masterWithTableInstalled(DirectorState state) {
        return state.instances().stream().allMatch(i -> i.state() == RouterState.MASTER && i.addressesHeld())
                && tableFollowsHealth(state);
    }

    /** {@code rs} is down in every service and the table has what health wants. */
    private static boolean downEverywhere(DirectorState state, RealServer rs) {
        return state.services().stream().allMatch(s -> s.realServer(rs.endpoint())
                        .map(r -> r.health() == DirectorState.Health.DOWN).orElse(false))
                && tableFollowsHealth(state);
    }

    /** Every service is installed, each real server at the weight health wants (or out, as it wants). */
    private static boolean tableFollowsHealth(DirectorState state) {
        return state.services().stream().allMatch(s -> s.installed()
                && s.realServers().stream().allMatch(r -> r.appliedWeight() == r.desiredWeight()));
    }

    private void show(DirectorState state) {
        out.println("  state:");
        for (DirectorState.Instance i : state.instances()) {
            out.println("    vrrp " + i.name() + " " + i.state() + " priority " + i.effectivePriority()
                    + (i.addressesHeld() ? " holding " : " not holding ") + String.join(" ", i.virtualAddresses()));
        }
        for (DirectorState.Service s : state.services()) {
            out.println("    service " + s.key() + " " + s.configured().scheduler()
                    + (s.installed() ? "" : " (not in the table)"));
            for (DirectorState.Server r : s.realServers()) {
                out.println("      " + r.configured().endpoint() + " " + r.health() + " configured weight "
                        + r.configured().weight() + ", " + (r.installed() ? "in the table at weight " + r.appliedWeight()
                                : "not in the table"));
            }
        }
    }

    /** A real server stand-in: a TCP listener on a loopback address that accepts and closes. */
    private static final class StandIn implements AutoCloseable {
        private final ServerSocket socket;

        private StandIn(ServerSocket socket) {
            this.socket = socket;
        }

        static StandIn open(String address) throws IOException {
            ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
            StandIn standIn = new StandIn(s);
            Thread t = new Thread(standIn::accept, "stand-in " + address);
            t.setDaemon(true);
            t.start();
            return standIn;
        }

        int port() {
            return socket.getLocalPort();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try (Socket c = socket.accept()) {
                    // a TCP check only connects
                } catch (IOException e) {
                    // closed
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
