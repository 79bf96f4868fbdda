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
 * openssl) on {@link #httpsPort}, and HTTPS that requires a client certificate signed by
 * {@code client-ca.pem} on {@link #mtlsPort} (the client's certificate {@code client-cert.pem},
 * its key {@code client-key.pem}, and the key encrypted with {@link #KEY_PASSWORD} in
 * {@code client-key-enc.pem}). Stopped by its PID (lvs-lab's {@link NginxServer}).
 */
final class Nginx implements AutoCloseable {
    static final String VHOST = "vhost.test";
    static final String KEY_PASSWORD = "s3cret-key";
    final Path dir;
    final int httpPort;
    final int httpsPort;
    final int mtlsPort;
    private final NginxServer server;

    Nginx(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        this.httpPort = freePort();
        this.httpsPort = freePort();
        this.mtlsPort = freePort();
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
        String ca = dir.resolve("client-ca.pem").toString();
        String caKey = dir.resolve("client-ca-key.pem").toString();
        run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=lvs4j test client CA",
                "-keyout", caKey, "-out", ca));
        run(List.of("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=lvs4j checker",
                "-keyout", dir.resolve("client-key.pem").toString(), "-out", dir.resolve("client.csr").toString()));
        run(List.of("openssl", "x509", "-req", "-days", "2", "-in", dir.resolve("client.csr").toString(), "-CA", ca,
                "-CAkey", caKey, "-CAcreateserial", "-out", dir.resolve("client-cert.pem").toString()));
        run(List.of("openssl", "pkcs8", "-topk8", "-v1", "PBE-SHA1-3DES", "-passout", "pass:" + KEY_PASSWORD,
                "-in", dir.resolve("client-key.pem").toString(), "-out", dir.resolve("client-key-enc.pem").toString()));
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
                    server {
                        listen 127.0.0.1:%5$d ssl;
                        ssl_certificate %1$s/cert.pem;
                        ssl_certificate_key %1$s/key.pem;
                        ssl_client_certificate %1$s/client-ca.pem;
                        ssl_verify_client on;
                        root %1$s/html;
                    }
                """.formatted(dir.toAbsolutePath(), httpPort, httpsPort, VHOST, mtlsPort);
        server = NginxServer.configure(dir, null, true, 256, List.of(), servers);
    }

    /** Starts nginx and waits (bounded) until its ports accept. */
    Nginx start() throws IOException, InterruptedException {
        server.start(httpPort, httpsPort, mtlsPort);
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
