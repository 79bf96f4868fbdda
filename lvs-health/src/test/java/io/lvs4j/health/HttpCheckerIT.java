package io.lvs4j.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTP_GET and SSL_GET against a real nginx on loopback, and scripted servers for what nginx cannot do. */
class HttpCheckerIT {
    @TempDir
    static Path dir;
    static Nginx nginx;
    static CheckRuntime runtime;
    static String indexMd5;
    static String vhostMd5;
    static String bigMd5;

    @BeforeAll
    static void start() throws Exception {
        nginx = new Nginx(dir).start();
        runtime = CheckRuntime.create();
        indexMd5 = nginx.md5Of("html/index.html");
        vhostMd5 = nginx.md5Of("vhost/index.html");
        bigMd5 = nginx.md5Of("html/big.txt");
    }

    @AfterAll
    static void stop() throws Exception {
        if (runtime != null) {
            runtime.close();
        }
        if (nginx != null) {
            nginx.close();
        }
    }

    // 10 s: the deadline covers a cold JVM's first TLS handshake on a busy host
    static Endpoint http() {
        return Endpoint.of("127.0.0.1", nginx.httpPort).withConnectTimeout(Duration.ofSeconds(10));
    }

    static Endpoint https() {
        return Endpoint.of("127.0.0.1", nginx.httpsPort).withConnectTimeout(Duration.ofSeconds(10));
    }

    static CheckResult run(Checker c) throws Exception {
        return c.check(runtime).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    static HttpUrlCheck.Builder url(String path) {
        return HttpUrlCheck.builder(path);
    }

    @Test
    void httpGet_indexWithMd5sumDigest_up() throws Exception {
        CheckResult r = run(HttpChecker.builder(http()).url(url("/index.html").digest(indexMd5).build()).build());
        assertThat(r.isUp()).as(r.toString()).isTrue();
        assertThat(r.reason()).isEqualTo(FailureReason.NONE);
        assertThat(r.latencyNanos()).isPositive();
    }

    @Test
    void httpGet_wrongDigest_downWithDigestMismatch() throws Exception {
        CheckResult r = run(HttpChecker.builder(http())
                .url(url("/index.html").digest("00112233445566778899aabbccddeeff").build()).build());
        assertThat(r.isUp()).isFalse();
        assertThat(r.reason()).isEqualTo(FailureReason.DIGEST_MISMATCH);
        assertThat(r.detail()).contains(indexMd5).contains("00112233445566778899aabbccddeeff");
    }

    @Test
    void httpGet_status503_downWithStatus() throws Exception {
        CheckResult r = run(HttpChecker.builder(http()).url("/unavailable").build());
        assertThat(r.reason()).isEqualTo(FailureReason.STATUS);
        assertThat(r.detail()).isEqualTo("/unavailable: status 503 (expected: 200-299)");
    }

    @Test
    void httpGet_statusListWithRange_418Accepted() throws Exception {
        CheckResult r = run(HttpChecker.builder(http()).url(url("/teapot").status(200, 299).status(418).build()).build());
        assertThat(r.isUp()).as(r.toString()).isTrue();
    }

    @Test
    void httpGet_redirect_notFollowedAndJudgedByStatus() throws Exception {
        CheckResult byDefault = run(HttpChecker.builder(http()).url("/moved").build());
        assertThat(byDefault.reason()).isEqualTo(FailureReason.STATUS);
        assertThat(byDefault.detail()).contains("status 301");
        CheckResult expected = run(HttpChecker.builder(http())
                .url(url("/moved").status(301).build())
                .url(url("/found").status(300, 399).build()).build());
        assertThat(expected.isUp()).as(expected.toString()).isTrue();
    }

    @Test
    void httpGet_virtualhost_servesThatHostsBody() throws Exception {
        CheckResult vhost = run(HttpChecker.builder(http()).virtualhost(Nginx.VHOST)
                .url(url("/index.html").digest(vhostMd5).build()).build());
        assertThat(vhost.isUp()).as(vhost.toString()).isTrue();
        CheckResult perUrl = run(HttpChecker.builder(http())
                .url(url("/index.html").virtualhost(Nginx.VHOST).digest(indexMd5).build()).build());
        assertThat(perUrl.reason()).isEqualTo(FailureReason.DIGEST_MISMATCH);
        assertThat(perUrl.detail()).contains(vhostMd5);
    }

    @Test
    void httpGet_bodyRegex_matchAndNoMatch() throws Exception {
        assertThat(run(HttpChecker.builder(http()).url(url("/index.html").regex("health\\s+ok").build()).build())
                .isUp()).isTrue();
        CheckResult none = run(HttpChecker.builder(http()).url(url("/index.html").regex("health ok").regexNoMatch().build())
                .build());
        assertThat(none.reason()).isEqualTo(FailureReason.REGEX_MISMATCH);
        CheckResult offsets = run(HttpChecker.builder(http())
                .url(url("/index.html").regex("<html>").regexOffsets(1, -1).build()).build());
        assertThat(offsets.reason()).isEqualTo(FailureReason.REGEX_MISMATCH);
    }

    @Test
    void httpGet_severalUrls_firstFailingOneNamed() throws Exception {
        CheckResult r = run(HttpChecker.builder(http()).url(url("/index.html").digest(indexMd5).build())
                .url("/unavailable").url("/index.html").build());
        assertThat(r.reason()).isEqualTo(FailureReason.STATUS);
        assertThat(r.detail()).startsWith("/unavailable: ");
    }

    @Test
    void httpGet_largeBody_digestWithinBoundAndTooLargeBeyond() throws Exception {
        CheckResult whole = run(HttpChecker.builder(http()).url(url("/big.txt").digest(bigMd5).build()).build());
        assertThat(whole.isUp()).as(whole.toString()).isTrue();
        CheckResult bounded = run(HttpChecker.builder(http()).maxBytes(64 * 1024)
                .url(url("/big.txt").digest(bigMd5).build()).build());
        assertThat(bounded.reason()).isEqualTo(FailureReason.TOO_LARGE);
        assertThat(bounded.detail()).contains("65536");
    }

    @Test
    void httpGet_http11WithConnectionClose_sameDigest() throws Exception {
        CheckResult r = run(HttpChecker.builder(http()).protocol(HttpChecker.Protocol.HTTP_1_1)
                .url(url("/index.html").digest(indexMd5).build()).build());
        assertThat(r.isUp()).as(r.toString()).isTrue();
    }

    @Test
    void httpGet_missingFile_status404() throws Exception {
        CheckResult r = run(HttpChecker.builder(http()).url("/no-such-file").build());
        assertThat(r.detail()).contains("status 404");
    }

    static Endpoint mtls() {
        return Endpoint.of("127.0.0.1", nginx.mtlsPort).withConnectTimeout(Duration.ofSeconds(10));
    }

    @Test
    void sslGet_serverRequiresAClientCertificate_noneSent_down() throws Exception {
        CheckResult r = run(HttpChecker.builder(mtls()).tls().url("/index.html").build());
        assertThat(r.isUp()).isFalse();
    }

    @Test
    void sslGet_clientCertificate_presentedAndAccepted_up() throws Exception {
        CheckResult r = run(HttpChecker.builder(mtls()).tls()
                .clientCertificate(dir.resolve("client-cert.pem").toString(), dir.resolve("client-key.pem").toString())
                .url(url("/index.html").digest(indexMd5).build()).build());
        assertThat(r.isUp()).as("%s", r).isTrue();
    }

    @Test
    void sslGet_encryptedClientKeyWithItsPassword_up() throws Exception {
        CheckResult r = run(HttpChecker.builder(mtls()).tls()
                .clientCertificate(dir.resolve("client-cert.pem").toString(), dir.resolve("client-key-enc.pem").toString())
                .clientKeyPassword(Nginx.KEY_PASSWORD).url("/index.html").build());
        assertThat(r.isUp()).as("%s", r).isTrue();
    }

    @Test
    void sslGet_encryptedClientKeyWrongPassword_refusedWhenBuilt() {
        assertThatThrownBy(() -> HttpChecker.builder(mtls()).tls()
                .clientCertificate(dir.resolve("client-cert.pem").toString(), dir.resolve("client-key-enc.pem").toString())
                .clientKeyPassword("wrong").url("/index.html").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("certificate: ")
                .hasMessageNotContaining("wrong");
    }

    @Test
    void sslGet_withoutVerification_upWithDigest() throws Exception {
        CheckResult r = run(HttpChecker.builder(https()).tls().url(url("/index.html").digest(indexMd5).build()).build());
        assertThat(r.isUp()).as(r.toString()).isTrue();
    }

    @Test
    void sslGet_sniAndVirtualhost_reachesTheVirtualHost() throws Exception {
        CheckResult r = run(HttpChecker.builder(https()).tls().sni().virtualhost(Nginx.VHOST)
                .url(url("/index.html").digest(vhostMd5).build()).build());
        assertThat(r.isUp()).as(r.toString()).isTrue();
    }

    @Test
    void sslGet_verifiedAgainstItsOwnCertificate_up() throws Exception {
        CheckResult r = run(HttpChecker.builder(https()).tls().sni().virtualhost(Nginx.VHOST)
                .trustCertificates(dir.resolve("cert.pem").toString()).url("/index.html").build());
        assertThat(r.isUp()).as(r.toString()).isTrue();
    }

    @Test
    void sslGet_selfSignedVerifiedAgainstJdkTrustStore_downWithTls() throws Exception {
        CheckResult r = run(HttpChecker.builder(https()).tls().sni().virtualhost(Nginx.VHOST).verifyCertificate()
                .url("/index.html").build());
        assertThat(r.reason()).isEqualTo(FailureReason.TLS);
        assertThat(r.detail()).contains("TLS handshake");
    }

    @Test
    void sslGet_wrongHostNameVerified_downWithTls() throws Exception {
        CheckResult r = run(HttpChecker.builder(https()).tls().sni().virtualhost("other.test")
                .trustCertificates(dir.resolve("cert.pem").toString()).url("/index.html").build());
        assertThat(r.reason()).isEqualTo(FailureReason.TLS);
    }

    @Test
    void httpGet_plainHttpToTlsPort_badResponse() throws Exception {
        CheckResult r = run(HttpChecker.builder(https()).url("/index.html").build());
        assertThat(r.reason()).isEqualTo(FailureReason.STATUS);
        assertThat(r.detail()).contains("status 400");
    }

    @Test
    void httpGet_slowResponsePastReadTimeout_readTimeout() throws Exception {
        try (ScriptedServer slow = new ScriptedServer((in, out) -> {
            ScriptedServer.readHead(in);
            out.write("HTTP/1.0 200 OK\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(3000);
        })) {
            Endpoint e = Endpoint.of("127.0.0.1", slow.port()).withReadTimeout(Duration.ofMillis(300));
            CheckResult r = run(HttpChecker.builder(e).url("/").build());
            assertThat(r.reason()).isEqualTo(FailureReason.READ_TIMEOUT);
            assertThat(r.latency()).isBetween(Duration.ofMillis(290), Duration.ofMillis(2500));
        }
    }

    @Test
    void httpGet_garbageAnswer_badResponseNamingIt() throws Exception {
        try (ScriptedServer garbage = new ScriptedServer((in, out) -> {
            ScriptedServer.readHead(in);
            out.write("SSH-2.0-OpenSSH_9.2\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        })) {
            CheckResult r = run(HttpChecker.builder(Endpoint.of("127.0.0.1", garbage.port())).url("/").build());
            assertThat(r.reason()).isEqualTo(FailureReason.BAD_RESPONSE);
            assertThat(r.detail()).contains("not an HTTP response").contains("SSH-2.0");
        }
    }

    @Test
    void httpGet_binaryGarbageThenClose_badResponse() throws Exception {
        try (ScriptedServer garbage = new ScriptedServer((in, out) -> {
            ScriptedServer.readHead(in);
            out.write(new byte[] {0, 1, 2, (byte) 0xff, 'x', '\n'});
        })) {
            CheckResult r = run(HttpChecker.builder(Endpoint.of("127.0.0.1", garbage.port())).url("/").build());
            assertThat(r.reason()).isEqualTo(FailureReason.BAD_RESPONSE);
            assertThat(r.detail()).contains("incomplete HTTP header").contains("\\x00");
        }
    }

    @Test
    void httpGet_closedWithoutAnswer_closedNoData() throws Exception {
        try (ScriptedServer mute = new ScriptedServer((in, out) -> ScriptedServer.readHead(in))) {
            CheckResult r = run(HttpChecker.builder(Endpoint.of("127.0.0.1", mute.port())).url("/").build());
            assertThat(r.reason()).isEqualTo(FailureReason.CLOSED);
            assertThat(r.detail()).contains("no data received");
        }
    }

    @Test
    void httpGet_exactRequestBytes_asKeepalivedSendsThem() throws Exception {
        StringBuilder seen = new StringBuilder();
        try (ScriptedServer echo = new ScriptedServer((in, out) -> {
            synchronized (seen) {
                seen.append(ScriptedServer.readHead(in));
            }
            out.write("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        })) {
            CheckResult r = run(HttpChecker.builder(Endpoint.of("127.0.0.1", echo.port()))
                    .protocol(HttpChecker.Protocol.HTTP_1_0C).url("/a?b=c").build());
            assertThat(r.isUp()).as(r.toString()).isTrue();
            synchronized (seen) {
                assertThat(seen.toString()).isEqualTo("GET /a?b=c HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\n"
                        + "Connection: close\r\nHost: 127.0.0.1:" + echo.port() + "\r\n\r\n");
            }
        }
    }

    @Test
    void httpGet_nothingListening_refused() throws Exception {
        int port = Nginx.freePort();
        CheckResult r = run(HttpChecker.builder(Endpoint.of("127.0.0.1", port)).url("/").build());
        assertThat(r.reason()).isEqualTo(FailureReason.REFUSED);
        assertThat(r.detail()).contains("127.0.0.1:" + port);
    }

}
