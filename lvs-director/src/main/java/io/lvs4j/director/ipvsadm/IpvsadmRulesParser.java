package io.lvs4j.director.ipvsadm;

import io.lvs4j.AddressFamily;
import io.lvs4j.Forwarding;
import io.lvs4j.Protocol;
import io.lvs4j.RealServer;
import io.lvs4j.Scheduler;
import io.lvs4j.SchedulerFlag;
import io.lvs4j.ServiceKey;
import io.lvs4j.SyncDaemon;
import io.lvs4j.Timeouts;
import io.lvs4j.TunnelChecksum;
import io.lvs4j.TunnelType;
import io.lvs4j.VirtualService;
import io.lvs4j.internal.Addresses;
import io.lvs4j.internal.Preconditions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads ipvsadm's rules format, one ipvsadm command per line, as {@code ipvsadm -R} does:
 * tokens separated by blanks, a leading {@code ipvsadm} ignored, blank lines skipped. Lines whose
 * first token starts with {@code #} are comments. Every line is checked; all errors are reported
 * together, each with its line number.
 */
public final class IpvsadmRulesParser {
    private final String source;
    /** The last service address parsed: a service's real-server lines repeat it, and share its key. */
    private final KeyCache keys = new KeyCache();

    public IpvsadmRulesParser(String source) {
        this.source = source;
    }

    /** Parses the whole input, or throws listing every bad line. */
    public List<IpvsadmRule> parse(Reader in) throws IOException, IpvsadmRulesException {
        BufferedReader r = in instanceof BufferedReader ? (BufferedReader) in : new BufferedReader(in);
        List<IpvsadmRule> rules = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        String text;
        int lineNo = 0;
        while ((text = r.readLine()) != null) {
            lineNo++;
            List<String> tokens = tokens(text);
            if (tokens.isEmpty() || tokens.get(0).startsWith("#")) {
                continue;
            }
            try {
                rules.add(new Line(lineNo, tokens, keys).parse());
            } catch (IllegalArgumentException e) {
                errors.add(source + ":" + lineNo + ": " + e.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            throw new IpvsadmRulesException(errors);
        }
        return rules;
    }

    /** Blank-separated tokens (space, tab, CR as ipvsadm -R splits), without a leading {@code ipvsadm}. */
    static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && isBlank(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !isBlank(text.charAt(i))) {
                i++;
            }
            if (i > start) {
                String t = text.substring(start, i);
                if (!(tokens.isEmpty() && t.equals("ipvsadm"))) {
                    tokens.add(t);
                }
            }
        }
        return tokens;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\r';
    }

    /** Parses one command given as ipvsadm's arguments. */
    public static IpvsadmRule parseLine(int lineNo, List<String> args) {
        return new Line(lineNo, args, new KeyCache()).parse();
    }

    /** The key of the last {@code -t/-u/--sctp-service ADDR:PORT} parsed. */
    private static final class KeyCache {
        Protocol protocol;
        String text;
        ServiceKey key;
    }

    private static final class Line {
        final int lineNo;
        final List<String> args;
        int pos;

        IpvsadmRule.Op op;
        String opName;
        Protocol protocol;
        String serviceText;
        long fwmark;
        boolean ipv6;
        Scheduler scheduler;
        List<SchedulerFlag> flags;
        int persistence = -1;
        String netmask;
        String pe;
        boolean ops;
        String serverText;
        Forwarding forwarding;
        int weight = -1;
        int upper = -1;
        int lower = -1;
        TunnelType tunType;
        int tunPort = -1;
        TunnelChecksum tunChecksum;
        int[] timeouts;
        SyncDaemon.Role daemonRole;
        String mcastInterface;
        int syncId = -1;
        int syncMaxlen = -1;
        String mcastGroup;
        int mcastPort = -1;
        int mcastTtl = -1;

        final KeyCache keys;

        Line(int lineNo, List<String> args, KeyCache keys) {
            this.lineNo = lineNo;
            this.args = args;
            this.keys = keys;
        }

        IpvsadmRule parse() {
            while (pos < args.size()) {
                String raw = args.get(pos++);
                String opt = raw;
                String inline = null;
                if (raw.startsWith("--") && raw.indexOf('=') > 0) {
                    opt = raw.substring(0, raw.indexOf('='));
                    inline = raw.substring(raw.indexOf('=') + 1);
                }
                option(opt, inline);
            }
            if (op == null) {
                throw Preconditions.invalid("command", String.join(" ", args),
                        "one of -A, -E, -D, -C, -a, -e, -d, -Z, --set, --start-daemon, --stop-daemon");
            }
            return build();
        }

        private String value(String opt, String inline) {
            if (inline != null) {
                return inline;
            }
            if (pos >= args.size()) {
                throw Preconditions.invalid(opt, "", "a value");
            }
            return args.get(pos++);
        }

        private void command(IpvsadmRule.Op op, String name) {
            if (this.op != null) {
                throw Preconditions.invalid(name, "", "one command per line; already " + opName);
            }
            this.op = op;
            this.opName = name;
        }

        private void service(Protocol p, String opt, String v) {
            if (serviceText != null || fwmark != 0) {
                throw Preconditions.invalid(opt, v, "one service per line");
            }
            protocol = p;
            serviceText = v;
        }

        private static int number(String opt, String v, int min, int max) {
            try {
                long n = Long.parseLong(v);
                if (n >= min && n <= max) {
                    return (int) n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw Preconditions.invalid(opt, v, min + ".." + max);
        }

        private void option(String opt, String inline) {
            switch (opt) {
                case "-A": case "--add-service": command(IpvsadmRule.Op.ADD_SERVICE, opt); break;
                case "-E": case "--edit-service": command(IpvsadmRule.Op.EDIT_SERVICE, opt); break;
                case "-D": case "--delete-service": command(IpvsadmRule.Op.DELETE_SERVICE, opt); break;
                case "-C": case "--clear": command(IpvsadmRule.Op.CLEAR, opt); break;
                case "-a": case "--add-server": command(IpvsadmRule.Op.ADD_SERVER, opt); break;
                case "-e": case "--edit-server": command(IpvsadmRule.Op.EDIT_SERVER, opt); break;
                case "-d": case "--delete-server": command(IpvsadmRule.Op.DELETE_SERVER, opt); break;
                case "-Z": case "--zero": command(IpvsadmRule.Op.ZERO, opt); break;
                case "--set":
                    command(IpvsadmRule.Op.SET_TIMEOUTS, opt);
                    timeouts = new int[3];
                    for (int i = 0; i < 3; i++) {
                        String v = i == 0 ? value(opt, inline) : value(opt, null);
                        timeouts[i] = number(opt, v, 0, VirtualService.MAX_TIMEOUT_SECONDS);
                    }
                    break;
                case "--start-daemon":
                    command(IpvsadmRule.Op.START_DAEMON, opt);
                    daemonRole = SyncDaemon.Role.of(value(opt, inline));
                    break;
                case "--stop-daemon":
                    command(IpvsadmRule.Op.STOP_DAEMON, opt);
                    daemonRole = SyncDaemon.Role.of(value(opt, inline));
                    break;
                case "-t": case "--tcp-service": service(Protocol.TCP, opt, value(opt, inline)); break;
                case "-u": case "--udp-service": service(Protocol.UDP, opt, value(opt, inline)); break;
                case "--sctp-service": service(Protocol.SCTP, opt, value(opt, inline)); break;
                case "-f": case "--fwmark-service": {
                    String v = value(opt, inline);
                    if (serviceText != null || fwmark != 0) {
                        throw Preconditions.invalid(opt, v, "one service per line");
                    }
                    try {
                        fwmark = Long.parseLong(v);
                    } catch (NumberFormatException e) {
                        fwmark = -1;
                    }
                    if (fwmark < 1 || fwmark > ServiceKey.MAX_FWMARK) {
                        throw Preconditions.invalid(opt, v, "1.." + ServiceKey.MAX_FWMARK);
                    }
                    break;
                }
                case "-6": case "--ipv6": ipv6 = true; break;
                case "-s": case "--scheduler": scheduler = Scheduler.of(value(opt, inline)); break;
                case "-b": case "--sched-flags": {
                    flags = new ArrayList<>();
                    for (String f : value(opt, inline).split(",")) {
                        flags.add(SchedulerFlag.of(f));
                    }
                    break;
                }
                case "-p": case "--persistent": {
                    String next = inline != null ? inline : pos < args.size() ? args.get(pos) : null;
                    if (next != null && !next.startsWith("-")) {
                        if (inline == null) {
                            pos++;
                        }
                        persistence = number(opt, next, 1, VirtualService.MAX_TIMEOUT_SECONDS);
                    } else {
                        persistence = (int) VirtualService.DEFAULT_PERSISTENCE.getSeconds();
                    }
                    break;
                }
                case "-M": case "--netmask": netmask = value(opt, inline); break;
                case "--pe": pe = value(opt, inline); break;
                case "-o": case "--ops": ops = true; break;
                case "-r": case "--real-server": serverText = value(opt, inline); break;
                case "-g": case "--gatewaying": forwarding(Forwarding.ROUTE, opt); break;
                case "-i": case "--ipip": forwarding(Forwarding.TUNNEL, opt); break;
                case "-m": case "--masquerading": forwarding(Forwarding.MASQ, opt); break;
                case "-w": case "--weight": weight = number(opt, value(opt, inline), 0, RealServer.MAX_WEIGHT); break;
                case "-x": case "--u-threshold": upper = number(opt, value(opt, inline), 0, Integer.MAX_VALUE); break;
                case "-y": case "--l-threshold": lower = number(opt, value(opt, inline), 0, Integer.MAX_VALUE); break;
                case "--tun-type": tunType = TunnelType.of(value(opt, inline)); break;
                case "--tun-port": tunPort = number(opt, value(opt, inline), 1, 65535); break;
                case "--tun-nocsum": checksum(TunnelChecksum.NONE, opt); break;
                case "--tun-csum": checksum(TunnelChecksum.CSUM, opt); break;
                case "--tun-remcsum": checksum(TunnelChecksum.REMCSUM, opt); break;
                case "--mcast-interface": mcastInterface = value(opt, inline); break;
                case "--syncid": syncId = number(opt, value(opt, inline), 0, 255); break;
                case "--sync-maxlen": syncMaxlen = number(opt, value(opt, inline), 1, 65535); break;
                case "--mcast-group": mcastGroup = value(opt, inline); break;
                case "--mcast-port": mcastPort = number(opt, value(opt, inline), 1, 65535); break;
                case "--mcast-ttl": mcastTtl = number(opt, value(opt, inline), 1, 255); break;
                case "-n": case "--numeric": break;
                default:
                    throw Preconditions.invalid("option", opt, "an ipvsadm option");
            }
        }

        private void forwarding(Forwarding f, String opt) {
            if (forwarding != null && forwarding != f) {
                throw Preconditions.invalid(opt, "", "one forwarding method; already " + forwarding.ipvsadmOption());
            }
            forwarding = f;
        }

        private void checksum(TunnelChecksum c, String opt) {
            if (tunChecksum != null && tunChecksum != c) {
                throw Preconditions.invalid(opt, "", "one of --tun-nocsum, --tun-csum, --tun-remcsum");
            }
            tunChecksum = c;
        }

        private ServiceKey key() {
            if (fwmark != 0) {
                return ServiceKey.fwmark(fwmark, ipv6 ? AddressFamily.INET6 : AddressFamily.INET);
            }
            if (serviceText == null) {
                throw Preconditions.invalid("service", "", "-t, -u, --sctp-service or -f");
            }
            if (protocol == keys.protocol && serviceText.equals(keys.text)) {
                return keys.key;
            }
            Endpoint e = endpoint("service address", serviceText);
            ServiceKey k = ServiceKey.of(protocol, e.address, e.port);
            keys.protocol = protocol;
            keys.text = serviceText;
            keys.key = k;
            return k;
        }

        private void only(boolean allowed, String what, Object value) {
            if (!allowed) {
                throw Preconditions.invalid(what, value, "not with " + opName);
            }
        }

        IpvsadmRule build() {
            boolean svcOpts = scheduler != null || flags != null || persistence >= 0 || netmask != null || pe != null || ops;
            boolean dstOpts = serverText != null || forwarding != null || weight >= 0 || upper >= 0 || lower >= 0
                    || tunType != null || tunPort >= 0 || tunChecksum != null;
            boolean daemonOpts = mcastInterface != null || syncId >= 0 || syncMaxlen >= 0 || mcastGroup != null
                    || mcastPort >= 0 || mcastTtl >= 0;
            switch (op) {
                case CLEAR:
                case SET_TIMEOUTS:
                case STOP_DAEMON: {
                    only(!svcOpts && !dstOpts && serviceText == null && fwmark == 0, "service or server options", opName);
                    only(!daemonOpts, "daemon options", opName);
                    Timeouts t = timeouts == null ? null : Timeouts.ofSeconds(timeouts[0], timeouts[1], timeouts[2]);
                    return new IpvsadmRule(lineNo, op, null, null, null, null, 0, t, null, daemonRole);
                }
                case START_DAEMON: {
                    only(!svcOpts && !dstOpts && serviceText == null && fwmark == 0, "service or server options", opName);
                    if (mcastInterface == null) {
                        throw Preconditions.invalid("--mcast-interface", "", "an interface name for --start-daemon");
                    }
                    SyncDaemon.Builder d = SyncDaemon.builder(daemonRole, mcastInterface);
                    if (syncId >= 0) {
                        d.syncId(syncId);
                    }
                    if (syncMaxlen >= 0) {
                        d.maxLength(syncMaxlen);
                    }
                    if (mcastGroup != null) {
                        d.group(mcastGroup);
                    }
                    if (mcastPort >= 0) {
                        d.port(mcastPort);
                    }
                    if (mcastTtl >= 0) {
                        d.ttl(mcastTtl);
                    }
                    return new IpvsadmRule(lineNo, op, null, null, null, null, 0, null, d.build(), null);
                }
                case ZERO: {
                    only(!svcOpts && !dstOpts && !daemonOpts, "options", opName);
                    ServiceKey k = serviceText == null && fwmark == 0 ? null : key();
                    return new IpvsadmRule(lineNo, op, k, null, null, null, 0, null, null, null);
                }
                case DELETE_SERVICE: {
                    only(!svcOpts && !dstOpts && !daemonOpts, "options", opName);
                    return new IpvsadmRule(lineNo, op, key(), null, null, null, 0, null, null, null);
                }
                case ADD_SERVICE:
                case EDIT_SERVICE: {
                    only(!dstOpts && !daemonOpts, "server or daemon options", opName);
                    ServiceKey k = key();
                    VirtualService.Builder b = VirtualService.builder(k);
                    if (scheduler != null) {
                        b.scheduler(scheduler);
                    }
                    if (flags != null) {
                        b.flags(flags);
                    }
                    if (persistence > 0) {
                        b.persistenceSeconds(persistence);
                    }
                    if (netmask != null) {
                        b.persistenceNetmask(netmask);
                    }
                    if (pe != null) {
                        b.persistenceEngine(pe);
                    }
                    b.onePacket(ops);
                    return new IpvsadmRule(lineNo, op, k, b.build(), null, null, 0, null, null, null);
                }
                default: {
                    only(!svcOpts && !daemonOpts, "service or daemon options", opName);
                    ServiceKey k = key();
                    if (serverText == null) {
                        throw Preconditions.invalid("-r", "", "a real server address for " + opName);
                    }
                    Endpoint e = endpoint("real server address", serverText);
                    if (op == IpvsadmRule.Op.DELETE_SERVER) {
                        only(forwarding == null && weight < 0 && upper < 0 && lower < 0 && tunType == null
                                && tunPort < 0 && tunChecksum == null, "server options", opName);
                        int port = e.port != 0 ? e.port : k.port();
                        return new IpvsadmRule(lineNo, op, k, null, null, e.address, port, null, null, null);
                    }
                    RealServer.Builder r = RealServer.of(e.address, e.port);
                    if (forwarding != null) {
                        r.forwarding(forwarding);
                    }
                    if (weight >= 0) {
                        r.weight(weight);
                    }
                    if (upper >= 0) {
                        r.upperThreshold(upper);
                    }
                    if (lower >= 0) {
                        r.lowerThreshold(lower);
                    }
                    if (tunType != null) {
                        if (forwarding != Forwarding.TUNNEL) {
                            throw Preconditions.invalid("--tun-type", tunType.ipvsadmName(), "only with -i");
                        }
                        r.tunnel(tunType);
                    }
                    if (tunPort >= 0) {
                        r.tunnelPort(tunPort);
                    }
                    if (tunChecksum != null) {
                        r.tunnelChecksum(tunChecksum);
                    }
                    RealServer server = r.build();
                    // as ipvsadm: a missing port is the service's, and direct routing and
                    // tunnelling always use the service's port (not for fwmark services)
                    if (!k.isFwmark() && (server.port() == 0 || server.forwarding() == Forwarding.ROUTE
                            || server.forwarding() == Forwarding.TUNNEL) && server.port() != k.port()) {
                        server = server.toBuilder().port(k.port()).build();
                    }
                    if (server.family() != k.family() && server.forwarding() != Forwarding.TUNNEL) {
                        throw Preconditions.invalid("-r", serverText, "an address of the service's family, or -i");
                    }
                    return new IpvsadmRule(lineNo, op, k, null, server, null, 0, null, null, null);
                }
            }
        }
    }

    private static final class Endpoint {
        final InetAddress address;
        final int port;

        Endpoint(InetAddress address, int port) {
            this.address = address;
            this.port = port;
        }
    }

    /** {@code a.b.c.d[:port]} or {@code [v6][:port]}; a bare IPv6 literal has no port. */
    static Endpoint endpoint(String name, String text) {
        String host = text;
        String port = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw Preconditions.invalid(name, text, "[IPv6]:port");
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw Preconditions.invalid(name, text, "[IPv6]:port");
                }
                port = rest.substring(1);
            }
        } else if (text.indexOf(':') == text.lastIndexOf(':') && text.indexOf(':') >= 0) {
            host = text.substring(0, text.indexOf(':'));
            port = text.substring(text.indexOf(':') + 1);
        }
        InetAddress a = Addresses.parse(host, name);
        int p = 0;
        if (port != null) {
            p = Line.number(name.replace("address", "port"), port, 0, 65535);
        }
        return new Endpoint(a, p);
    }
}
