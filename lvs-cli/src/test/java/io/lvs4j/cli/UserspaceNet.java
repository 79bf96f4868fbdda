package io.lvs4j.cli;

import io.lvs4j.lab.NetnsLab;
import io.lvs4j.lab.NginxServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The host-namespace set-up {@link UserspaceRunIT} and {@link UserspaceVrrpIT} share, over
 * lvs-lab's {@link NetnsLab}: namespaces with IPv6 off, nginx real servers answering their name on
 * port 80 (one process each), curls to the virtual address (2 s each), 200 ms polls. At close every
 * process is SIGKILLed by PID, the namespaces and the directory deleted.
 */
final class UserspaceNet implements AutoCloseable {
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

    /** nginx in {@code ns} answering {@code body} on port 80 ({@code master_process off}, stopped by PID). */
    NginxServer nginx(String ns, String body) throws IOException, InterruptedException {
        NginxServer s = NginxServer.configure(lab.dir().resolve(ns), ns, false, 64, List.of(),
                NginxServer.answering(body, List.of("80")));
        lab.track(s.start(80));
        return s;
    }

    /** A curl from {@code ns} to the virtual address: the body, or "ERR:" and why. */
    String curl(String ns) {
        return NetnsLab.curl(ns, 2, url);
    }

    /** {@code n} curls in a row, each a new connection. */
    List<String> curls(String ns, int n) {
        return NetnsLab.curls(ns, n, 2, url);
    }

    static boolean waitUntil(Duration max, BooleanSupplier condition) throws InterruptedException {
        return NetnsLab.waitUntil(max, Duration.ofMillis(200), condition);
    }

    @Override
    public void close() {
        lab.close();
    }
}
