package io.lvs4j.director.config;

import io.lvs4j.health.Check;
import io.lvs4j.health.CheckPolicy;
import io.lvs4j.health.Checks;
import io.lvs4j.health.HttpChecker;
import io.lvs4j.health.HttpUrlCheck;
import io.lvs4j.health.MiscChecker;
import io.lvs4j.internal.Preconditions;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The one mapping from keepalived.conf's checker blocks ({@link CheckerConfig}) onto lvs-health's
 * builders: each block becomes a {@link Check} ({@link Checks}) and its timing a
 * {@link CheckPolicy}. Every type lvs4j can check:
 * <ul>
 *   <li>TCP_CHECK, HTTP_GET, SSL_GET, UDP_CHECK, DNS_CHECK, SMTP_CHECK: {@code connect_ip} and
 *       {@code connect_port} (default: the real server's), {@code bindto} with {@code bind_port}
 *       (ignored without {@code bindto}), {@code connect_timeout} (default 5 s, keepalived's);
 *   <li>MISC_CHECK: {@code misc_timeout}, else the block's own {@code delay_loop}, else 60 s;
 *   <li>FILE_CHECK: {@code track_file} with its weight, {@code reverse} and {@code dynamic};
 *   <li>PING_CHECK: {@code connect_ip} (default: the real server's address, IPv4 or IPv6) and
 *       {@code connect_timeout}; {@code connect_port}, {@code bindto}, {@code bind_port} and
 *       {@code bind_interface} are accepted and ignored, as keepalived's PING_CHECK ignores them;
 *   <li>BFD_CHECK is refused with an {@link IllegalArgumentException}: lvs4j has no BFD.
 * </ul>
 * The policy is keepalived's {@code delay_loop}, {@code retry}/{@code nb_get_retry},
 * {@code delay_before_retry}, {@code warmup} and {@code alpha}, each taken from the checker block,
 * else its real server's, else its virtual server's ({@link #policy(CheckOptions,
 * RealServerConfig, VirtualServerConfig)}).
 */
public final class CheckerMapping {
    private CheckerMapping() {}

    /**
     * The check of a checker block.
     *
     * @throws IllegalArgumentException for BFD_CHECK, or an option value a check refuses
     */
    public static Check check(CheckerConfig config) {
        Preconditions.checkNotNull(config, "checker");
        return map(config, null);
    }

    /**
     * The check of a checker block, an SSL_GET presenting the client certificate of the
     * configuration's {@code SSL} block ({@code ssl} null: none).
     *
     * <p>As in keepalived 2.2.7, SSL_GET does not verify the server's certificate: the block's
     * {@code ca} is read (a file that cannot be read is refused) but no certificate is checked
     * against it; the reader warns about it.
     */
    public static Check check(CheckerConfig config, SslConfig ssl) {
        Preconditions.checkNotNull(config, "checker");
        return map(config, ssl);
    }

    private static Check map(CheckerConfig config, SslConfig ssl) {
        CheckOptions o = config.options();
        if (config instanceof TcpCheck) {
            return network(Checks.tcp(), o).build();
        } else if (config instanceof HttpCheck h) {
            Checks.HttpBuilder b = http(h);
            if (h.ssl() && ssl != null) {
                ssl(b, ssl);
            }
            return b.build();
        } else if (config instanceof MiscCheck m) {
            Duration timeout = m.timeout() != null ? m.timeout()
                    : o.delayLoop() != null ? o.delayLoop() : CheckPolicy.DEFAULT_INTERVAL;
            Checks.MiscBuilder b = Checks.misc(MiscChecker.command(m.path())).timeout(timeout);
            if (m.dynamic()) {
                b.dynamic();
            }
            if (m.user() != null) {
                if (m.group() != null) {
                    b.user(m.user(), m.group());
                } else {
                    b.user(m.user());
                }
            }
            return b.build();
        } else if (config instanceof UdpCheck u) {
            Checks.UdpBuilder b = network(Checks.udp(), o);
            if (u.payload() != null) {
                b.payloadHex(u.payload());
            }
            if (u.requireReplyPattern() != null) {
                b.requireReplyHex(u.requireReplyPattern());
            } else if (u.requireReply()) {
                b.requireReply();
            }
            if (u.minReplyLength() != null || u.maxReplyLength() != null) {
                b.replyLength(u.minReplyLength() == null ? 0 : u.minReplyLength(),
                        u.maxReplyLength() == null ? 65535 : u.maxReplyLength());
            }
            return b.build();
        } else if (config instanceof DnsCheck d) {
            Checks.DnsBuilder b = network(Checks.dns(), o);
            if (d.queryType() != null) {
                b.type(d.queryType());
            }
            if (d.name() != null) {
                b.name(d.name());
            }
            return b.build();
        } else if (config instanceof SmtpCheck s) {
            Checks.SmtpBuilder b = network(Checks.smtp(), o);
            if (s.heloName() != null) {
                b.helo(s.heloName());
            }
            return b.build();
        } else if (config instanceof FileCheck f) {
            Checks.FileBuilder b = Checks.file(Path.of(f.trackFile())).weight(f.weight() == null ? 0 : f.weight());
            if (f.reverse()) {
                b.reverse();
            }
            if (f.dynamic()) {
                b.dynamic();
            }
            return b.build();
        } else if (config instanceof PingCheck) {
            Checks.PingBuilder b = Checks.ping();
            if (o.connectIp() != null) {
                b.connectIp(o.connectIp());
            }
            if (o.connectTimeout() != null) {
                b.connectTimeout(o.connectTimeout());
            }
            return b.build();
        }
        throw Preconditions.invalid("checker", config.type().keyword(),
                "one of TCP_CHECK, HTTP_GET, SSL_GET, MISC_CHECK, UDP_CHECK, DNS_CHECK, SMTP_CHECK, FILE_CHECK, "
                        + "PING_CHECK; lvs4j has no BFD");
    }

    /** keepalived's options of a checker block alone; unset ones keep keepalived's defaults. */
    public static CheckPolicy policy(CheckOptions options) {
        Preconditions.checkNotNull(options, "options");
        return policy(options.delayLoop(), options.retry(), options.delayBeforeRetry(), options.warmup(),
                options.alpha());
    }

    /**
     * A checker's timing as keepalived inherits it: each option from the checker block, else its
     * {@code real_server} block, else its {@code virtual_server} block, else keepalived's default.
     */
    public static CheckPolicy policy(CheckOptions checker, RealServerConfig realServer,
            VirtualServerConfig virtualServer) {
        Preconditions.checkNotNull(checker, "options");
        Preconditions.checkNotNull(realServer, "real_server");
        Preconditions.checkNotNull(virtualServer, "virtual_server");
        return policy(first(checker.delayLoop(), realServer.delayLoop(), virtualServer.delayLoop()),
                first(checker.retry(), realServer.retry(), virtualServer.retry()),
                first(checker.delayBeforeRetry(), realServer.delayBeforeRetry(), virtualServer.delayBeforeRetry()),
                first(checker.warmup(), realServer.warmup(), virtualServer.warmup()),
                first(checker.alpha(), realServer.alpha(), virtualServer.alpha() ? Boolean.TRUE : null));
    }

    private static CheckPolicy policy(Duration delayLoop, Integer retry, Duration delayBeforeRetry, Duration warmup,
            Boolean alpha) {
        CheckPolicy.Builder b = CheckPolicy.builder();
        if (delayLoop != null) {
            b.interval(delayLoop);
        }
        if (retry != null) {
            b.retry(retry);
        }
        if (delayBeforeRetry != null) {
            b.delayBeforeRetry(delayBeforeRetry);
        }
        if (warmup != null) {
            b.warmup(warmup);
        }
        if (Boolean.TRUE.equals(alpha)) {
            b.alpha();
        }
        return b.build();
    }

    @SafeVarargs
    private static <T> T first(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static <B extends Checks.NetworkBuilder<B>> B network(B b, CheckOptions o) {
        if (o.connectIp() != null) {
            b.connectIp(o.connectIp());
        }
        if (o.connectPort() != null) {
            b.connectPort(o.connectPort());
        }
        if (o.bindTo() != null) {
            b.bindTo(o.bindTo());
            if (o.bindPort() != null && o.bindPort() != 0) {
                b.bindPort(o.bindPort());
            }
        }
        if (o.connectTimeout() != null) {
            b.connectTimeout(o.connectTimeout());
        }
        return b;
    }

    private static void ssl(Checks.HttpBuilder b, SslConfig ssl) {
        if (ssl.ca() != null) {
            try {
                java.security.cert.CertificateFactory f = java.security.cert.CertificateFactory.getInstance("X.509");
                try (java.io.InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(ssl.ca()))) {
                    if (f.generateCertificates(in).isEmpty()) {
                        throw new java.security.cert.CertificateException("no certificate");
                    }
                }
            } catch (java.io.IOException | java.security.cert.CertificateException | RuntimeException e) {
                throw Preconditions.invalid("ca", ssl.ca(), "a readable PEM file of certificates (" + e + ")");
            }
        }
        if (ssl.certificate() != null) {
            // the reader refuses a certificate without its key; a typed SslConfig may still have one
            Preconditions.checkArgument(ssl.key() != null, "key", "none", "a key file with the certificate");
            b.clientCertificate(ssl.certificate(), ssl.key());
            if (ssl.password() != null) {
                b.clientKeyPassword(ssl.password());
            }
        }
    }

    private static Checks.HttpBuilder http(HttpCheck h) {
        Checks.HttpBuilder b = network(Checks.http(), h.options());
        if (h.ssl()) {
            b.tls();
        }
        if (h.enableSni()) {
            b.sni();
        }
        if (h.httpProtocol() != null) {
            b.protocol(HttpChecker.Protocol.of(h.httpProtocol()));
        }
        if (h.virtualhost() != null) {
            b.virtualhost(h.virtualhost());
        }
        for (HttpUrl u : h.urls()) {
            HttpUrlCheck.Builder ub = HttpUrlCheck.builder(u.path());
            for (StatusRange r : u.statusCodes()) {
                ub.status(r.from(), r.to());
            }
            if (u.digest() != null) {
                ub.digest(u.digest());
            }
            if (u.virtualhost() != null) {
                ub.virtualhost(u.virtualhost());
            }
            if (u.regex() != null) {
                int flags = 0;
                for (String opt : u.regexOptions()) {
                    flags |= switch (Preconditions.lower(opt)) {
                        case "caseless" -> java.util.regex.Pattern.CASE_INSENSITIVE;
                        case "multiline" -> java.util.regex.Pattern.MULTILINE;
                        case "dotall" -> java.util.regex.Pattern.DOTALL;
                        case "extended" -> java.util.regex.Pattern.COMMENTS;
                        default -> throw Preconditions.invalid("regex_options", opt,
                                "one of caseless, multiline, dotall, extended");
                    };
                }
                ub.regex(u.regex(), flags);
                if (u.regexNoMatch()) {
                    ub.regexNoMatch();
                }
                if (u.regexMinOffset() != null || u.regexMaxOffset() != null) {
                    ub.regexOffsets(u.regexMinOffset() == null ? 0 : u.regexMinOffset(),
                            u.regexMaxOffset() == null ? -1 : u.regexMaxOffset());
                }
            }
            b.url(ub.build());
        }
        return b;
    }
}
