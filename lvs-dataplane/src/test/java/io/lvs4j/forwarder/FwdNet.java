package io.lvs4j.forwarder;

import io.lvs4j.lab.NetnsLab;
import io.lvs4j.lab.NginxServer;
import io.lvs4j.packet.DropReason;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Test support for the forwarder's end-to-end tests, over lvs-lab's {@link NetnsLab}: network
 * namespaces (named with a per-JVM prefix, removed by name), veth pairs made inside them, a bridge
 * namespace, nginx real servers (one process each, {@code master_process off}, stopped by PID) and
 * commands run inside a namespace with {@code ip netns exec}, each bounded in time.
 */
final class FwdNet implements AutoCloseable {
    final String prefix;
    final Path dir;
    private final NetnsLab lab;
    /** Whether {@link #nginx} also listens on IPv6. */
    boolean ipv6;

    FwdNet(String tag) throws IOException {
        this.prefix = "fwd" + ProcessHandle.current().pid() % 100000 + tag;
        this.lab = new NetnsLab(prefix, prefix, Duration.ofSeconds(5));
        this.dir = lab.dir();
    }

    static boolean isRoot() {
        return NetnsLab.isRoot();
    }

    /** A namespace with IPv6 off (no neighbour discovery noise). */
    String ns(String name) throws IOException, InterruptedException {
        String n = ns6(name);
        NetnsLab.disableIpv6(n);
        return n;
    }

    /** A namespace with IPv6 on, without duplicate address detection (addresses usable at once). */
    String ns6(String name) throws IOException, InterruptedException {
        String n = lab.namespace(name);
        NetnsLab.noDad(n);
        return n;
    }

    /** A veth pair: {@code ifA} in {@code a}, {@code ifB} in {@code b}, both up. */
    void link(String a, String ifA, String b, String ifB) throws IOException, InterruptedException {
        NetnsLab.veth(a, ifA, b, ifB);
        NetnsLab.up(a, ifA);
        NetnsLab.up(b, ifB);
    }

    /** A bridge, with bridge netfilter off in its namespace where the kernel has it. */
    void bridge(String ns, String br) throws IOException, InterruptedException {
        NetnsLab.bridge(ns, br);
        NetnsLab.bridgeNetfilterOff(ns);
    }

    void port(String ns, String br, String ifname) throws IOException, InterruptedException {
        NetnsLab.port(ns, br, ifname);
    }

    void addr(String ns, String ifname, String cidr) throws IOException, InterruptedException {
        NetnsLab.addr(ns, ifname, cidr);
    }

    void route(String ns, String... spec) throws IOException, InterruptedException {
        NetnsLab.route(ns, spec);
    }

    void sysctl(String ns, String setting) throws IOException, InterruptedException {
        NetnsLab.sysctl(ns, setting);
    }

    String mac(String ns, String ifname) throws IOException, InterruptedException {
        return NetnsLab.mac(ns, ifname);
    }

    /** nginx in {@code ns} answering {@code body} on each port, on every address. */
    Process nginx(String ns, String body, int... ports) throws IOException, InterruptedException {
        List<String> listens = new ArrayList<>();
        for (int p : ports) {
            listens.add(Integer.toString(p));
            if (ipv6) {
                listens.add("[::]:" + p);
            }
        }
        NginxServer s = NginxServer.configure(dir.resolve(ns), ns, false, 1024, List.of("keepalive_requests 10000000;"),
                NginxServer.answering(body, listens));
        return lab.track(s.start(ports));
    }

    /**
     * nginx in {@code ns} with these {@code server} blocks (see {@link NginxServer#configure}),
     * listening on {@code ports}; its directory is {@code dir/ns}.
     */
    Process nginxServers(String ns, String servers, int... ports) throws IOException, InterruptedException {
        NginxServer s = NginxServer.configure(dir.resolve(ns), ns, false, 4096, List.of("keepalive_requests 10000000;"),
                servers);
        return lab.track(s.start(ports));
    }

    /** As {@link #nginxServers(String, String, int...)}, a second nginx of {@code ns} in {@code dir/ns-name}. */
    Process nginxServers(String ns, String name, String servers, int... ports) throws IOException, InterruptedException {
        NginxServer s = NginxServer.configure(dir.resolve(ns + "-" + name), ns, false, 1024, List.of(), servers);
        return lab.track(s.start(ports));
    }

    /** Starts a command in a namespace (stopped by PID at close). */
    Process start(String ns, String... argv) throws IOException {
        return lab.start(ns, argv);
    }

    /**
     * curl's {@code --max-time}: every curl here is expected to be answered, so this only bounds a
     * failure; a loaded machine can take seconds for a connection's first answer.
     */
    static final int CURL_MAX_TIME = 10;

    /** {@code curl} from {@code ns}: the body, or "ERR:" and curl's exit status. */
    String curl(String ns, String url) {
        return NetnsLab.curl(ns, CURL_MAX_TIME, url);
    }

    /** {@code n} curls in a row from {@code ns}, each a new connection (see {@link #curl}). */
    List<String> curls(String ns, String url, int n) {
        return NetnsLab.curls(ns, n, CURL_MAX_TIME, url);
    }

    static String sh(String... argv) throws IOException, InterruptedException {
        return NetnsLab.sh(argv);
    }

    /**
     * Runs {@code argv} every 20 ms until its output contains {@code text}, for at most 30 s (a
     * kernel's asynchronous update, slow on a loaded machine); returns the last output.
     */
    static String awaitOutput(String text, String... argv) throws IOException, InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String seen = sh(argv);
        while (!seen.contains(text) && System.nanoTime() - end < 0) {
            Thread.sleep(20);
            seen = sh(argv);
        }
        return seen;
    }

    /**
     * The forwarder's counters once each of {@code kinds} counts at least {@code n} more drops than
     * in {@code before} less the frames the kernel dropped meanwhile (those may have been of any
     * kind), polled every 50 ms for at most 30 s: on a loaded machine a burst's last frames can wait
     * in the socket for seconds. The caller asserts on what is returned.
     */
    static ForwarderStats awaitDrops(Forwarder f, ForwarderStats before, long n, DropReason... kinds)
            throws InterruptedException {
        NetnsLab.waitUntil(Duration.ofSeconds(30), Duration.ofMillis(50),
                () -> dropsReached(f.stats(), before, n, kinds));
        return f.stats();
    }

    private static boolean dropsReached(ForwarderStats s, ForwarderStats before, long n, DropReason... kinds) {
        long lost = s.kernelDrops() - before.kernelDrops();
        for (DropReason r : kinds) {
            if (s.drops(r) - before.drops(r) < n - lost) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        lab.close();
    }
}
