package io.lvs4j.cli;

import io.lvs4j.lab.NetnsLab;
import io.lvs4j.lab.NginxServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The host-namespace set-up {@link UserspaceRunIT}, {@link UserspaceVrrpIT} and {@link HttpRunLab}
 * share, over lvs-lab's {@link NetnsLab}: namespaces with IPv6 off, nginx real servers answering
 * their name on port 80 (one process each), curls to the virtual address (8 s each where an answer
 * is expected, 2 s where none is), 200 ms polls.
 * At close every process is SIGKILLed by PID, the namespaces and the directory deleted.
 */
final class UserspaceNet implements AutoCloseable {
    /** The real servers of {@link #clientAndTwoRealServers}. */
    static final String RS1 = "198.51.100.2";
    static final String RS2 = "198.51.100.18";

    /**
     * curl's --max-time where an answer is expected: a reply through the userspace forwarder takes
     * milliseconds, but on a loaded host a JVM pause or a slow fork can stretch one past 2 s, and
     * an exact list of replies then has an "ERR:" in it ({@link NetnsLab#curl} kills curl only
     * 10 s after this, so curl's own timeout is the one that fires).
     */
    static final int ANSWER_SECONDS = 8;
    /** curl's --max-time where no answer is expected: a lost request costs only this long. */
    static final int NO_ANSWER_SECONDS = 2;

    private final NetnsLab lab;
    private final String url;

    UserspaceNet(String prefix, String dirPrefix, String vip) throws IOException {
        this.lab = new NetnsLab(prefix, dirPrefix, Duration.ZERO);
        this.url = "http://" + vip + "/";
    }

    Path dir() {
        return lab.dir();
    }

    Process track(Process p) {
        return lab.track(p);
    }

    /** A namespace {@code prefix + name} with IPv6 off. */
    String ns(String name) throws IOException, InterruptedException {
        String n = lab.namespace(name);
        NetnsLab.disableIpv6(n);
        return n;
    }

    /**
     * The lab {@link UserspaceRunIT} and {@link HttpRunLab} share: a client {@code c} (203.0.113.2,
     * routed to 192.0.2.0/24 through the director) and two real servers {@code r1} ({@link #RS1})
     * and {@code r2} ({@link #RS2}), each on its own link to the director {@code d} ({@code c0}
     * 203.0.113.1/24, {@code e1} 198.51.100.1/28, {@code e2} 198.51.100.17/28, IP forwarding off)
     * and routing back through it. Every link is up; nothing listens yet.
     */
    static void clientAndTwoRealServers(String c, String d, String r1, String r2)
            throws IOException, InterruptedException {
        NetnsLab.veth(c, "eth0", d, "c0");
        NetnsLab.veth(r1, "eth0", d, "e1");
        NetnsLab.veth(r2, "eth0", d, "e2");
        for (String[] l : new String[][] {{c, "eth0"}, {d, "c0"}, {d, "e1"}, {d, "e2"}, {r1, "eth0"}, {r2, "eth0"}}) {
            NetnsLab.up(l[0], l[1]);
        }
        NetnsLab.sh("ip", "-n", c, "addr", "add", "203.0.113.2/24", "dev", "eth0");
        NetnsLab.sh("ip", "-n", c, "route", "add", "192.0.2.0/24", "via", "203.0.113.1");
        NetnsLab.sh("ip", "-n", d, "addr", "add", "203.0.113.1/24", "dev", "c0");
        NetnsLab.sh("ip", "-n", d, "addr", "add", "198.51.100.1/28", "dev", "e1");
        NetnsLab.sh("ip", "-n", d, "addr", "add", "198.51.100.17/28", "dev", "e2");
        NetnsLab.sh("ip", "netns", "exec", d, "sysctl", "-q", "-w", "net.ipv4.ip_forward=0");
        NetnsLab.sh("ip", "-n", r1, "addr", "add", RS1 + "/28", "dev", "eth0");
        NetnsLab.sh("ip", "-n", r1, "route", "add", "default", "via", "198.51.100.1");
        NetnsLab.sh("ip", "-n", r2, "addr", "add", RS2 + "/28", "dev", "eth0");
        NetnsLab.sh("ip", "-n", r2, "route", "add", "default", "via", "198.51.100.17");
    }

    /** nginx in {@code ns} answering {@code body} on port 80 ({@code master_process off}, stopped by PID). */
    NginxServer nginx(String ns, String body) throws IOException, InterruptedException {
        NginxServer s = NginxServer.configure(lab.dir().resolve(ns), ns, false, 64, List.of(),
                NginxServer.answering(body, List.of("80")));
        lab.track(s.start(80));
        return s;
    }

    /** A curl from {@code ns} to the virtual address: the body, or "ERR:" and why ({@link #ANSWER_SECONDS}). */
    String curl(String ns) {
        return NetnsLab.curl(ns, ANSWER_SECONDS, url);
    }

    /**
     * A curl from {@code ns} to the virtual address where none should answer: the body, or "ERR:"
     * and why, after at most {@link #NO_ANSWER_SECONDS}.
     */
    String curlExpectingNoAnswer(String ns) {
        return NetnsLab.curl(ns, NO_ANSWER_SECONDS, url);
    }

    /** {@code n} curls in a row, each a new connection ({@link #ANSWER_SECONDS} each). */
    List<String> curls(String ns, int n) {
        return NetnsLab.curls(ns, n, ANSWER_SECONDS, url);
    }

    static boolean waitUntil(Duration max, BooleanSupplier condition) throws InterruptedException {
        return NetnsLab.waitUntil(max, Duration.ofMillis(200), condition);
    }

    @Override
    public void close() {
        lab.close();
    }
}
