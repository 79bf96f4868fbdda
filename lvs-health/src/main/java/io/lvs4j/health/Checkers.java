package io.lvs4j.health;

import io.lvs4j.RealServer;
import io.lvs4j.health.config.CheckOptions;
import io.lvs4j.health.config.CheckerConfig;
import io.lvs4j.health.config.DnsCheck;
import io.lvs4j.health.config.FileCheck;
import io.lvs4j.health.config.HttpCheck;
import io.lvs4j.health.config.HttpUrl;
import io.lvs4j.health.config.MiscCheck;
import io.lvs4j.health.config.SmtpCheck;
import io.lvs4j.health.config.StatusRange;
import io.lvs4j.health.config.TcpCheck;
import io.lvs4j.health.config.UdpCheck;
import io.lvs4j.internal.Preconditions;
import java.nio.file.Path;
import java.time.Duration;

/** Checkers from keepalived.conf's checker blocks ({@link io.lvs4j.health.config}). */
public final class Checkers {
    private Checkers() {}

    /**
     * The checker of a real server's checker block: {@code connect_ip}/{@code connect_port} default to
     * the real server's, {@code bindto}/{@code bind_port} and {@code connect_timeout} apply.
     *
     * @throws IllegalArgumentException for PING_CHECK and BFD_CHECK, which have no checker yet
     */
    public static Checker of(CheckerConfig config, RealServer realServer) {
        Preconditions.checkNotNull(config, "checker");
        Preconditions.checkNotNull(realServer, "realServer");
        if (config instanceof TcpCheck t) {
            return TcpChecker.of(endpoint(t.options(), realServer));
        } else if (config instanceof HttpCheck h) {
            return http(h, endpoint(h.options(), realServer));
        } else if (config instanceof MiscCheck m) {
            Duration timeout = m.timeout() != null ? m.timeout()
                    : m.options().delayLoop() != null ? m.options().delayLoop() : CheckPolicy.DEFAULT_INTERVAL;
            return MiscChecker.of(MiscChecker.command(m.path()), timeout, m.dynamic());
        } else if (config instanceof UdpCheck u) {
            UdpChecker.Builder b = UdpChecker.builder(endpoint(u.options(), realServer));
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
            return DnsChecker.of(endpoint(d.options(), realServer), d.queryType() == null ? "SOA" : d.queryType(),
                    d.name() == null ? "." : d.name());
        } else if (config instanceof SmtpCheck s) {
            return SmtpChecker.of(endpoint(s.options(), realServer),
                    s.heloName() == null ? SmtpChecker.DEFAULT_HELO : s.heloName());
        } else if (config instanceof FileCheck f) {
            return FileChecker.of(Path.of(f.trackFile()), f.weight() == null ? 0 : f.weight(), f.reverse(), f.dynamic());
        }
        throw Preconditions.invalid("checker", config.type().keyword(),
                "one of TCP_CHECK, HTTP_GET, SSL_GET, MISC_CHECK, UDP_CHECK, DNS_CHECK, SMTP_CHECK, FILE_CHECK");
    }

    /** The policy of a checker block: keepalived's timing options (see {@link CheckPolicy#from}). */
    public static CheckPolicy policy(CheckerConfig config) {
        return CheckPolicy.from(Preconditions.checkNotNull(config, "checker").options());
    }

    static Endpoint endpoint(CheckOptions o, RealServer rs) {
        Endpoint e = Endpoint.of(o.connectIp() != null ? o.connectIp() : rs.address(),
                o.connectPort() != null ? o.connectPort() : rs.port());
        if (o.bindTo() != null) {
            e = e.withBind(o.bindTo(), o.bindPort() == null ? 0 : o.bindPort());
        }
        if (o.connectTimeout() != null) {
            e = e.withConnectTimeout(o.connectTimeout());
        }
        return e;
    }

    static HttpChecker http(HttpCheck h, Endpoint e) {
        HttpChecker.Builder b = HttpChecker.builder(e);
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
        return b.build();
    }
}
