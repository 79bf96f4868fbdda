package io.lvs4j.health;

import io.lvs4j.lab.NginxServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test-owned nginx master (Debian's /usr/sbin/nginx) in the foreground ({@code daemon off}),
 * with a generated configuration in its own directory, listening on 127.0.0.1 high ports:
 * HTTP on {@link #httpPort}, HTTPS (self-signed certificate for {@code vhost.test}, made with
 * openssl) on {@link #httpsPort}. Stopped by its PID (lvs-lab's {@link NginxServer}).
 */
final class Nginx implements AutoCloseable {
    static final String VHOST = "vhost.test";
    final Path dir;
    final int httpPort;
    final int httpsPort;
    private final NginxServer server;

    Nginx(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        this.httpPort = freePort();
        this.httpsPort = freePort();
        Files.createDirectories(dir.resolve("html"));
        Files.createDirectories(dir.resolve("vhost"));
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
        String servers = """
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
                """.formatted(dir.toAbsolutePath(), httpPort, httpsPort, VHOST);
        server = NginxServer.configure(dir, null, true, 256, List.of(), servers);
    }

    /** Starts nginx and waits (bounded) until both ports accept. */
    Nginx start() throws IOException, InterruptedException {
        server.start(httpPort, httpsPort);
        return this;
    }

    /** Stops nginx by its PID (SIGTERM, then SIGKILL), bounded. */
    void stop() throws InterruptedException {
        server.stop();
    }

    long pid() {
        return server.process().pid();
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
