package io.lvs4j.cli;

import io.lvs4j.AddressFamily;
import io.lvs4j.Forwarding;
import io.lvs4j.Protocol;
import io.lvs4j.RealServer;
import io.lvs4j.Scheduler;
import io.lvs4j.ServiceKey;
import io.lvs4j.SyncDaemon;
import io.lvs4j.Timeouts;
import io.lvs4j.TunnelChecksum;
import io.lvs4j.TunnelType;
import io.lvs4j.VirtualService;
import io.lvs4j.internal.Addresses;
import io.lvs4j.netlink.IpvsInfo;
import io.lvs4j.table.IpvsStats;
import io.lvs4j.table.RealServerState;
import io.lvs4j.table.ServiceState;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What ipvsadm 1.31 prints, byte for byte, from lvs4j's model: the rules format of
 * {@code ipvsadm -Sn} and the tables of {@code ipvsadm -Ln} with its variants. Everything is
 * numeric (lvs4j never resolves names). Facts were taken from the real tool's output in the lab
 * ({@code lab/oracle/}); no ipvsadm code is copied.
 *
 * <p>Order: ipvsadm sorts services and real servers with glibc's {@code qsort} (a merge sort in
 * glibc 2.36) using comparators that subtract 32-bit words and keep the wrapped difference, so
 * that {@code 10.0.0.1} sorts after {@code 200.0.0.1} and fwmarks compare as if signed. The
 * comparison is not transitive; {@link #ipvsadmSort} repeats the same merge order so the result
 * is the same for the same kernel order.
 */
final class IpvsadmFormat {
    private IpvsadmFormat() {}

    /** The listing variants of {@code ipvsadm -L}. */
    enum Table {
        /** Forward, Weight, ActiveConn, InActConn. */
        PLAIN,
        /** {@code --stats}. */
        STATS,
        /** {@code --rate}. */
        RATE,
        /** {@code --thresholds}. */
        THRESHOLDS,
        /** {@code --persistent-conn}. */
        PERSISTENT_CONN,
        /** {@code --tun-info}. */
        TUN_INFO
    }

    private static final String DEFAULT_GROUP = "224.0.0.81";
    private static final int DEFAULT_PORT = 8848;
    private static final int DEFAULT_TTL = 1;

    // ---- ipvsadm -Sn

    /** {@code ipvsadm -Sn}: every service, then its real servers, sorted as ipvsadm sorts. */
    static String save(List<VirtualService> services) {
        StringBuilder sb = new StringBuilder(64 * (services.size() + 1));
        for (VirtualService s : sortServices(services)) {
            String name = ruleName(s.key());
            sb.append("-A ").append(name).append(" -s ").append(s.scheduler().kernelName());
            if (s.isPersistent()) {
                sb.append(" -p ").append(Integer.toUnsignedString(s.persistenceSeconds()));
                appendMask(sb, s, " -M ");
            }
            s.persistenceEngine().ifPresent(pe -> sb.append(" --pe ").append(pe));
            if (s.onePacket()) {
                sb.append(" -o");
            }
            String flags = flagNames(s);
            if (!flags.isEmpty()) {
                sb.append(" -b ").append(flags);
            }
            sb.append('\n');
            for (RealServer r : sortServers(s.key(), s.realServers(), r -> r)) {
                sb.append("-a ").append(name).append(" -r ").append(Addresses.endpoint(r.address(), r.port()))
                        .append(' ').append(saveSwitch(r.forwarding())).append(" -w ").append(r.weight());
                if (r.forwarding() == Forwarding.TUNNEL) {
                    TunnelType t = r.tunnelType();
                    sb.append(" --tun-type ").append(t.ipvsadmName());
                    if (t == TunnelType.GUE) {
                        sb.append(" --tun-port ").append(r.tunnelPort());
                    }
                    if (t != TunnelType.IPIP) {
                        sb.append(' ').append(r.tunnelChecksum().ipvsadmOption());
                    }
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /** ipvsadm's switch for the forwarding method in rules; the kernel's "local node" is saved as {@code -g}. */
    private static String saveSwitch(Forwarding f) {
        switch (f) {
            case MASQ: return "-m";
            case TUNNEL: return "-i";
            default: return "-g";
        }
    }

    private static String ruleName(ServiceKey k) {
        if (k.isFwmark()) {
            return "-f " + (int) k.fwmark() + (k.family() == AddressFamily.INET6 ? " -6" : "");
        }
        String opt = k.protocol() == Protocol.TCP ? "-t" : k.protocol() == Protocol.UDP ? "-u" : "--sctp-service";
        return opt + " " + Addresses.endpoint(k.address(), k.port());
    }

    private static void appendMask(StringBuilder sb, VirtualService s, String label) {
        boolean v4 = s.family() == AddressFamily.INET;
        int mask = s.persistenceNetmask();
        if (v4 ? mask != -1 : mask != 128) {
            sb.append(label).append(s.persistenceNetmaskText());
        }
    }

    /** {@code sh-fallback,sh-port} for sh, {@code mh-...} for mh, {@code flag-1,...} otherwise, in bit order. */
    static String flagNames(VirtualService s) {
        int bits = s.schedulerFlagBits();
        StringBuilder sb = new StringBuilder();
        String[] names;
        if (s.scheduler() == Scheduler.SH) {
            names = new String[] {"sh-fallback", "sh-port", "flag-3"};
        } else if (s.scheduler() == Scheduler.MH) {
            names = new String[] {"mh-fallback", "mh-port", "flag-3"};
        } else {
            names = new String[] {"flag-1", "flag-2", "flag-3"};
        }
        for (int i = 0; i < 3; i++) {
            if ((bits & (0x08 << i)) != 0) {
                if (sb.length() > 0) {
                    sb.append(',');
                }
                sb.append(names[i]);
            }
        }
        return sb.toString();
    }

    // ---- ipvsadm -Ln

    /** {@code ipvsadm -Ln} and its variants for every service. */
    static String list(IpvsInfo info, List<ServiceState> states, Table table, boolean exact) {
        StringBuilder sb = new StringBuilder(80 * (states.size() + 3));
        sb.append("IP Virtual Server version ").append(info.versionText()).append(" (size=")
                .append(info.connectionTableSize()).append(")\n");
        title(sb, table);
        List<ServiceState> sorted = ipvsadmSort(states, (a, b) -> compareServices(a.service().key(), b.service().key()));
        for (ServiceState s : sorted) {
            service(sb, s, table, exact);
        }
        return sb.toString();
    }

    /** {@code ipvsadm -Ln -t VIP:PORT} (one service): the title without the version line. */
    static String listOne(ServiceState state, Table table, boolean exact) {
        StringBuilder sb = new StringBuilder();
        title(sb, table);
        service(sb, state, table, exact);
        return sb.toString();
    }

    private static void title(StringBuilder sb, Table table) {
        switch (table) {
            case STATS:
                pad(sb, "Prot LocalAddress:Port", 33);
                sb.append(' ');
                for (String h : new String[] {"Conns", "InPkts", "OutPkts", "InBytes"}) {
                    padLeft(sb, h, 8).append(' ');
                }
                padLeft(sb, "OutBytes", 8).append("\n  -> RemoteAddress:Port\n");
                break;
            case RATE:
                pad(sb, "Prot LocalAddress:Port", 33);
                sb.append(' ');
                for (String h : new String[] {"CPS", "InPPS", "OutPPS", "InBPS"}) {
                    padLeft(sb, h, 8).append(' ');
                }
                padLeft(sb, "OutBPS", 8).append("\n  -> RemoteAddress:Port\n");
                break;
            case THRESHOLDS:
                pad(sb, "Prot LocalAddress:Port", 33).append(' ');
                pad(sb, "Uthreshold", 10).append(' ');
                pad(sb, "Lthreshold", 10).append(' ');
                pad(sb, "ActiveConn", 10).append(' ');
                pad(sb, "InActConn", 10).append("\n  -> RemoteAddress:Port\n");
                break;
            case PERSISTENT_CONN:
                pad(sb, "Prot LocalAddress:Port", 33).append(' ');
                pad(sb, "Weight", 9).append(' ');
                pad(sb, "PersistConn", 11).append(' ');
                pad(sb, "ActiveConn", 10).append(' ');
                pad(sb, "InActConn", 10).append("\n  -> RemoteAddress:Port\n");
                break;
            case TUN_INFO:
                sb.append("Prot LocalAddress:Port Scheduler Flags\n"
                        + "  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n");
                break;
            default:
                sb.append("Prot LocalAddress:Port Scheduler Flags\n"
                        + "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
        }
    }

    private static String listName(ServiceKey k) {
        if (k.isFwmark()) {
            return "FWM  " + (int) k.fwmark() + (k.family() == AddressFamily.INET6 ? " IPv6" : "");
        }
        String name = (k.protocol() == Protocol.SCTP ? "SCTP " : k.protocol() + "  ")
                + Addresses.endpoint(k.address(), k.port());
        return k.family() == AddressFamily.INET6 || name.length() <= 33 ? name : name.substring(0, 33);
    }

    private static void service(StringBuilder sb, ServiceState st, Table table, boolean exact) {
        VirtualService s = st.service();
        String name = listName(s.key());
        IpvsStats x = st.stats();
        if (table == Table.STATS) {
            pad(sb, name, 33);
            largeNumbers(sb, exact, x.connections(), x.packetsIn(), x.packetsOut(), x.bytesIn(), x.bytesOut());
        } else if (table == Table.RATE) {
            pad(sb, name, 33);
            largeNumbers(sb, exact, x.connectionsPerSecond(), x.packetsInPerSecond(), x.packetsOutPerSecond(),
                    x.bytesInPerSecond(), x.bytesOutPerSecond());
        } else {
            sb.append(name).append(' ').append(s.scheduler().kernelName());
            String flags = flagNames(s);
            if (!flags.isEmpty()) {
                sb.append(" (").append(flags).append(')');
            }
            if (s.isPersistent()) {
                sb.append(" persistent ").append(Integer.toUnsignedString(s.persistenceSeconds()));
                appendMask(sb, s, " mask ");
                s.persistenceEngine().ifPresent(pe -> sb.append(" pe ").append(pe));
            }
            if (s.onePacket()) {
                sb.append(" ops");
            }
        }
        sb.append('\n');
        boolean truncate = s.family() != AddressFamily.INET6;
        for (RealServerState d : sortServers(s.key(), st.realServers(), RealServerState::server)) {
            RealServer r = d.server();
            String dname = Addresses.endpoint(r.address(), r.port());
            if (truncate && dname.length() > 28) {
                dname = dname.substring(0, 28);
            }
            sb.append("  -> ");
            switch (table) {
                case STATS: {
                    IpvsStats y = d.stats();
                    pad(sb, dname, 28);
                    largeNumbers(sb, exact, y.connections(), y.packetsIn(), y.packetsOut(), y.bytesIn(), y.bytesOut());
                    break;
                }
                case RATE: {
                    IpvsStats y = d.stats();
                    pad(sb, dname, 28);
                    for (long v : new long[] {y.connectionsPerSecond(), y.packetsInPerSecond(), y.packetsOutPerSecond()}) {
                        sb.append(' ');
                        padLeft(sb, Long.toString(v & 0xffffffffL), 8);
                    }
                    largeNumbers(sb, exact, y.bytesInPerSecond(), y.bytesOutPerSecond());
                    break;
                }
                case THRESHOLDS:
                    pad(sb, dname, 28).append(' ');
                    pad(sb, Integer.toUnsignedString(r.upperThreshold()), 10).append(' ');
                    pad(sb, Integer.toUnsignedString(r.lowerThreshold()), 10).append(' ');
                    pad(sb, Integer.toUnsignedString(d.activeConnections()), 10).append(' ');
                    pad(sb, Integer.toUnsignedString(d.inactiveConnections()), 10);
                    break;
                case PERSISTENT_CONN:
                    pad(sb, dname, 28).append(' ');
                    pad(sb, Integer.toUnsignedString(r.weight()), 9).append(' ');
                    pad(sb, Integer.toUnsignedString(d.persistentConnections()), 11).append(' ');
                    pad(sb, Integer.toUnsignedString(d.activeConnections()), 10).append(' ');
                    pad(sb, Integer.toUnsignedString(d.inactiveConnections()), 10);
                    break;
                case TUN_INFO:
                    pad(sb, dname, 28).append(' ');
                    pad(sb, r.forwarding().ipvsadmName(), 7).append(' ');
                    pad(sb, tunnelInfo(r), 13).append(' ');
                    pad(sb, Integer.toString(r.weight()), 6).append(' ');
                    pad(sb, Integer.toUnsignedString(d.activeConnections()), 10).append(' ');
                    pad(sb, Integer.toUnsignedString(d.inactiveConnections()), 10);
                    break;
                default:
                    pad(sb, dname, 28).append(' ');
                    pad(sb, r.forwarding().ipvsadmName(), 7).append(' ');
                    pad(sb, Integer.toString(r.weight()), 6).append(' ');
                    pad(sb, Integer.toUnsignedString(d.activeConnections()), 10).append(' ');
                    pad(sb, Integer.toUnsignedString(d.inactiveConnections()), 10);
            }
            sb.append('\n');
        }
    }

    /** {@code ipip}, {@code gue:6080:-c}, {@code gue:6083:r+c}, {@code gre:+c}, or {@code n/a}. */
    static String tunnelInfo(RealServer r) {
        if (r.forwarding() != Forwarding.TUNNEL) {
            return "n/a";
        }
        String csum = r.tunnelChecksum() == TunnelChecksum.REMCSUM ? "r+c"
                : r.tunnelChecksum() == TunnelChecksum.CSUM ? "+c" : "-c";
        switch (r.tunnelType()) {
            case GUE: return "gue:" + r.tunnelPort() + ":" + csum;
            case GRE: return "gre:" + csum;
            default: return "ipip";
        }
    }

    private static void largeNumbers(StringBuilder sb, boolean exact, long... values) {
        for (long v : values) {
            largeNumber(sb, v, exact);
        }
    }

    /**
     * One counter as ipvsadm prints it: right-aligned in 9 columns below 100 million, else
     * scaled with a K, M, G or T suffix in 8 columns plus the suffix; {@code --exact} widens the
     * field instead (at least 9 columns, one blank before the digits).
     */
    static void largeNumber(StringBuilder sb, long v, boolean exact) {
        if (exact) {
            String digits = Long.toUnsignedString(v);
            padLeft(sb, digits, digits.length() <= 8 ? 9 : digits.length() + 1);
            return;
        }
        if (Long.compareUnsigned(v, 100_000_000L) < 0) {
            padLeft(sb, Long.toUnsignedString(v), 9);
        } else if (Long.compareUnsigned(v, 1_000_000_000L) < 0) {
            padLeft(sb, Long.toUnsignedString(Long.divideUnsigned(v, 1_000L)), 8).append('K');
        } else if (Long.compareUnsigned(v, 100_000_000_000L) < 0) {
            padLeft(sb, Long.toUnsignedString(Long.divideUnsigned(v, 1_000_000L)), 8).append('M');
        } else if (Long.compareUnsigned(v, 100_000_000_000_000L) < 0) {
            padLeft(sb, Long.toUnsignedString(Long.divideUnsigned(v, 1_000_000_000L)), 8).append('G');
        } else {
            padLeft(sb, Long.toUnsignedString(Long.divideUnsigned(v, 1_000_000_000_000L)), 8).append('T');
        }
    }

    // ---- --timeout, --daemon

    /** {@code ipvsadm -L --timeout}. */
    static String timeouts(Timeouts t) {
        return "Timeout (tcp tcpfin udp): " + t.tcpSeconds() + " " + t.tcpFinSeconds() + " " + t.udpSeconds() + "\n";
    }

    /** {@code ipvsadm -L --daemon}: the master's line, then the backup's. */
    static String daemons(List<SyncDaemon> daemons) {
        StringBuilder sb = new StringBuilder();
        for (SyncDaemon.Role role : SyncDaemon.Role.values()) {
            for (SyncDaemon d : daemons) {
                if (d.role() != role) {
                    continue;
                }
                sb.append(role.ipvsadmName()).append(" sync daemon (mcast=").append(d.interfaceName())
                        .append(", syncid=").append(d.syncId())
                        .append(", maxlen=").append(d.maxLength())
                        .append(", group=").append(d.group().map(Addresses::format).orElse(DEFAULT_GROUP))
                        .append(", port=").append(d.port() != 0 ? d.port() : DEFAULT_PORT)
                        .append(", ttl=").append(d.ttl() != 0 ? d.ttl() : DEFAULT_TTL)
                        .append(")\n");
            }
        }
        return sb.toString();
    }

    // ---- -c: /proc/net/ip_vs_conn

    /**
     * {@code ipvsadm -Lnc} from the text of {@code /proc/net/ip_vs_conn} (its first line is the
     * kernel's heading); with {@code persistent} ({@code -c --persistent-conn}) the persistence
     * engine's name and data are shown too. Rows stay in the kernel's (hash) order, as ipvsadm
     * prints them.
     */
    static String connections(List<String> procLines, boolean persistent) {
        StringBuilder sb = new StringBuilder(80 * (procLines.size() + 2));
        sb.append("IPVS connection entries\n");
        sb.append("pro expire ");
        pad(sb, "state", 11).append(' ');
        pad(sb, "source", 18).append(' ');
        pad(sb, "virtual", 18).append(' ');
        if (persistent) {
            pad(sb, "destination", 18).append(' ');
            pad(sb, "pe name", 16).append(" pe_data\n");
        } else {
            sb.append("destination\n");
        }
        for (int i = 1; i < procLines.size(); i++) {
            connection(sb, procLines.get(i), persistent);
        }
        return sb.toString();
    }

    private static void connection(StringBuilder sb, String line, boolean persistent) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 9 || f[0].isEmpty()) {
            return;
        }
        String proto = f[0];
        String client = connEndpoint(f[1], f[2]);
        String virtual = connEndpoint(f[3], f[4]);
        String dest = connEndpoint(f[5], f[6]);
        long expires;
        try {
            expires = Long.parseLong(f[8]);
        } catch (NumberFormatException e) {
            expires = 0;
        }
        String expire = two(expires / 60) + ":" + two(expires % 60);
        pad(sb, proto, 3).append(' ');
        pad(sb, expire, 6).append(' ');
        pad(sb, f[7], 11).append(' ');
        pad(sb, client, 18).append(' ');
        pad(sb, virtual, 18).append(' ');
        if (persistent && f.length >= 11) {
            pad(sb, dest, 16).append(' ');
            pad(sb, f[9], 18).append(' ').append(f[10]).append('\n');
        } else {
            sb.append(dest).append('\n');
        }
    }

    private static String two(long v) {
        return v < 10 ? "0" + v : Long.toString(v);
    }

    /** The kernel prints IPv4 as 8 hex digits and IPv6 in full colon form; ports as 4 hex digits. */
    private static String connEndpoint(String addr, String hexPort) {
        int port;
        try {
            port = Integer.parseInt(hexPort, 16) & 0xffff;
        } catch (NumberFormatException e) {
            port = 0;
        }
        InetAddress a;
        if (addr.indexOf(':') >= 0) {
            a = Addresses.parse(addr, "connection address");
        } else if (addr.indexOf('.') >= 0) {
            a = Addresses.parse(addr, "connection address");
        } else {
            long v = Long.parseLong(addr, 16);
            a = Addresses.ofInt((int) v);
        }
        return Addresses.endpoint(a, port);
    }

    // ---- ordering

    /** Services in ipvsadm's order. */
    static List<VirtualService> sortServices(List<VirtualService> services) {
        return ipvsadmSort(services, (a, b) -> compareServices(a.key(), b.key()));
    }

    static <T> List<T> sortServers(ServiceKey service, List<T> servers, java.util.function.Function<T, RealServer> server) {
        boolean v6 = service.family() == AddressFamily.INET6;
        return ipvsadmSort(servers, (a, b) -> compareServers(v6, server.apply(a), server.apply(b)));
    }

    /**
     * ipvsadm's service comparison: fwmark, address family, protocol, address (32-bit words),
     * port; each a difference truncated to a C {@code int}, so large differences flip sign.
     */
    static int compareServices(ServiceKey a, ServiceKey b) {
        int r = (int) a.fwmark() - (int) b.fwmark();
        if (r != 0) {
            return r;
        }
        r = a.family().number() - b.family().number();
        if (r != 0) {
            return r;
        }
        r = protocolNumber(a) - protocolNumber(b);
        if (r != 0) {
            return r;
        }
        int words = a.family() == AddressFamily.INET6 ? 4 : 1;
        r = compareWords(words, a.address(), b.address());
        if (r != 0) {
            return r;
        }
        return a.port() - b.port();
    }

    /** ipvsadm's real-server comparison: address words (four when the service is IPv6), then port. */
    static int compareServers(boolean v6, RealServer a, RealServer b) {
        int r = compareWords(v6 ? 4 : 1, a.address(), b.address());
        if (r != 0) {
            return r;
        }
        return a.port() - b.port();
    }

    private static int protocolNumber(ServiceKey k) {
        return k.isFwmark() ? 0 : k.protocol().number();
    }

    private static int compareWords(int words, InetAddress a, InetAddress b) {
        byte[] x = a == null ? new byte[16] : a.getAddress();
        byte[] y = b == null ? new byte[16] : b.getAddress();
        int r = 0;
        for (int i = 0; r == 0 && i < words; i++) {
            r = word(x, i) - word(y, i);
        }
        return r;
    }

    /** Word {@code i} of the address as the kernel's 16-byte union holds it (IPv4 in word 0). */
    private static int word(byte[] a, int i) {
        int o = 4 * i;
        if (o + 4 > a.length) {
            return 0;
        }
        return (a[o] & 0xff) << 24 | (a[o + 1] & 0xff) << 16 | (a[o + 2] & 0xff) << 8 | (a[o + 3] & 0xff);
    }

    /**
     * Sorts as glibc 2.36's {@code qsort} does for these element sizes: a top-down merge sort
     * that splits {@code n} into {@code n/2} and the rest, sorts both halves and merges, taking
     * from the left half while {@code cmp(left, right) <= 0}. With a non-transitive comparator
     * the result depends on this exact procedure and on the input order.
     */
    static <T> List<T> ipvsadmSort(List<T> input, Comparator<T> cmp) {
        @SuppressWarnings("unchecked")
        T[] a = (T[]) input.toArray();
        if (a.length > 1) {
            @SuppressWarnings("unchecked")
            T[] tmp = (T[]) new Object[a.length];
            mergeSort(a, 0, a.length, tmp, cmp);
        }
        List<T> out = new ArrayList<>(a.length);
        for (T t : a) {
            out.add(t);
        }
        return out;
    }

    private static <T> void mergeSort(T[] a, int from, int n, T[] tmp, Comparator<T> cmp) {
        if (n <= 1) {
            return;
        }
        int n1 = n / 2;
        int n2 = n - n1;
        mergeSort(a, from, n1, tmp, cmp);
        mergeSort(a, from + n1, n2, tmp, cmp);
        int i = from;
        int j = from + n1;
        int k = 0;
        while (n1 > 0 && n2 > 0) {
            if (cmp.compare(a[i], a[j]) <= 0) {
                tmp[k++] = a[i++];
                n1--;
            } else {
                tmp[k++] = a[j++];
                n2--;
            }
        }
        while (n1 > 0) {
            tmp[k++] = a[i++];
            n1--;
        }
        // the right half's rest is already in place
        System.arraycopy(tmp, 0, a, from, k);
    }

    // ---- padding

    private static StringBuilder pad(StringBuilder sb, String s, int width) {
        sb.append(s);
        for (int i = s.length(); i < width; i++) {
            sb.append(' ');
        }
        return sb;
    }

    private static StringBuilder padLeft(StringBuilder sb, String s, int width) {
        for (int i = s.length(); i < width; i++) {
            sb.append(' ');
        }
        return sb.append(s);
    }
}
