package io.lvs4j.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test-owned nginx (Debian's /usr/sbin/nginx) in the foreground ({@code daemon off}), in the
 * host's network namespace or in one a test made, with a generated configuration, PID file and
 * logs in its own directory ({@code nginx.conf}, {@code nginx.pid}, {@code logs/error.log},
 * {@code logs/stdout.log}, {@code tmp-*}). {@link #start} waits (bounded) until every given port
 * listens; {@link #stop()} stops it by its PID. The configuration is written once, so a stopped
 * server can be started again.
 */
public final class NginxServer implements AutoCloseable {
    private static final String NGINX = "/usr/sbin/nginx";

    private final Path dir;
    private final String netns;
    private Process process;

    private NginxServer(Path dir, String netns) {
        this.dir = dir;
        this.netns = netns;
    }

    /**
     * Writes {@code dir/nginx.conf}: one worker (as root), {@code master_process} as given, the PID
     * file, logs and temporary paths in {@code dir}, {@code default_type text/plain}, the
     * {@code http} settings (each a line such as {@code keepalive_requests 100;}) and the
     * {@code server} blocks.
     *
     * @param netns the network namespace to run in; null: the host's
     */
    public static NginxServer configure(Path dir, String netns, boolean masterProcess, int workerConnections,
            List<String> httpSettings, String servers) throws IOException {
        Files.createDirectories(dir.resolve("logs"));
        StringBuilder settings = new StringBuilder();
        for (String s : httpSettings) {
            settings.append("    ").append(s).append('\n');
        }
        String conf = """
                user root;
                worker_processes 1;
                daemon off;
                master_process %2$s;
                pid %1$s/nginx.pid;
                error_log %1$s/logs/error.log warn;
                events { worker_connections %3$d; }
                http {
                    access_log off;
                %4$s    client_body_temp_path %1$s/tmp-body;
                    proxy_temp_path %1$s/tmp-proxy;
                    fastcgi_temp_path %1$s/tmp-fastcgi;
                    uwsgi_temp_path %1$s/tmp-uwsgi;
                    scgi_temp_path %1$s/tmp-scgi;
                    default_type text/plain;
                %5$s}
                """.formatted(dir.toAbsolutePath(), masterProcess ? "on" : "off", workerConnections, settings,
                servers);
        Files.writeString(dir.resolve("nginx.conf"), conf);
        return new NginxServer(dir, netns);
    }

    /**
     * A {@code server} block listening on each of {@code listens} (e.g. "80", "[::]:80") that
     * answers 200 and {@code body}.
     */
    public static String answering(String body, List<String> listens) {
        StringBuilder s = new StringBuilder("    server {\n");
        for (String l : listens) {
            s.append("        listen ").append(l).append(";\n");
        }
        return s.append("        location / { return 200 \"").append(body).append("\\n\"; }\n    }\n").toString();
    }

    public Path dir() {
        return dir;
    }

    /**
     * Starts nginx and waits up to 30 s (polling every 50 ms) until every port listens: nginx starts
     * in well under a second, but on a loaded machine it can take several.
     */
    public Process start(int... ports) throws IOException, InterruptedException {
        return start(Duration.ofSeconds(30), Duration.ofMillis(50), ports);
    }

    /**
     * Starts nginx and waits up to {@code max} until every port listens: on 127.0.0.1 in the host's
     * namespace (a connection accepted), in {@code ss -ltn} in another. An IOException with its logs
     * when it exits first or does not listen in time.
     */
    public Process start(Duration max, Duration poll, int... ports) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>();
        if (netns != null) {
            argv.addAll(List.of("ip", "netns", "exec", netns));
        }
        argv.addAll(List.of(NGINX, "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString()));
        Path stdout = dir.resolve("logs/stdout.log");
        process = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(stdout.toFile()).start();
        Process p = process;
        String where = netns == null ? "" : " in " + netns;
        long end = System.nanoTime() + max.toNanos();
        while (true) {
            if (listening(ports)) {
                return p;
            }
            if (!p.isAlive()) {
                throw new IOException("nginx" + where + " exited " + p.exitValue() + ": " + NetnsLab.read(stdout)
                        + NetnsLab.read(dir.resolve("logs/error.log")));
            }
            if (System.nanoTime() - end >= 0) {
                throw new IOException("nginx" + where + " did not listen within " + max.toMillis() + " ms: "
                        + NetnsLab.read(dir.resolve("logs/error.log")));
            }
            Thread.sleep(poll.toMillis());
        }
    }

    private boolean listening(int... ports) throws IOException, InterruptedException {
        if (netns == null) {
            for (int port : ports) {
                if (!NetnsLab.canConnect(port)) {
                    return false;
                }
            }
            return true;
        }
        String ss = NetnsLab.sh("ip", "netns", "exec", netns, "ss", "-ltnH");
        for (int port : ports) {
            if (!ss.contains(":" + port + " ")) {
                return false;
            }
        }
        return true;
    }

    /** The running nginx (its master, or its only process with {@code master_process off}); null when stopped. */
    public Process process() {
        return process;
    }

    /**
     * Stops nginx by its PID: SIGTERM to it and its workers, after 5 s SIGKILL; waits until it is
     * gone (bounded). Nothing when not started.
     */
    public void stop() throws InterruptedException {
        Process p = process;
        if (p == null) {
            return;
        }
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        process = null;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
