package io.lvs4j.netlink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test support for the forwarder's end-to-end tests: network namespaces (named with a per-JVM
 * prefix, removed by name), veth pairs made inside them, a bridge namespace, nginx real servers
 * (one process each, {@code master_process off}, stopped by PID) and commands run inside a
 * namespace with {@code ip netns exec}, each bounded in time.
 */
final class FwdNet implements AutoCloseable {
    final String prefix;
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    final Path dir;
    /** Whether {@link #nginx} also listens on IPv6. */
    boolean ipv6;

    FwdNet(String tag) throws IOException {
        this.prefix = "fwd" + ProcessHandle.current().pid() % 100000 + tag;
        this.dir = Files.createTempDirectory(prefix);
    }

    static boolean isRoot() {
        return ProcessHandle.current().info().user().orElse("").equals("root");
    }

    /** A namespace with IPv6 off (no neighbour discovery noise). */
    String ns(String name) throws IOException, InterruptedException {
        String n = ns6(name);
        sh("ip", "netns", "exec", n, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
        sh("ip", "netns", "exec", n, "sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1");
        return n;
    }

    /** A namespace with IPv6 on, without duplicate address detection (addresses usable at once). */
    String ns6(String name) throws IOException, InterruptedException {
        String n = prefix + name;
        sh("ip", "netns", "add", n);
        namespaces.add(n);
        sh("ip", "-n", n, "link", "set", "lo", "up");
        sh("ip", "netns", "exec", n, "sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0");
        sh("ip", "netns", "exec", n, "sysctl", "-q", "-w", "net.ipv6.conf.default.accept_dad=0");
        return n;
    }

    /** A veth pair: {@code ifA} in {@code a}, {@code ifB} in {@code b}, both up. */
    void link(String a, String ifA, String b, String ifB) throws IOException, InterruptedException {
        sh("ip", "-n", a, "link", "add", ifA, "type", "veth", "peer", "name", ifB, "netns", b);
        sh("ip", "-n", a, "link", "set", "dev", ifA, "up");
        sh("ip", "-n", b, "link", "set", "dev", ifB, "up");
    }

    /**
     * A bridge, with bridge netfilter off in its namespace where the kernel has it: otherwise
     * {@code br_netfilter} validates IPv4 headers and drops malformed frames before they reach the
     * director, as a plain Ethernet switch would not.
     */
    void bridge(String ns, String br) throws IOException, InterruptedException {
        sh("ip", "-n", ns, "link", "add", br, "type", "bridge");
        sh("ip", "-n", ns, "link", "set", "dev", br, "up");
        for (String t : new String[] {"iptables", "ip6tables", "arptables"}) {
            try {
                sysctl(ns, "net.bridge.bridge-nf-call-" + t + "=0");
            } catch (IOException e) {
                // no bridge netfilter in this kernel: nothing validates frames on the bridge
            }
        }
    }

    void port(String ns, String br, String ifname) throws IOException, InterruptedException {
        sh("ip", "-n", ns, "link", "set", "dev", ifname, "master", br);
    }

    void addr(String ns, String ifname, String cidr) throws IOException, InterruptedException {
        sh("ip", "-n", ns, "addr", "add", cidr, "dev", ifname);
    }

    void route(String ns, String... spec) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("ip", "-n", ns, "route", "add"));
        argv.addAll(List.of(spec));
        sh(argv.toArray(new String[0]));
    }

    void sysctl(String ns, String setting) throws IOException, InterruptedException {
        sh("ip", "netns", "exec", ns, "sysctl", "-q", "-w", setting);
    }

    String mac(String ns, String ifname) throws IOException, InterruptedException {
        return sh("ip", "netns", "exec", ns, "cat", "/sys/class/net/" + ifname + "/address").trim();
    }

    /** nginx in {@code ns} answering {@code body} on each port, on every address. */
    Process nginx(String ns, String body, int... ports) throws IOException, InterruptedException {
        Path d = dir.resolve(ns);
        Files.createDirectories(d.resolve("logs"));
        StringBuilder listen = new StringBuilder();
        for (int p : ports) {
            listen.append("        listen ").append(p).append(";\n");
            if (ipv6) {
                listen.append("        listen [::]:").append(p).append(";\n");
            }
        }
        String conf = """
                user root;
                worker_processes 1;
                daemon off;
                master_process off;
                pid %1$s/nginx.pid;
                error_log %1$s/logs/error.log warn;
                events { worker_connections 1024; }
                http {
                    access_log off;
                    keepalive_requests 10000000;
                    client_body_temp_path %1$s/tmp-body;
                    proxy_temp_path %1$s/tmp-proxy;
                    fastcgi_temp_path %1$s/tmp-fastcgi;
                    uwsgi_temp_path %1$s/tmp-uwsgi;
                    scgi_temp_path %1$s/tmp-scgi;
                    default_type text/plain;
                    server {
                %2$s        location / { return 200 "%3$s\\n"; }
                    }
                }
                """.formatted(d, listen, body);
        Files.writeString(d.resolve("nginx.conf"), conf);
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, "/usr/sbin/nginx", "-p", d.toString(), "-c",
                d.resolve("nginx.conf").toString()).redirectErrorStream(true)
                .redirectOutput(d.resolve("logs/stdout.log").toFile()).start();
        processes.add(p);
        for (int i = 0; i < 100; i++) {
            String ss = sh("ip", "netns", "exec", ns, "ss", "-ltnH");
            boolean all = true;
            for (int port : ports) {
                all &= ss.contains(":" + port + " ");
            }
            if (all) {
                return p;
            }
            if (!p.isAlive()) {
                throw new IOException("nginx in " + ns + " exited: " + Files.readString(d.resolve("logs/stdout.log"))
                        + Files.readString(d.resolve("logs/error.log")));
            }
            Thread.sleep(50);
        }
        throw new IOException("nginx in " + ns + " did not listen within 5 s");
    }

    /** Starts a command in a namespace (stopped by PID at close). */
    Process start(String ns, String... argv) throws IOException {
        List<String> a = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        a.addAll(List.of(argv));
        Process p = new ProcessBuilder(a).redirectErrorStream(true).start();
        processes.add(p);
        return p;
    }

    /** {@code curl} from {@code ns}: the body, or "ERR:" and curl's exit status. */
    String curl(String ns, String url) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, "curl", "-g", "-s", "--max-time", "3", url)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "ERR:timeout";
        }
        return p.exitValue() == 0 ? out.trim() : "ERR:" + p.exitValue();
    }

    static String sh(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", argv) + " timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + " failed (" + p.exitValue() + "): " + out);
        }
        return out;
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroy();
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String n : namespaces) {
            try {
                sh("ip", "netns", "del", n);
            } catch (IOException | InterruptedException e) {
                // already gone
            }
        }
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // leave the configuration and logs behind
        }
    }
}
