package io.lvs4j.metrics;

import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.director.DirectorState;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the {@link SnapshotMeter}s of a {@link DirectorState} in the Prometheus text format 0.0.4
 * or OpenMetrics 1.0, the same families, samples and labels as Micrometer's Prometheus registry
 * writes for the meters {@link LvsMetrics} registers, without going through meters: each sample's
 * label set is encoded once per shape of the state (the services, real servers and instances it
 * has) and kept; a scrape copies those bytes and formats the values into a 64 KiB buffer that it
 * flushes to the stream. Thread-safe; the shape's layout is immutable and shared.
 */
final class SnapshotWriter {
    private static final int CHUNK = 64 * 1024;
    /** 2^53: below it every integer is a double exactly. */
    private static final double EXACT = 9.007199254740992E15;

    private final Tags commonTags;
    private volatile Layout layout;
    /** Label sets encoded, for the test that they are not encoded again while the shape stays. */
    private volatile int encoded;

    SnapshotWriter(Tags commonTags) {
        this.commonTags = commonTags;
    }

    void write(DirectorState state, OutputStream out, boolean openMetrics) throws IOException {
        Layout l = layout(state);
        Buffer b = new Buffer(out);
        for (int f = 0; f < l.families.length; f++) {
            SnapshotMeter m = SnapshotMeter.BY_PROMETHEUS_NAME.get(f);
            byte[][] labels = switch (m.scope) {
                case SERVICE -> l.serviceLabels;
                case SERVER -> l.serverLabels;
                case INSTANCE -> l.instanceLabels;
            };
            if (labels.length == 0) {
                continue; // as a registry without such meters: no family
            }
            b.put(openMetrics ? l.families[f].openMetricsHeader : l.families[f].textHeader);
            byte[] name = l.families[f].sampleName;
            for (int i = 0; i < labels.length; i++) {
                long v = switch (m.scope) {
                    case SERVICE -> m.value(l.services[i]);
                    case SERVER -> m.value(l.servers[i]);
                    case INSTANCE -> m.value(l.instances[i]);
                };
                b.put(name);
                b.put(labels[i]);
                b.put((byte) ' ');
                b.putDouble(v);
                b.put((byte) '\n');
            }
        }
        b.flush();
    }

    int encoded() {
        return encoded;
    }

    // ---- the shape of a state: which samples there are and their encoded labels -----------------

    private static final class Family {
        final byte[] textHeader;
        final byte[] openMetricsHeader;
        final byte[] sampleName;

        Family(SnapshotMeter m) {
            String base = m.prometheusBase();
            String name = m.prometheusName();
            String help = escapeHelp(m.help);
            textHeader = ascii("# HELP " + name + " " + help + "\n# TYPE " + name + " " + type(m) + "\n");
            openMetricsHeader = ascii("# TYPE " + base + " " + type(m) + "\n# HELP " + base + " " + help + "\n");
            sampleName = ascii(name);
        }

        private static String type(SnapshotMeter m) {
            return m.counter ? "counter" : "gauge";
        }
    }

    private static final Family[] FAMILIES = SnapshotMeter.BY_PROMETHEUS_NAME.stream().map(Family::new)
            .toArray(Family[]::new);

    /** One state's samples: the objects their values come from, and their labels. */
    private static final class Layout {
        final DirectorState state;
        final Family[] families = FAMILIES;
        final DirectorState.Service[] services;
        final DirectorState.Server[] servers;
        final DirectorState.Instance[] instances;
        /** Per service: its index in the state, then for each of its real servers the index of its sample or -1 (a repeated endpoint). */
        final int[][] serverSamples;
        final byte[][] serviceLabels;
        final byte[][] serverLabels;
        final byte[][] instanceLabels;

        /** The layout of {@code s}, sharing {@code same}'s labels (a state of the same shape). */
        Layout(DirectorState s, Layout same) {
            this.state = s;
            this.serverSamples = same.serverSamples;
            this.serviceLabels = same.serviceLabels;
            this.serverLabels = same.serverLabels;
            this.instanceLabels = same.instanceLabels;
            this.services = s.services().toArray(DirectorState.Service[]::new);
            this.instances = s.instances().toArray(DirectorState.Instance[]::new);
            this.servers = new DirectorState.Server[serverLabels.length];
            for (int v = 0; v < services.length; v++) {
                List<DirectorState.Server> rs = services[v].realServers();
                int[] at = serverSamples[v];
                for (int r = 0; r < at.length; r++) {
                    if (at[r] >= 0) {
                        servers[at[r]] = rs.get(r);
                    }
                }
            }
        }

        /** The layout of {@code s}, its labels encoded. */
        Layout(DirectorState s, Tags common) {
            this.state = s;
            this.services = s.services().toArray(DirectorState.Service[]::new);
            this.instances = s.instances().toArray(DirectorState.Instance[]::new);
            this.serviceLabels = new byte[services.length][];
            this.serverSamples = new int[services.length][];
            List<DirectorState.Server> servers = new ArrayList<>();
            List<byte[]> serverLabels = new ArrayList<>();
            for (int v = 0; v < services.length; v++) {
                Tags st = LvsMetrics.serviceTags(services[v].key());
                serviceLabels[v] = labels(common.and(st));
                List<DirectorState.Server> rs = services[v].realServers();
                int[] at = new int[rs.size()];
                java.util.Set<String> seen = new java.util.HashSet<>();
                for (int r = 0; r < at.length; r++) {
                    String endpoint = rs.get(r).configured().endpoint();
                    if (seen.add(endpoint)) {
                        at[r] = servers.size();
                        servers.add(rs.get(r));
                        serverLabels.add(labels(common.and(st).and(LvsMetrics.serverTags(endpoint))));
                    } else {
                        at[r] = -1; // one sample per label set, as the registry has one meter
                    }
                }
                serverSamples[v] = at;
            }
            this.servers = servers.toArray(DirectorState.Server[]::new);
            this.serverLabels = serverLabels.toArray(byte[][]::new);
            this.instanceLabels = new byte[instances.length][];
            for (int i = 0; i < instances.length; i++) {
                instanceLabels[i] = labels(common.and("iname", instances[i].name()));
            }
        }

        /** Whether {@code s} has the same services, real servers and instances in the same order. */
        boolean sameShape(DirectorState s) {
            List<DirectorState.Service> sv = s.services();
            List<DirectorState.Instance> in = s.instances();
            if (sv.size() != services.length || in.size() != instances.length) {
                return false;
            }
            for (int i = 0; i < instances.length; i++) {
                if (!in.get(i).name().equals(instances[i].name())) {
                    return false;
                }
            }
            for (int v = 0; v < services.length; v++) {
                DirectorState.Service now = sv.get(v);
                DirectorState.Service was = services[v];
                ServiceKey k = now.key();
                if (k != was.key() && !k.equals(was.key())) {
                    return false;
                }
                List<DirectorState.Server> a = now.realServers();
                List<DirectorState.Server> b = was.realServers();
                if (a.size() != b.size()) {
                    return false;
                }
                for (int r = 0; r < a.size(); r++) {
                    RealServer x = a.get(r).configured();
                    RealServer y = b.get(r).configured();
                    if (x != y && (x.port() != y.port() || !x.address().equals(y.address()))) {
                        return false;
                    }
                }
            }
            return true;
        }
    }

    private Layout layout(DirectorState s) {
        Layout l = layout;
        if (l != null && l.state == s) {
            return l;
        }
        if (l != null && l.sameShape(s)) {
            l = new Layout(s, l);
        } else {
            l = new Layout(s, commonTags);
            encoded++;
        }
        layout = l;
        return l;
    }

    // ---- encoding --------------------------------------------------------------------------------

    /** {@code {a="x",b="y"}}, names sorted as the registry sorts them. */
    static byte[] labels(Tags tags) {
        Map<String, String> sorted = new TreeMap<>();
        for (Tag t : tags) {
            sorted.put(labelName(t.getKey()), t.getValue());
        }
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append(e.getKey()).append("=\"");
            for (int i = 0; i < e.getValue().length(); i++) {
                char c = e.getValue().charAt(i);
                switch (c) {
                    case '\\' -> sb.append("\\\\");
                    case '"' -> sb.append("\\\"");
                    case '\n' -> sb.append("\\n");
                    default -> sb.append(c);
                }
            }
            sb.append('"');
        }
        return sb.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A tag key as Micrometer's Prometheus naming has it: snake case, other characters {@code _}. */
    static String labelName(String key) {
        StringBuilder sb = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= '0' && c <= '9' && i > 0;
            sb.append(ok ? c : '_');
        }
        return sb.toString();
    }

    private static String escapeHelp(String help) {
        return help.replace("\\", "\\\\").replace("\n", "\\n");
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Chunks of the exposition on their way to the stream. */
    static final class Buffer {
        private final OutputStream out;
        private final byte[] buf = new byte[CHUNK];
        private final byte[] digits = new byte[20];
        private int n;

        Buffer(OutputStream out) {
            this.out = out;
        }

        void put(byte[] bytes) throws IOException {
            if (bytes.length > buf.length - n) {
                flush();
                if (bytes.length > buf.length) {
                    out.write(bytes);
                    return;
                }
            }
            System.arraycopy(bytes, 0, buf, n, bytes.length);
            n += bytes.length;
        }

        void put(byte c) throws IOException {
            if (n == buf.length) {
                flush();
            }
            buf[n++] = c;
        }

        /** {@code v} as a double, written as {@link Double#toString(double)} writes it (as the registry does). */
        void putDouble(long v) throws IOException {
            double d = v;
            if (Math.abs(d) >= EXACT) {
                put(ascii(Double.toString(d)));
                return;
            }
            if (n > buf.length - 32) {
                flush();
            }
            if (v < 0) {
                buf[n++] = '-';
                v = -v;
            }
            int len = 0;
            do {
                digits[len++] = (byte) ('0' + v % 10);
                v /= 10;
            } while (v != 0);
            if (len <= 7) { // below 10^7: 123.0
                for (int i = len - 1; i >= 0; i--) {
                    buf[n++] = digits[i];
                }
                buf[n++] = '.';
                buf[n++] = '0';
                return;
            }
            // 1.2345678E7: the digits without trailing zeros, one before the point, at least one after
            int last = 0;
            while (digits[last] == '0') {
                last++;
            }
            buf[n++] = digits[len - 1];
            buf[n++] = '.';
            if (last == len - 1) {
                buf[n++] = '0';
            }
            for (int i = len - 2; i >= last; i--) {
                buf[n++] = digits[i];
            }
            buf[n++] = 'E';
            int e = len - 1;
            if (e >= 10) {
                buf[n++] = (byte) ('0' + e / 10);
            }
            buf[n++] = (byte) ('0' + e % 10);
        }

        void flush() throws IOException {
            if (n > 0) {
                out.write(buf, 0, n);
                n = 0;
            }
        }
    }
}
