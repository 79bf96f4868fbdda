package io.lvs4j.director;

import io.lvs4j.internal.Addresses;
import io.lvs4j.vrrp.config.GarpSettings;
import io.lvs4j.vrrp.config.VirtualIpAddress;
import io.lvs4j.vrrp.config.VrrpInstanceConfig;
import io.lvs4j.vrrp.config.VrrpState;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Real parts on the host for the director's robustness ITs: two network namespaces ("ka" for
 * keepalived, "j" for lvs4j) joined by a veth pair with 192.0.2.31/24 and 192.0.2.32/24,
 * keepalived and nginx processes. Names carry "ex" and this JVM's PID; everything started is
 * stopped by PID, the namespaces and the temporary directory deleted by {@link #close()}.
 */
final class HostLab implements AutoCloseable {
    static final String KA_IF = "exk1";
    static final String J_IF = "exj1";
    static final String KA_ADDR = "192.0.2.31";
    static final String J_ADDR = "192.0.2.32";

    final String ka;
    final String j;
    final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> pidFiles = new ArrayList<>();

    HostLab(String tag) throws IOException, InterruptedException {
        String id = Long.toString(ProcessHandle.current().pid() % 100000) + tag;
        ka = "exka" + id;
        j = "exj" + id;
        dir = Files.createTempDirectory("lvs4j-ex-it");
        deleteNamespaces();
        sh("ip", "netns", "add", ka);
        sh("ip", "netns", "add", j);
        sh("ip", "link", "add", KA_IF, "netns", ka, "type", "veth", "peer", "name", J_IF, "netns", j);
        for (String[] side : new String[][] {{ka, KA_IF, KA_ADDR}, {j, J_IF, J_ADDR}}) {
            sh("ip", "-n", side[0], "addr", "add", side[2] + "/24", "dev", side[1]);
            sh("ip", "-n", side[0], "link", "set", "lo", "up");
            sh("ip", "-n", side[0], "link", "set", side[1], "up");
        }
        // the kernel reports a veth's carrier asynchronously (linkwatch, up to a second later): a VRRP
        // instance started before that sees its interface down and starts in FAULT
        for (String[] side : new String[][] {{ka, KA_IF}, {j, J_IF}}) {
            if (!waitUntil(Duration.ofSeconds(5), () -> operUp(side[0], side[1]))) {
                throw new IOException(side[1] + " in " + side[0] + ": not operationally up after 5 s");
            }
        }
    }

    private static boolean operUp(String netns, String dev) {
        try {
            return sh("ip", "-n", netns, "-o", "link", "show", "dev", dev).contains("state UP");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Root with keepalived and nginx installed. */
    static boolean available() {
        try {
            return ProcessHandle.current().info().user().orElse("").equals("root")
                    && new ProcessBuilder("keepalived", "-v").redirectErrorStream(true).start().waitFor() == 0
                    && new ProcessBuilder("nginx", "-v").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static String sh(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", argv) + ": timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + ": exit " + p.exitValue() + ": " + out);
        }
        return out;
    }

    static boolean waitUntil(Duration max, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }

    static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
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
        pidFiles.add(vrrpPid);
        Path log = dir.resolve("ka.log");
        processes.add(new ProcessBuilder("ip", "netns", "exec", ka, "keepalived", "-P", "-n", "-l", "-D", "-f",
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
     * namespace), answering 200. A director in {@code netns} checks it there.
     */
    void nginx(String netns, int port) throws IOException, InterruptedException {
        Path prefix = Files.createDirectories(dir.resolve("nginx"));
        Path conf = prefix.resolve("nginx.conf");
        Files.writeString(conf, "daemon off;\nworker_processes 1;\npid " + prefix.resolve("nginx.pid") + ";\n"
                + "error_log " + prefix.resolve("error.log") + ";\nevents { worker_connections 256; }\n"
                + "http {\n access_log off;\n client_body_temp_path " + prefix + "/body;\n proxy_temp_path " + prefix
                + "/proxy;\n fastcgi_temp_path " + prefix + "/fastcgi;\n uwsgi_temp_path " + prefix + "/uwsgi;\n"
                + " scgi_temp_path " + prefix + "/scgi;\n server {\n  listen 127.0.0.1:" + port + ";\n"
                + "  location / { return 200 \"ok\\n\"; }\n }\n}\n");
        List<String> argv = new ArrayList<>();
        if (netns != null) {
            argv.addAll(List.of("ip", "netns", "exec", netns));
        }
        argv.addAll(List.of("nginx", "-p", prefix.toString(), "-c", conf.toString()));
        Process p = new ProcessBuilder(argv)
                .redirectErrorStream(true).redirectOutput(prefix.resolve("stdout.log").toFile()).start();
        processes.add(p);
        if (!waitUntil(Duration.ofSeconds(10), () -> netns == null ? canConnect(port) : canConnect(netns, port))) {
            throw new IOException("nginx did not listen on 127.0.0.1:" + port + ": "
                    + read(prefix.resolve("error.log")));
        }
    }

    /** Whether 127.0.0.1:port of {@code netns} accepts a connection (bash's /dev/tcp, run there). */
    static boolean canConnect(String netns, int port) {
        try {
            sh("ip", "netns", "exec", netns, "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + port);
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static boolean canConnect(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String keepalivedInstance(String name, String state, int vrid, int priority, String vip) {
        return "vrrp_instance " + name + " {\n  state " + state + "\n  interface " + KA_IF + "\n  virtual_router_id "
                + vrid + "\n  priority " + priority + "\n  advert_int 1\n  virtual_ipaddress {\n    " + vip
                + "\n  }\n}\n";
    }

    /** The lvs4j side's instance on {@link #J_IF}, advert_int 1 s, as keepalived.conf's reader would make it. */
    static VrrpInstanceConfig lvs4jInstance(String name, VrrpState state, int vrid, int priority, String vip) {
        String[] a = vip.split("/");
        VirtualIpAddress v = new VirtualIpAddress(Addresses.parse(a[0], "vip"), Integer.parseInt(a[1]), null, null,
                null, null, List.of());
        return new VrrpInstanceConfig(name, state, J_IF, vrid, priority, Duration.ofSeconds(1), null, null, List.of(v),
                List.of(), List.of(), List.of(), null, List.of(), null, false, null, List.of(), List.of(), List.of(),
                false, Map.of(), null, null, GarpSettings.DEFAULTS, Map.of());
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : processes) {
            List<ProcessHandle> children = p.descendants().toList();
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            for (ProcessHandle c : children) {
                c.destroyForcibly();
            }
        }
        for (Path pid : pidFiles) {
            String text = read(pid).trim();
            if (!text.isEmpty()) {
                ProcessHandle.of(Long.parseLong(text)).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        deleteNamespaces();
        try (var files = Files.walk(dir)) { // logs and configurations, deepest first
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // best effort: a temporary directory
        }
    }

    private void deleteNamespaces() throws InterruptedException {
        for (String ns : new String[] {ka, j}) {
            try {
                sh("ip", "netns", "del", ns);
            } catch (IOException e) {
                // not there
            }
        }
    }
}
