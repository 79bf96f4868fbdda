package io.lvs4j.health;

import io.lvs4j.health.internal.DnsQuery;
import io.lvs4j.internal.Addresses;
import io.lvs4j.internal.Preconditions;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Fluent builders of keepalived's checks, not yet bound to a real server: give one to
 * {@link ServiceHealth.Builder#check(Checks.Builder, CheckPolicy)} for every real server of a
 * service, or to {@link ServiceHealth.Builder#check(io.lvs4j.RealServer, Checks.Builder, CheckPolicy)}
 * for one. Each connects to the real server's address and port (the port resolved as the service
 * resolves it) unless told otherwise with {@link NetworkBuilder#connectIp} and
 * {@link NetworkBuilder#connectPort}. Every setter checks its argument at once.
 *
 * <pre>{@code
 * ServiceHealth.builder(web)
 *         .check(Checks.tcp().connectTimeout(Duration.ofSeconds(2)), policy)    // every real server
 *         .check(rs1, Checks.http("/health").status(200), policy)               // and one more on rs1
 *         .build();
 * }</pre>
 */
public final class Checks {
    /** Stands in for the real server's endpoint while a builder is validated. */
    private static final Endpoint PLACEHOLDER = Endpoint.of(InetAddress.getLoopbackAddress(), 1);

    private Checks() {}

    /** {@code TCP_CHECK}: up when a TCP connection is established within the connect timeout. */
    public static TcpBuilder tcp() {
        return new TcpBuilder();
    }

    /** {@code HTTP_GET} of one path, expecting status 200-299 unless {@link HttpBuilder#status} says otherwise. */
    public static HttpBuilder http(String path) {
        return new HttpBuilder(HttpUrlCheck.builder(path));
    }

    /** {@code HTTP_GET} whose URLs are all added with {@link HttpBuilder#url}. */
    public static HttpBuilder http() {
        return new HttpBuilder(null);
    }

    /** {@code SSL_GET} of one path: {@link #http(String)} over TLS, without certificate verification. */
    public static HttpBuilder https(String path) {
        return http(path).tls();
    }

    /** {@code UDP_CHECK}: an empty datagram, up unless refused, unless told otherwise. */
    public static UdpBuilder udp() {
        return new UdpBuilder();
    }

    /** {@code DNS_CHECK}: a query of type SOA for "." unless told otherwise. */
    public static DnsBuilder dns() {
        return new DnsBuilder();
    }

    /** {@code SMTP_CHECK}: greeting, HELO and QUIT. */
    public static SmtpBuilder smtp() {
        return new SmtpBuilder();
    }

    /** {@code MISC_CHECK}: runs the program (no shell); exit 0 is up. */
    public static MiscBuilder misc(String program, String... arguments) {
        Preconditions.checkNotNull(program, "misc_path");
        Preconditions.checkNotNull(arguments, "misc_path arguments");
        List<String> argv = new ArrayList<>();
        argv.add(program);
        argv.addAll(Arrays.asList(arguments));
        return misc(argv);
    }

    /** {@code MISC_CHECK}: runs the program and its arguments (no shell); exit 0 is up. */
    public static MiscBuilder misc(List<String> argv) {
        return new MiscBuilder(MiscChecker.checkArgv(argv));
    }

    /** {@code FILE_CHECK}: follows the number in a file (see {@link FileChecker}). */
    public static FileBuilder file(Path trackFile) {
        return new FileBuilder(Preconditions.checkNotNull(trackFile, "track_file"));
    }

    /**
     * {@code PING_CHECK}: one ICMP (IPv4) or ICMPv6 (IPv6) echo request to the real server's
     * address, up when its reply comes within the connect timeout; no port involved. It needs the
     * process's group in the network namespace's {@code net.ipv4.ping_group_range} (root and IPv6
     * too); when that is refused the check is down with {@link FailureReason#IO_ERROR} and a reason
     * saying how to allow it. {@link io.lvs4j.netlink.IcmpEcho#isAvailable(java.net.StandardProtocolFamily)}
     * tells beforehand. The socket belongs to the monitor's namespace ({@link HealthMonitor.Builder#namespace}).
     */
    public static PingBuilder ping() {
        return new PingBuilder();
    }

    /** The common part of the check builders. */
    public abstract static class Builder<B extends Builder<B>> {
        Builder() {}

        /**
         * The check with the settings so far; the builder may go on to make others.
         *
         * @throws IllegalArgumentException if settings conflict
         */
        public abstract Check build();

        @SuppressWarnings("unchecked")
        final B self() {
            return (B) this;
        }
    }

    /**
     * The settings of a check that connects: keepalived's {@code connect_ip}, {@code connect_port},
     * {@code bindto}, {@code bind_port} and {@code connect_timeout}, and a read timeout.
     */
    public abstract static class NetworkBuilder<B extends NetworkBuilder<B>> extends Builder<B> {
        private InetAddress connectIp;
        private int connectPort;
        private InetAddress bindTo;
        private int bindPort;
        private Duration connectTimeout = Endpoint.DEFAULT_CONNECT_TIMEOUT;
        private Duration readTimeout;

        NetworkBuilder() {}

        /** Connect to this address instead of the real server's ({@code connect_ip}). */
        public B connectIp(InetAddress address) {
            this.connectIp = Preconditions.checkNotNull(address, "connect_ip");
            return self();
        }

        /** Connect to this address literal instead of the real server's ({@code connect_ip}). */
        public B connectIp(String address) {
            this.connectIp = Addresses.parse(address, "connect_ip");
            return self();
        }

        /** Connect to this port instead of the real server's ({@code connect_port}): 1..65535. */
        public B connectPort(int port) {
            this.connectPort = Preconditions.checkInRange(port, 1, 65535, "connect_port");
            return self();
        }

        /** Connect from this local address ({@code bindto}). */
        public B bindTo(InetAddress address) {
            this.bindTo = Preconditions.checkNotNull(address, "bindto");
            return self();
        }

        /** Connect from this local address literal ({@code bindto}). */
        public B bindTo(String address) {
            this.bindTo = Addresses.parse(address, "bindto");
            return self();
        }

        /** Connect from this local port ({@code bind_port}): 1..65535; needs {@link #bindTo}. */
        public B bindPort(int port) {
            this.bindPort = Preconditions.checkInRange(port, 1, 65535, "bind_port");
            return self();
        }

        /** How long connecting may take ({@code connect_timeout}, default 5 s): 1 ns..1 h. */
        public B connectTimeout(Duration timeout) {
            this.connectTimeout = Endpoint.checkTimeout(timeout, "connect_timeout");
            return self();
        }

        /** How long the answer may take once connected (default: the connect timeout): 1 ns..1 h. */
        public B readTimeout(Duration timeout) {
            this.readTimeout = Endpoint.checkTimeout(timeout, "read_timeout");
            return self();
        }

        final Target target() {
            Preconditions.checkArgument(bindPort == 0 || bindTo != null, "bind_port", bindPort, "with a bindto address");
            return new Target(connectIp, connectPort, bindTo, bindPort, connectTimeout, readTimeout);
        }
    }

    /** Where a network check connects, except the real server's part. */
    record Target(InetAddress connectIp, int connectPort, InetAddress bindTo, int bindPort, Duration connectTimeout,
            Duration readTimeout) {
        Endpoint endpoint(InetAddress address, int port) {
            Endpoint e = Endpoint.of(connectIp != null ? connectIp : address, connectPort != 0 ? connectPort : port)
                    .withConnectTimeout(connectTimeout);
            if (readTimeout != null) {
                e = e.withReadTimeout(readTimeout);
            }
            if (bindTo != null) {
                e = e.withBind(bindTo, bindPort);
            }
            return e;
        }
    }

    /** A check that connects to the real server's endpoint. */
    private static final class NetworkCheck implements Check {
        private final Target target;
        private final Function<Endpoint, Checker> make;
        private final String description;

        NetworkCheck(Target target, Function<Endpoint, Checker> make, String description) {
            this.target = target;
            this.make = make;
            this.description = description;
        }

        @Override
        public Checker checker(InetAddress address, int port, CheckPolicy policy) {
            Preconditions.checkNotNull(address, "address");
            int p = target.connectPort() != 0 ? target.connectPort() : port;
            Preconditions.checkInRange(p, 1, 65535, description + " port");
            return make.apply(target.endpoint(address, p));
        }

        @Override
        public int connectPort() {
            return target.connectPort();
        }

        @Override
        public String describe() {
            return description;
        }

        @Override
        public String toString() {
            return description + (target.connectPort() != 0 ? " connect_port " + target.connectPort() : "");
        }
    }

    /** A check that connects nowhere: the same checker for every real server. */
    private static final class LocalCheck implements Check {
        private final Function<CheckPolicy, Checker> make;
        private final String description;

        LocalCheck(Function<CheckPolicy, Checker> make, String description) {
            this.make = make;
            this.description = description;
        }

        @Override
        public Checker checker(InetAddress address, int port, CheckPolicy policy) {
            return make.apply(Preconditions.checkNotNull(policy, "policy"));
        }

        @Override
        public boolean needsPort() {
            return false;
        }

        @Override
        public String describe() {
            return description;
        }

        @Override
        public String toString() {
            return description;
        }
    }

    /** Builds a {@code TCP_CHECK}. */
    public static final class TcpBuilder extends NetworkBuilder<TcpBuilder> {
        TcpBuilder() {}

        @Override
        public Check build() {
            return new NetworkCheck(target(), TcpChecker::of, "TCP_CHECK");
        }
    }

    /**
     * Builds an {@code HTTP_GET} or {@code SSL_GET}. The expectations {@link #status},
     * {@link #digest} and {@link #regex} belong to the path given to {@link Checks#http(String)};
     * further URLs with their own come with {@link #url}.
     */
    public static final class HttpBuilder extends NetworkBuilder<HttpBuilder> {
        private final HttpUrlCheck.Builder first;
        private final List<HttpUrlCheck> urls = new ArrayList<>();
        private boolean tls;
        private boolean verifyCertificate;
        private String trustCertificates;
        private String clientCertificate;
        private String clientKey;
        private String clientKeyPassword;
        private boolean sni;
        private HttpChecker.Protocol protocol = HttpChecker.Protocol.HTTP_1_0;
        private String virtualhost;
        private int maxBytes = HttpChecker.DEFAULT_MAX_BYTES;

        HttpBuilder(HttpUrlCheck.Builder first) {
            this.first = first;
        }

        private HttpUrlCheck.Builder first(String setting, Object value) {
            Preconditions.checkState(first != null, setting, value, "a path given to Checks.http(path); "
                    + "a URL added with url(...) has its own expectations");
            return first;
        }

        /** Adds an expected status code (100..999) of the path; the default is 200-299. */
        public HttpBuilder status(int code) {
            first("status_code", code).status(code);
            return this;
        }

        /** Adds an expected range of status codes of the path, inclusive. */
        public HttpBuilder status(int from, int to) {
            first("status_code", from + "-" + to).status(from, to);
            return this;
        }

        /** The MD5 of the path's body as 32 hex digits (genhash's output). */
        public HttpBuilder digest(String hex) {
            first("digest", hex).digest(hex);
            return this;
        }

        /** The path's body must contain a match (Java regex syntax). */
        public HttpBuilder regex(String pattern) {
            first("regex", pattern).regex(pattern);
            return this;
        }

        /** Adds a URL with its own expectations, checked after the ones before it. */
        public HttpBuilder url(HttpUrlCheck url) {
            urls.add(Preconditions.checkNotNull(url, "url"));
            return this;
        }

        /** Adds a URL of this path expecting status 200-299. */
        public HttpBuilder url(String path) {
            return url(HttpUrlCheck.builder(path).build());
        }

        /** SSL_GET: over TLS, without certificate verification unless {@link #verifyCertificate}. */
        public HttpBuilder tls() {
            this.tls = true;
            return this;
        }

        /** Verify the certificate chain and host name against the JDK's trust store (needs {@link #tls}). */
        public HttpBuilder verifyCertificate() {
            this.verifyCertificate = true;
            return this;
        }

        /** Verify against the certificates of this PEM file (needs {@link #tls}). */
        public HttpBuilder trustCertificates(String pemFile) {
            this.trustCertificates = Preconditions.checkNotNull(pemFile, "ca");
            this.verifyCertificate = true;
            return this;
        }

        /**
         * Present this client certificate (PEM chain) and key (PKCS#8 PEM) when the server asks for
         * one (keepalived's {@code SSL { certificate; key }}; needs {@link #tls}).
         */
        public HttpBuilder clientCertificate(String certificatePemFile, String keyPemFile) {
            this.clientCertificate = Preconditions.checkNotNull(certificatePemFile, "certificate");
            this.clientKey = Preconditions.checkNotNull(keyPemFile, "key");
            return this;
        }

        /** The password of an encrypted client key (keepalived's {@code SSL { password }}). */
        public HttpBuilder clientKeyPassword(String password) {
            this.clientKeyPassword = Preconditions.checkNotNull(password, "password");
            return this;
        }

        /** Send the virtual host as TLS SNI (keepalived's {@code enable_sni}; needs {@link #tls}). */
        public HttpBuilder sni() {
            this.sni = true;
            return this;
        }

        /** keepalived's {@code http_protocol} (default 1.0). */
        public HttpBuilder protocol(HttpChecker.Protocol protocol) {
            this.protocol = Preconditions.checkNotNull(protocol, "http_protocol");
            return this;
        }

        /** The Host header of URLs that set none (keepalived's {@code virtualhost}). */
        public HttpBuilder virtualhost(String host) {
            this.virtualhost = HttpUrlCheck.checkHost(host);
            return this;
        }

        /** The most bytes read per response, 1 KiB..64 MiB (default 1 MiB). */
        public HttpBuilder maxBytes(int bytes) {
            this.maxBytes = Preconditions.checkInRange(bytes, 1024, 64 << 20, "max_bytes");
            return this;
        }

        /** @throws IllegalArgumentException without a URL, or with TLS settings but no {@link #tls} */
        @Override
        public Check build() {
            HttpChecker.Builder b = HttpChecker.builder(PLACEHOLDER).protocol(protocol).maxBytes(maxBytes);
            if (tls) {
                b.tls();
            }
            if (trustCertificates != null) {
                b.trustCertificates(trustCertificates);
            } else if (verifyCertificate) {
                b.verifyCertificate();
            }
            if (clientCertificate != null) {
                b.clientCertificate(clientCertificate, clientKey);
            }
            if (clientKeyPassword != null) {
                b.clientKeyPassword(clientKeyPassword);
            }
            if (sni) {
                b.sni();
            }
            if (virtualhost != null) {
                b.virtualhost(virtualhost);
            }
            StringBuilder d = new StringBuilder(tls ? "SSL_GET" : "HTTP_GET");
            if (first != null) {
                HttpUrlCheck u = first.build();
                b.url(u);
                d.append(' ').append(u.path());
            }
            for (HttpUrlCheck u : urls) {
                b.url(u);
                d.append(' ').append(u.path());
            }
            HttpChecker template = b.build(); // checks the rest, and makes the TLS context once
            return new NetworkCheck(target(), template::withEndpoint, d.toString());
        }
    }

    /** Builds a {@code UDP_CHECK}. */
    public static final class UdpBuilder extends NetworkBuilder<UdpBuilder> {
        private final UdpChecker.Builder settings = UdpChecker.builder(PLACEHOLDER);

        UdpBuilder() {}

        /** The datagram, as keepalived's {@code payload}: hex digits. */
        public UdpBuilder payloadHex(String hex) {
            settings.payloadHex(hex);
            return this;
        }

        /** The datagram, at most 65507 bytes (copied). */
        public UdpBuilder payload(byte[] bytes) {
            settings.payload(bytes);
            return this;
        }

        /** A reply is needed ({@code require_reply}). */
        public UdpBuilder requireReply() {
            settings.requireReply();
            return this;
        }

        /** A reply is needed and must start with these bytes, as hex digits. */
        public UdpBuilder requireReplyHex(String hex) {
            settings.requireReplyHex(hex);
            return this;
        }

        /** The reply's length bounds ({@code min_reply_length}, {@code max_reply_length}). */
        public UdpBuilder replyLength(int min, int max) {
            settings.replyLength(min, max);
            return this;
        }

        @Override
        public Check build() {
            UdpChecker template = settings.build();
            return new NetworkCheck(target(), template::withEndpoint, "UDP_CHECK");
        }
    }

    /** Builds a {@code DNS_CHECK}. */
    public static final class DnsBuilder extends NetworkBuilder<DnsBuilder> {
        private String type = "SOA";
        private String name = ".";

        DnsBuilder() {}

        /** The query type: one of A, NS, CNAME, SOA (default), MX, TXT, AAAA. */
        public DnsBuilder type(String type) {
            DnsQuery.typeCode(type);
            this.type = type.toUpperCase(Locale.ROOT);
            return this;
        }

        /** The name queried (default "."). */
        public DnsBuilder name(String name) {
            DnsQuery.encode(0, 1, name);
            this.name = name;
            return this;
        }

        @Override
        public Check build() {
            String t = type;
            String n = name;
            return new NetworkCheck(target(), e -> DnsChecker.of(e, t, n), "DNS_CHECK " + t + " " + n);
        }
    }

    /** Builds an {@code SMTP_CHECK}. */
    public static final class SmtpBuilder extends NetworkBuilder<SmtpBuilder> {
        private String helo = SmtpChecker.DEFAULT_HELO;

        SmtpBuilder() {}

        /** The name sent with HELO ({@code helo_name}, default keepalived's). */
        public SmtpBuilder helo(String name) {
            SmtpChecker.of(PLACEHOLDER, name); // checks the name
            this.helo = name;
            return this;
        }

        @Override
        public Check build() {
            String h = helo;
            return new NetworkCheck(target(), e -> SmtpChecker.of(e, h), "SMTP_CHECK");
        }
    }

    /**
     * Builds a {@code PING_CHECK}: keepalived's {@code connect_ip} and {@code connect_timeout}.
     * keepalived's PING_CHECK ignores {@code connect_port}, {@code bindto}, {@code bind_port} and
     * {@code bind_interface}; this builder has none.
     */
    public static final class PingBuilder extends Builder<PingBuilder> {
        private InetAddress connectIp;
        private Duration connectTimeout = Endpoint.DEFAULT_CONNECT_TIMEOUT;

        PingBuilder() {}

        /** Ping this address instead of the real server's ({@code connect_ip}). */
        public PingBuilder connectIp(InetAddress address) {
            this.connectIp = Preconditions.checkNotNull(address, "connect_ip");
            return this;
        }

        /** Ping this address literal instead of the real server's ({@code connect_ip}). */
        public PingBuilder connectIp(String address) {
            this.connectIp = Addresses.parse(address, "connect_ip");
            return this;
        }

        /** How long the echo reply may take ({@code connect_timeout}, default 5 s): 1 ns..1 h. */
        public PingBuilder connectTimeout(Duration timeout) {
            this.connectTimeout = Endpoint.checkTimeout(timeout, "connect_timeout");
            return this;
        }

        @Override
        public Check build() {
            return new PingCheck(connectIp, connectTimeout);
        }
    }

    /** PING_CHECK of the real server's address or {@code connect_ip}: no port involved. */
    private static final class PingCheck implements Check {
        private final InetAddress connectIp;
        private final Duration timeout;

        PingCheck(InetAddress connectIp, Duration timeout) {
            this.connectIp = connectIp;
            this.timeout = timeout;
        }

        @Override
        public Checker checker(InetAddress address, int port, CheckPolicy policy) {
            return PingChecker.of(connectIp != null ? connectIp : Preconditions.checkNotNull(address, "address"), timeout);
        }

        @Override
        public boolean needsPort() {
            return false;
        }

        @Override
        public String describe() {
            return "PING_CHECK";
        }

        @Override
        public String toString() {
            return connectIp == null ? describe() : describe() + " connect_ip " + connectIp.getHostAddress();
        }
    }

    /** Builds a {@code MISC_CHECK}. */
    public static final class MiscBuilder extends Builder<MiscBuilder> {
        private final List<String> argv;
        private Duration timeout;
        private boolean dynamic;
        private String user;
        private String group;

        MiscBuilder(List<String> argv) {
            this.argv = argv;
        }

        /** How long the program may run ({@code misc_timeout}): 1 ns..1 h; by default the policy's interval, as keepalived's {@code delay_loop}. */
        public MiscBuilder timeout(Duration timeout) {
            this.timeout = Endpoint.checkTimeout(timeout, "misc_timeout");
            return this;
        }

        /** Runs the program as {@code user} and its primary group (keepalived's {@code user USER}). */
        public MiscBuilder user(String user) {
            this.user = MiscChecker.checkAccount(user, "MISC_CHECK user");
            this.group = null;
            return this;
        }

        /** Runs the program as {@code user} in {@code group} (keepalived's {@code user USER GROUP}). */
        public MiscBuilder user(String user, String group) {
            String u = MiscChecker.checkAccount(user, "MISC_CHECK user");
            this.group = MiscChecker.checkAccount(group, "MISC_CHECK user " + user + " group");
            this.user = u;
            return this;
        }

        /** Exit statuses 2..255 are up and set the weight to status - 2 ({@code misc_dynamic}). */
        public MiscBuilder dynamic() {
            this.dynamic = true;
            return this;
        }

        @Override
        public Check build() {
            List<String> a = argv;
            Duration t = timeout;
            boolean d = dynamic;
            String u = user;
            String g = group;
            return new LocalCheck(policy -> {
                MiscChecker m = MiscChecker.of(a, t != null ? t
                        : policy.interval().compareTo(Duration.ofHours(1)) > 0 ? Duration.ofHours(1) : policy.interval(), d);
                return u == null ? m : m.runAs(u, g);
            }, "MISC_CHECK " + String.join(" ", a) + (u == null ? "" : " user " + u + (g == null ? "" : " " + g)));
        }
    }

    /** Builds a {@code FILE_CHECK}. */
    public static final class FileBuilder extends Builder<FileBuilder> {
        private final Path file;
        private int weight;
        private boolean reverse;
        private boolean dynamic;

        FileBuilder(Path file) {
            this.file = file;
        }

        /** keepalived's {@code track_file} weight: -254..254 (default 0: any value but 0 is down). */
        public FileBuilder weight(int weight) {
            this.weight = Preconditions.checkInRange(weight, -254, 254, "weight");
            return this;
        }

        /** The value counts negatively ({@code weight ... reverse}). */
        public FileBuilder reverse() {
            this.reverse = true;
            return this;
        }

        /** A positive value times the weight sets the real server's weight ({@code dynamic}). */
        public FileBuilder dynamic() {
            this.dynamic = true;
            return this;
        }

        @Override
        public Check build() {
            FileChecker c = FileChecker.of(file, weight, reverse, dynamic);
            return new LocalCheck(policy -> c, c.describe());
        }
    }
}
