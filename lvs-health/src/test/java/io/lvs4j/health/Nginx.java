package io.lvs4j.health;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test-owned nginx master (Debian's /usr/sbin/nginx) in the foreground ({@code daemon off}),
 * with a generated configuration in its own directory, listening on 127.0.0.1 high ports:
 * HTTP on {@link #httpPort}, HTTPS (self-signed certificate for {@code vhost.test}, made with
 * openssl) on {@link #httpsPort}. Stopped by its PID.
 */
final class Nginx implements AutoCloseable {
    static final String VHOST = "vhost.test";
    final Path dir;
    final int httpPort;
    final int httpsPort;
    private Process process;

    Nginx(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        this.httpPort = freePort();
        this.httpsPort = freePort();
        Files.createDirectories(dir.resolve("html"));
        Files.createDirectories(dir.resolve("vhost"));
        Files.createDirectories(dir.resolve("logs"));
        Files.writeString(dir.resolve("html/index.html"), "<html><body>lvs4j health ok</body></html>\n");
        Files.writeString(dir.resolve("vhost/index.html"), "<html><body>the virtual host</body></html>\n");
        byte[] big = new byte[200_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) ('a' + i % 26);
        }
        Files.write(dir.resolve("html/big.txt"), big);
        run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=" + VHOST, "-addext", "subjectAltName=DNS:" + VHOST,
                "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString()));
        String conf = """
                user root;
                worker_processes 1;
                daemon off;
                master_process on;
                pid %1$s/nginx.pid;
                error_log %1$s/logs/error.log warn;
                events { worker_connections 256; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/tmp-body;
                    proxy_temp_path %1$s/tmp-proxy;
                    fastcgi_temp_path %1$s/tmp-fastcgi;
                    uwsgi_temp_path %1$s/tmp-uwsgi;
                    scgi_temp_path %1$s/tmp-scgi;
                    default_type text/plain;
                    server {
                        listen 127.0.0.1:%2$d default_server;
                        listen 127.0.0.1:%3$d ssl default_server;
                        ssl_certificate %1$s/cert.pem;
                        ssl_certificate_key %1$s/key.pem;
                        server_name default.test;
                        root %1$s/html;
                        location = /unavailable { return 503; }
                        location = /moved { return 301 /index.html; }
                        location = /found { return 302 /index.html; }
                        location = /teapot { return 418; }
                    }
                    server {
                        listen 127.0.0.1:%2$d;
                        listen 127.0.0.1:%3$d ssl;
                        ssl_certificate %1$s/cert.pem;
                        ssl_certificate_key %1$s/key.pem;
                        server_name %4$s;
                        root %1$s/vhost;
                    }
                }
                """.formatted(dir.toAbsolutePath(), httpPort, httpsPort, VHOST);
        Files.writeString(dir.resolve("nginx.conf"), conf);
    }

    /** Starts nginx and waits (bounded) until both ports accept. */
    Nginx start() throws IOException, InterruptedException {
        process = new ProcessBuilder("/usr/sbin/nginx", "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("logs/stdout.log").toFile())
                .start();
        for (int i = 0; i < 100; i++) {
            if (accepts(httpPort) && accepts(httpsPort)) {
                return this;
            }
            if (!process.isAlive()) {
                throw new IOException("nginx exited " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("logs/stdout.log")) + Files.readString(dir.resolve("logs/error.log")));
            }
            Thread.sleep(50);
        }
        throw new IOException("nginx did not listen within 5 s");
    }

    /** Stops nginx by its PID (SIGTERM, then SIGKILL) and waits until its port refuses. */
    void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        process = null;
    }

    long pid() {
        return process.pid();
    }

    String md5Of(String relative) throws IOException, InterruptedException {
        String out = run(List.of("md5sum", dir.resolve(relative).toString()));
        return out.substring(0, 32);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String run(List<String> argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(argv + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
