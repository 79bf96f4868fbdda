package io.lvs4j.health;

import io.lvs4j.internal.FatalErrors;
import io.lvs4j.health.internal.HttpResponseReader;
import io.lvs4j.internal.Preconditions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * {@code HTTP_GET} and {@code SSL_GET}: for each URL in order, one connection, keepalived's request
 * ({@code GET path HTTP/1.x}, {@code User-Agent: KeepAliveClient}, {@code Connection: close} for
 * 1.0C and 1.1, {@code Host:} the virtual host or {@code address:port}), then the status code, the
 * MD5 digest of the body as genhash computes it, and the body regex. Up when every URL passes.
 * At most {@link Builder#maxBytes} bytes of each response are read.
 */
public final class HttpChecker implements Checker {
    /** keepalived's {@code http_protocol}. */
    public enum Protocol {
        /** {@code HTTP/1.0}, no Connection header (keepalived's default). */
        HTTP_1_0("1.0"),
        /** {@code HTTP/1.0} with {@code Connection: close}. */
        HTTP_1_0C("1.0C"),
        /** {@code HTTP/1.1} with {@code Connection: close}. */
        HTTP_1_1("1.1");

        private final String keyword;

        Protocol(String keyword) {
            this.keyword = keyword;
        }

        public String keyword() {
            return keyword;
        }

        public static Protocol of(String keyword) {
            for (Protocol p : values()) {
                if (p.keyword.equalsIgnoreCase(keyword)) {
                    return p;
                }
            }
            throw Preconditions.invalid("http_protocol", keyword, "one of 1.0, 1.0C, 1.1");
        }
    }

    /** The default bound on the bytes read per response: 1 MiB. */
    public static final int DEFAULT_MAX_BYTES = 1 << 20;

    private final Endpoint endpoint;
    private final boolean tls;
    private final boolean verifyCertificate;
    private final String trustCertificates;
    private final String clientCertificate;
    private final String clientKey;
    private final String clientKeyPassword;
    private final boolean sni;
    private final Protocol protocol;
    private final String virtualhost;
    private final int maxBytes;
    private final List<HttpUrlCheck> urls;
    private final SslContext sslContext;

    private HttpChecker(Builder b) {
        this.endpoint = b.endpoint;
        this.tls = b.tls;
        this.verifyCertificate = b.verifyCertificate;
        this.trustCertificates = b.trustCertificates;
        this.clientCertificate = b.clientCertificate;
        this.clientKey = b.clientKey;
        this.clientKeyPassword = b.clientKeyPassword;
        this.sni = b.sni;
        this.protocol = b.protocol;
        this.virtualhost = b.virtualhost;
        this.maxBytes = b.maxBytes;
        this.urls = List.copyOf(b.urls);
        this.sslContext = tls ? sslContext(verifyCertificate, trustCertificates, clientCertificate, clientKey,
                clientKeyPassword) : null;
    }

    /** The same check of another endpoint, sharing the TLS context. */
    private HttpChecker(HttpChecker c, Endpoint endpoint) {
        this.endpoint = endpoint;
        this.tls = c.tls;
        this.verifyCertificate = c.verifyCertificate;
        this.trustCertificates = c.trustCertificates;
        this.clientCertificate = c.clientCertificate;
        this.clientKey = c.clientKey;
        this.clientKeyPassword = c.clientKeyPassword;
        this.sni = c.sni;
        this.protocol = c.protocol;
        this.virtualhost = c.virtualhost;
        this.maxBytes = c.maxBytes;
        this.urls = c.urls;
        this.sslContext = c.sslContext;
    }

    /** The same check of {@code endpoint} ({@link Checks}' real servers share one TLS context). */
    HttpChecker withEndpoint(Endpoint endpoint) {
        return new HttpChecker(this, Preconditions.checkNotNull(endpoint, "endpoint"));
    }

    private static SslContext sslContext(boolean verify, String trust, String cert, String key, String password) {
        SslContextBuilder b = SslContextBuilder.forClient();
        try {
            if (!verify) {
                b.trustManager(InsecureTrustManagerFactory.INSTANCE);
            } else if (trust != null) {
                b.trustManager(new File(trust));
            }
        } catch (IllegalArgumentException e) {
            throw Preconditions.invalid("ca", trust, "a readable PEM file of certificates (" + e.getMessage() + ")");
        }
        try {
            if (cert != null) {
                b.keyManager(new File(cert), new File(key), password);
            }
        } catch (IllegalArgumentException e) {
            throw Preconditions.invalid("certificate", cert + " with key " + key, "a readable PEM certificate chain and its "
                    + "PKCS#8 PEM key" + (password == null ? "" : ", encrypted with the password") + " (" + oneLine(e) + ")");
        }
        try {
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw Preconditions.invalid(cert != null ? "certificate" : "ca", cert != null ? cert : trust,
                    "readable PEM files (" + oneLine(e) + ")");
        }
    }

    private static String oneLine(Exception e) {
        String m = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : e.getMessage();
        return String.valueOf(m).replaceAll("\\s+", " ");
    }

    /** An HTTP_GET (or, with {@link Builder#tls}, SSL_GET) of the endpoint. */
    public static Builder builder(Endpoint endpoint) {
        return new Builder(Preconditions.checkNotNull(endpoint, "endpoint"));
    }

    public Builder toBuilder() {
        Builder b = new Builder(endpoint);
        b.tls = tls;
        b.verifyCertificate = verifyCertificate;
        b.trustCertificates = trustCertificates;
        b.clientCertificate = clientCertificate;
        b.clientKey = clientKey;
        b.clientKeyPassword = clientKeyPassword;
        b.sni = sni;
        b.protocol = protocol;
        b.virtualhost = virtualhost;
        b.maxBytes = maxBytes;
        b.urls.addAll(urls);
        return b;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public boolean tls() {
        return tls;
    }

    public List<HttpUrlCheck> urls() {
        return urls;
    }

    public Protocol protocol() {
        return protocol;
    }

    /** The checker-wide virtual host, or null. */
    public String virtualhost() {
        return virtualhost;
    }

    public int maxBytes() {
        return maxBytes;
    }

    @Override
    public CompletionStage<CheckResult> check(CheckContext context) {
        long start = context.ticker().nanos();
        CompletableFuture<CheckResult> done = new CompletableFuture<>();
        next(context, 0, start, done);
        return done;
    }

    private void next(CheckContext context, int index, long start, CompletableFuture<CheckResult> done) {
        if (index == urls.size()) {
            done.complete(CheckResult.up(Math.max(0, context.ticker().nanos() - start)));
            return;
        }
        HttpUrlCheck url = urls.get(index);
        one(context, url).whenComplete(FatalErrors.guard((CheckResult r, Throwable t) -> {
            if (t != null) {
                done.complete(CheckResult.down(FailureReason.CHECKER_ERROR, url.path() + ": " + t,
                        Math.max(0, context.ticker().nanos() - start)));
            } else if (!r.isUp()) {
                done.complete(CheckResult.down(r.reason(), url.path() + ": " + r.detail(),
                        Math.max(0, context.ticker().nanos() - start)));
            } else {
                next(context, index + 1, start, done);
            }
        }));
    }

    private CompletableFuture<CheckResult> one(CheckContext context, HttpUrlCheck url) {
        String vhost = url.virtualhost() != null ? url.virtualhost() : virtualhost;
        String host = vhost != null ? vhost : endpoint.hostPort();
        byte[] request = ("GET " + url.path() + " HTTP/1." + (protocol == Protocol.HTTP_1_1 ? 1 : 0) + "\r\n"
                + "User-Agent: KeepAliveClient\r\n"
                + (protocol == Protocol.HTTP_1_0 ? "" : "Connection: close\r\n")
                + "Host: " + host + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        int keep = url.regex() == null ? 0 : maxBytes;
        HttpResponseReader reader = new HttpResponseReader(maxBytes, keep);
        Exchange x = new Exchange(context, endpoint) {
            @Override
            void onActive(ChannelHandlerContext ctx) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(request)).addListener(Guarded.listener(f -> {
                    if (!f.isSuccess()) {
                        failWith(f.cause(), "write");
                    }
                }));
            }

            @Override
            void onData(ChannelHandlerContext ctx, ByteBuf data) {
                switch (reader.feed(data)) {
                    case COMPLETE -> finish(judge(url, reader, elapsed()));
                    case TOO_LARGE -> fail(FailureReason.TOO_LARGE,
                            "response larger than " + maxBytes + " bytes");
                    case BAD_HEADER -> fail(FailureReason.BAD_RESPONSE, "not an HTTP response: "
                            + printable(reader.headerText()));
                    case READING -> { }
                }
            }

            @Override
            void onClosed() {
                if (!reader.headerComplete()) {
                    fail(reader.headerText().isEmpty() ? FailureReason.CLOSED : FailureReason.BAD_RESPONSE,
                            reader.headerText().isEmpty() ? "no data received from " + endpoint.hostPort()
                                    : "incomplete HTTP header: " + printable(reader.headerText()));
                } else {
                    finish(judge(url, reader, elapsed()));
                }
            }
        };
        String sniName = tls && sni ? (vhost != null ? stripPort(vhost) : null) : null;
        return x.start(sslContext, sniName, verifyCertificate);
    }

    private static String stripPort(String host) {
        if (host.startsWith("[")) {
            return null;
        }
        int c = host.indexOf(':');
        return c < 0 ? host : host.substring(0, c);
    }

    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 80; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                b.append(c);
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c == '\n') {
                b.append("\\n");
            } else {
                b.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
            }
        }
        return '"' + b.toString() + (s.length() > b.length() ? "...\"" : "\"");
    }

    /** keepalived's order: status code, then digest, then regex. */
    static CheckResult judge(HttpUrlCheck url, HttpResponseReader r, long latency) {
        int status = r.status();
        if (!url.statusMatches(status)) {
            return CheckResult.down(FailureReason.STATUS,
                    "status " + status + " (expected: " + url.statusText() + ")", latency);
        }
        if (url.digest() != null) {
            String got = r.md5Hex();
            if (!got.equals(url.digest())) {
                return CheckResult.down(FailureReason.DIGEST_MISMATCH,
                        "digest " + got + " (expected: " + url.digest() + ")", latency);
            }
        }
        if (url.regex() != null) {
            boolean matched = url.regexMatches(r.keptBody());
            if (matched == url.regexNoMatch()) {
                return CheckResult.down(FailureReason.REGEX_MISMATCH, (url.regexNoMatch() ? "body matches " : "body does not match ")
                        + Preconditions.render(url.regex().pattern()), latency);
            }
        }
        return CheckResult.up(latency);
    }

    @Override
    public String describe() {
        StringBuilder b = new StringBuilder(tls ? "SSL_GET " : "HTTP_GET ").append(endpoint.hostPort());
        for (HttpUrlCheck u : urls) {
            b.append(' ').append(u.path());
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HttpChecker h && endpoint.equals(h.endpoint) && tls == h.tls
                && verifyCertificate == h.verifyCertificate && Objects.equals(trustCertificates, h.trustCertificates)
                && Objects.equals(clientCertificate, h.clientCertificate) && Objects.equals(clientKey, h.clientKey)
                && Objects.equals(clientKeyPassword, h.clientKeyPassword)
                && sni == h.sni && protocol == h.protocol && Objects.equals(virtualhost, h.virtualhost)
                && maxBytes == h.maxBytes && urls.equals(h.urls);
    }

    @Override
    public int hashCode() {
        return Objects.hash(endpoint, tls, verifyCertificate, trustCertificates, clientCertificate, clientKey, sni, protocol, virtualhost, maxBytes, urls);
    }

    @Override
    public String toString() {
        return describe();
    }

    /** Builds an {@link HttpChecker}; at least one URL is required. */
    public static final class Builder {
        private final Endpoint endpoint;
        private boolean tls;
        private boolean verifyCertificate;
        private String trustCertificates;
        private String clientCertificate;
        private String clientKey;
        private String clientKeyPassword;
        private boolean sni;
        private Protocol protocol = Protocol.HTTP_1_0;
        private String virtualhost;
        private int maxBytes = DEFAULT_MAX_BYTES;
        private final List<HttpUrlCheck> urls = new ArrayList<>();

        private Builder(Endpoint endpoint) {
            this.endpoint = endpoint;
        }

        /** SSL_GET: TLS, without certificate verification unless {@link #verifyCertificate}. */
        public Builder tls() {
            this.tls = true;
            return this;
        }

        /** Verify the server's certificate chain and host name (the virtual host), against the JDK's trust store. */
        public Builder verifyCertificate() {
            this.verifyCertificate = true;
            return this;
        }

        /** Verify against the certificates of this PEM file instead of the JDK's trust store. */
        public Builder trustCertificates(String pemFile) {
            Preconditions.checkNotNull(pemFile, "ca");
            this.trustCertificates = pemFile;
            this.verifyCertificate = true;
            return this;
        }

        /**
         * Present this client certificate (a PEM chain) with its key (a PKCS#8 PEM file) when the
         * server asks for one, as keepalived's {@code SSL} block's {@code certificate} and
         * {@code key} do. The files are read when the check is built.
         */
        public Builder clientCertificate(String certificatePemFile, String keyPemFile) {
            this.clientCertificate = Preconditions.checkNotNull(certificatePemFile, "certificate");
            this.clientKey = Preconditions.checkNotNull(keyPemFile, "key");
            return this;
        }

        /** The password of an encrypted client key (keepalived's {@code password}); never printed. */
        public Builder clientKeyPassword(String password) {
            this.clientKeyPassword = Preconditions.checkNotNull(password, "password");
            return this;
        }

        /** Send the virtual host as TLS SNI (keepalived's {@code enable_sni}). */
        public Builder sni() {
            this.sni = true;
            return this;
        }

        public Builder protocol(Protocol protocol) {
            this.protocol = Preconditions.checkNotNull(protocol, "http_protocol");
            return this;
        }

        /** The Host header for URLs that set none (keepalived's {@code virtualhost}). */
        public Builder virtualhost(String host) {
            this.virtualhost = HttpUrlCheck.checkHost(host);
            return this;
        }

        /** The most bytes read per response (header and body), 1 KiB..64 MiB. */
        public Builder maxBytes(int bytes) {
            this.maxBytes = Preconditions.checkInRange(bytes, 1024, 64 << 20, "max_bytes");
            return this;
        }

        public Builder url(HttpUrlCheck url) {
            urls.add(Preconditions.checkNotNull(url, "url"));
            return this;
        }

        /** A URL with this path and the default expectations (status 200-299). */
        public Builder url(String path) {
            return url(HttpUrlCheck.builder(path).build());
        }

        public HttpChecker build() {
            Preconditions.checkArgument(!urls.isEmpty(), "url", "none", "at least one url");
            Preconditions.checkArgument(!sni || tls, "enable_sni", true, "only with SSL_GET");
            Preconditions.checkArgument(!verifyCertificate || tls, "verify_certificate", true, "only with SSL_GET");
            Preconditions.checkArgument(clientCertificate == null || tls, "certificate", clientCertificate, "only with SSL_GET");
            Preconditions.checkArgument(clientKeyPassword == null || clientCertificate != null, "password", "<redacted>",
                    "only with a client certificate and key");
            return new HttpChecker(this);
        }
    }

    static boolean regexFind(Pattern p, String body, long min, long max) {
        Matcher m = p.matcher(body);
        int from = (int) Math.min(min, body.length());
        return m.find(from) && (max < 0 || m.start() <= max);
    }
}
