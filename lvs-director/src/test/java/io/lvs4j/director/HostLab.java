package io.lvs4j.director;

import io.lvs4j.lab.NetnsLab;
import io.lvs4j.lab.NginxServer;
import io.lvs4j.vrrp.InitialState;
import io.lvs4j.vrrp.VrrpInstance;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Real parts on the host for the director's robustness ITs, over lvs-lab's {@link NetnsLab}: two
 * network namespaces ("ka" for keepalived, "j" for lvs4j) joined by a veth pair with 192.0.2.31/24
 * and 192.0.2.32/24, keepalived and nginx processes. Names carry "ex" and this JVM's PID;
 * everything started is stopped by PID, the namespaces and the temporary directory deleted by
 * {@link #close()}.
 */
final class HostLab implements AutoCloseable {
    static final String KA_IF = "exk1";
    static final String J_IF = "exj1";
    static final String KA_ADDR = "192.0.2.31";
    static final String J_ADDR = "192.0.2.32";

    final String ka;
    final String j;
    final Path dir;
    private final NetnsLab lab;

    HostLab(String tag) throws IOException, InterruptedException {
        String id = Long.toString(ProcessHandle.current().pid() % 100000) + tag;
        lab = new NetnsLab("ex", "lvs4j-ex-it", Duration.ofSeconds(5));
        dir = lab.dir();
        NetnsLab.deleteNamespace("exka" + id); // left by an earlier JVM with the same PID
        NetnsLab.deleteNamespace("exj" + id);
        ka = lab.namespace("ka" + id);
        j = lab.namespace("j" + id);
        NetnsLab.veth(ka, KA_IF, j, J_IF);
        for (String[] side : new String[][] {{ka, KA_IF, KA_ADDR}, {j, J_IF, J_ADDR}}) {
            NetnsLab.addr(side[0], side[1], side[2] + "/24");
            NetnsLab.up(side[0], side[1]);
        }
        // the kernel reports a veth's carrier asynchronously (linkwatch, up to a second later): a VRRP
        // instance started before that sees its interface down and starts in FAULT
        NetnsLab.waitOperUp(ka, KA_IF, Duration.ofSeconds(5));
        NetnsLab.waitOperUp(j, J_IF, Duration.ofSeconds(5));
    }

    /** Root with keepalived and nginx installed. */
    static boolean available() {
        try {
            return NetnsLab.isRoot()
                    && new ProcessBuilder("keepalived", "-v").redirectErrorStream(true).start().waitFor() == 0
                    && new ProcessBuilder("nginx", "-v").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static String sh(String... argv) throws IOException, InterruptedException {
        return NetnsLab.sh(argv);
    }

    /** Whether {@code dev} in namespace {@code ns} has the IPv4 {@code address}; false when ip fails. */
    static boolean holds(String ns, String dev, String address) {
        try {
            return sh("ip", "-n", ns, "-4", "addr", "show", "dev", dev).contains(" " + address + "/");
        } catch (Exception e) {
            return false;
        }
    }

    /** Polls {@code condition} every 10 ms until it holds or {@code max} passed; whether it held. */
    static boolean waitUntil(Duration max, BooleanSupplier condition) throws InterruptedException {
        return NetnsLab.waitUntil(max, Duration.ofMillis(10), condition);
    }

    static String read(Path p) {
        return NetnsLab.read(p);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** keepalived (VRRP only) in the "ka" namespace; returns its log file. */
    Path keepalived(String conf) throws IOException {
        Path c = dir.resolve("ka.conf");
        Files.writeString(c, conf);
        Path vrrpPid = dir.resolve("ka.vrrp.pid");
        lab.killAtClose(vrrpPid);
        Path log = dir.resolve("ka.log");
        lab.track(new ProcessBuilder("ip", "netns", "exec", ka, "keepalived", "-P", "-n", "-l", "-D", "-f",
                c.toString(), "-p", dir.resolve("ka.pid").toString(), "-r", vrrpPid.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start());
        return log;
    }

    /** nginx in the foreground on 127.0.0.1:port of the host namespace, answering 200. */
    void nginx(int port) throws IOException, InterruptedException {
        nginx(null, port);
    }

    /**
     * nginx in the foreground on 127.0.0.1:port of network namespace {@code netns} (null: the host
     * namespace), answering 200; waits up to 10 s until it listens. A director in {@code netns}
     * checks it there.
     */
    void nginx(String netns, int port) throws IOException, InterruptedException {
        NginxServer s = NginxServer.configure(dir.resolve("nginx"), netns, true, 256, List.of(),
                NginxServer.answering("ok", List.of("127.0.0.1:" + port)));
        lab.track(s.start(Duration.ofSeconds(10), Duration.ofMillis(10), port));
    }

    /** Whether 127.0.0.1:port of {@code netns} accepts a connection (bash's /dev/tcp, run there). */
    static boolean canConnect(String netns, int port) {
        return NetnsLab.canConnect(netns, port);
    }

    static boolean canConnect(int port) {
        return NetnsLab.canConnect(port);
    }

    static String keepalivedInstance(String name, String state, int vrid, int priority, String vip) {
        return "vrrp_instance " + name + " {\n  state " + state + "\n  interface " + KA_IF + "\n  virtual_router_id "
                + vrid + "\n  priority " + priority + "\n  advert_int 1\n  virtual_ipaddress {\n    " + vip
                + "\n  }\n}\n";
    }

    /** The lvs4j side's instance on {@link #J_IF}, advert_int 1 s. */
    static VrrpInstance lvs4jInstance(String name, InitialState state, int vrid, int priority, String vip) {
        return VrrpInstance.builder(name).initialState(state).interfaceName(J_IF).virtualRouterId(vrid)
                .priority(priority).virtualAddress(vip).build();
    }

    @Override
    public void close() throws InterruptedException {
        lab.close();
        if (Thread.interrupted()) {
            throw new InterruptedException("HostLab.close: cleaned up without waiting");
        }
    }
}
