package io.lvs4j.metrics;

import io.lvs4j.ServiceKey;
import io.lvs4j.director.Director;
import io.lvs4j.director.DirectorEvent;
import io.lvs4j.director.DirectorListener;
import io.lvs4j.director.DirectorState;
import io.lvs4j.health.HealthEvent;
import io.lvs4j.internal.Addresses;
import io.lvs4j.internal.Preconditions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * A {@link Director}'s meters for an application's Micrometer registry: per virtual service and
 * real server the connection gauges, the IPVS counters, the weights and the health; per VRRP
 * instance its state and priority; per BGP session of route health injection its state and the
 * prefixes announced; counters of VRRP transitions, health events, kernel changes
 * and failures.
 *
 * <pre>{@code
 * LvsMetrics metrics = LvsMetrics.builder(director).build();
 * metrics.bindTo(registry);          // e.g. a PrometheusMeterRegistry
 * metrics.update();                  // before a scrape: meters of services added since appear at once
 * }</pre>
 *
 * <p><b>Cheap, never waiting.</b> Gauges and function counters read {@link Director#state()}, the
 * snapshot the director publishes after every change and at its refresh interval (a volatile
 * read; no netlink round trip, no task on the director's loop). The counters of events are
 * incremented by a {@link DirectorListener} on the director's thread.
 *
 * <p><b>Labels</b> follow node_exporter's ipvs collector: {@code local_address},
 * {@code local_port}, {@code proto}, {@code local_mark} for a service ({@code local_mark} empty
 * unless it is a firewall-mark service, whose address, port and protocol are then empty), and
 * {@code remote_address}, {@code remote_port} for a real server. VRRP instances carry
 * {@code iname}, as keepalived exporters do. The module's README maps each meter to theirs.
 *
 * <p>The counters of events count from {@link Builder#build()} on: the events of the director's
 * start (the first kernel changes, INIT to BACKUP) come before; a counter starting at 0 there
 * is what Prometheus expects of a new process.
 *
 * <p>Services and real servers added later (a reload) get their meters at the next
 * {@link #update()}, which a scrape also triggers on its way (then they show from the following
 * scrape); meters of removed ones are removed from the registries.
 */
public final class LvsMetrics implements MeterBinder {
    /** The value of {@code lvs_vrrp_state} per state, as keepalived exporters have it. */
    static final Map<String, Integer> VRRP_STATE_VALUES = Map.of("INIT", 0, "BACKUP", 1, "MASTER", 2, "FAULT", 3);

    /**
     * The value of {@code lvs_bgp_session_state} per state: BGP4-MIB's {@code bgpPeerState}
     * (RFC 4273), idle 1 to established 6.
     */
    static double bgpStateValue(io.lvs4j.bgp.SessionState s) {
        return s.ordinal() + 1; // IDLE, CONNECT, ACTIVE, OPEN_SENT, OPEN_CONFIRM, ESTABLISHED
    }

    private final Director director;
    private final Tags commonTags;
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    private final Map<MeterRegistry, Map<Object, List<Meter>>> bound = new HashMap<>();
    private volatile Index index;
    private volatile long lastSequence;
    private volatile List<Object> shape = List.of();
    private final boolean snapshotMeters;
    private final SnapshotWriter writer;

    private LvsMetrics(Builder b) {
        this.director = b.director;
        this.commonTags = b.tags;
        this.snapshotMeters = b.registerSnapshotMeters;
        this.writer = new SnapshotWriter(b.tags);
        director.addListener(new Listener(this));
        director.addCheckListener(new Checks(this));
    }

    /** Meters for that director. */
    public static Builder builder(Director director) {
        Preconditions.checkNotNull(director, "director");
        return new Builder(director);
    }

    /** Settings of {@link LvsMetrics}. */
    public static final class Builder {
        private final Director director;
        private Tags tags = Tags.empty();
        private boolean registerSnapshotMeters = true;

        private Builder(Director director) {
            this.director = director;
        }

        /** A tag on every meter (e.g. {@code director=lb1}); repeatable, one value per key. */
        public Builder tag(String key, String value) {
            Preconditions.checkNotNull(key, "tag key");
            Preconditions.checkNotNull(value, "tag value");
            Preconditions.checkArgument(!key.isEmpty(), "tag key", key, "a non-empty name");
            Preconditions.checkArgument(!isReserved(key), "tag key", key,
                    "a name other than the meters' own labels " + RESERVED);
            for (Tag t : tags) {
                Preconditions.checkArgument(!t.getKey().equals(key), "tag key", key, "each key once");
            }
            tags = tags.and(key, value);
            return this;
        }

        /**
         * Whether the per-service, per-real-server and per-VRRP-instance meters go into the
         * registries (true, the default) or are left to {@link #writeSnapshotMeters} (false): the
         * registries then get the counters of events only. A director of 1,000 services × 10 real
         * servers has 139,000 such samples; Micrometer's Prometheus registry takes seconds to
         * scrape them, {@code writeSnapshotMeters} milliseconds.
         */
        public Builder registerSnapshotMeters(boolean register) {
            this.registerSnapshotMeters = register;
            return this;
        }

        public LvsMetrics build() {
            return new LvsMetrics(this);
        }
    }

    private static final List<String> RESERVED = List.of("local_address", "local_port", "proto", "local_mark",
            "remote_address", "remote_port", "iname", "from", "to", "reason", "type", "kind", "operation", "role", "check",
            "neighbor");

    private static boolean isReserved(String key) {
        return RESERVED.contains(key);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Preconditions.checkNotNull(registry, "registry");
        synchronized (this) {
            if (bound.containsKey(registry)) {
                return;
            }
            bound.put(registry, new LinkedHashMap<>());
            registries.add(registry);
            Gauge.builder("lvs.director.events.sequence", this, m -> m.lastSequence).tags(commonTags)
                    .description("The sequence number of the director's last event").register(registry);
            FunctionTimer.builder("lvs.reconcile", director, d -> d.reconciles().count(),
                    d -> d.reconciles().nanos(), TimeUnit.NANOSECONDS).tags(commonTags)
                    .description("Reconciles of the IPVS table (read, compare, apply) and their time").register(registry);
            shape = List.of(); // register every current meter on this registry too
            update();
        }
    }

    /**
     * Brings the meters in line with the director's services, real servers and VRRP instances now:
     * registers the meters of new ones and removes those of removed ones. Cheap when nothing
     * changed; call it before a scrape.
     */
    public synchronized void update() {
        List<Object> now;
        java.util.Set<Object> keys;
        if (snapshotMeters) {
            Index i = index();
            now = i.shape;
            keys = i.keys;
        } else { // the VRRP instances' packet counters still go in the registries
            now = new ArrayList<>();
            for (DirectorState.Instance in : director.state().instances()) {
                now.add(new InstanceKey(in.name()));
            }
            keys = new java.util.HashSet<>(now);
        }
        List<io.lvs4j.bgp.BgpSession> sessions = director.bgpSessions();
        if (!sessions.isEmpty()) { // the sessions are not in the snapshot: their meters go in the registries
            now = new ArrayList<>(now);
            keys = new java.util.HashSet<>(keys);
            for (io.lvs4j.bgp.BgpSession bs : sessions) {
                BgpKey k = new BgpKey(Addresses.format(bs.neighbor().address()));
                now.add(k);
                keys.add(k);
            }
        }
        if (now.equals(shape)) {
            return;
        }
        for (Map.Entry<MeterRegistry, Map<Object, List<Meter>>> e : bound.entrySet()) {
            MeterRegistry r = e.getKey();
            Map<Object, List<Meter>> have = e.getValue();
            for (Object k : new ArrayList<>(have.keySet())) {
                if (!keys.contains(k)) {
                    for (Meter m : have.remove(k)) {
                        r.remove(m);
                    }
                }
            }
            for (Object k : now) {
                if (!have.containsKey(k)) {
                    have.put(k, register(r, k));
                }
            }
        }
        shape = now;
    }

    /** The content type of OpenMetrics, which {@link #writeSnapshotMeters} writes when asked. */
    public static final String OPENMETRICS_CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    /** The content type of the Prometheus text format 0.0.4. */
    public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /**
     * Writes the per-service, per-real-server and per-VRRP-instance meters of the director's last
     * published state ({@link Director#state()}, never waiting on its loop) straight to
     * {@code out}: the same families, samples, labels and values that Micrometer's Prometheus
     * registry writes for them, in the Prometheus text format 0.0.4, or in OpenMetrics 1.0 when
     * {@code contentType} starts with {@code application/openmetrics-text}. It writes no
     * closing {@code # EOF}: follow it with the registry's scrape, which has the counters of
     * events and ends the exposition. Use it with {@link Builder#registerSnapshotMeters
     * registerSnapshotMeters(false)} (else the registry writes the same families again).
     *
     * <pre>{@code
     * LvsMetrics metrics = LvsMetrics.builder(director).registerSnapshotMeters(false).build();
     * metrics.bindTo(prometheusRegistry);
     * // a /metrics handler:
     * metrics.writeSnapshotMeters(body, contentType);
     * prometheusRegistry.scrape(body, contentType);
     * }</pre>
     *
     * Cheap: the label sets are encoded once per set of services, real servers and instances; a
     * scrape formats the values into a 64 KiB buffer that it writes to {@code out} as it fills.
     */
    public void writeSnapshotMeters(OutputStream out, String contentType) throws IOException {
        Preconditions.checkNotNull(out, "out");
        Preconditions.checkNotNull(contentType, "contentType");
        writer.write(director.state(), out, contentType.startsWith("application/openmetrics-text"));
    }

    SnapshotWriter writer() {
        return writer;
    }

    private List<Meter> register(MeterRegistry r, Object key) {
        List<Meter> out = new ArrayList<>();
        if (key instanceof ServiceKey sk) {
            Tags t = commonTags.and(serviceTags(sk));
            for (SnapshotMeter m : SnapshotMeter.values()) {
                if (m.scope == SnapshotMeter.Scope.SERVICE) {
                    out.add(meter(r, m, t, () -> {
                        DirectorState.Service s = index().services.get(sk);
                        return s == null ? Double.NaN : m.value(s);
                    }));
                }
            }
        } else if (key instanceof ServerKey rk) {
            Tags t = commonTags.and(serviceTags(rk.service)).and(serverTags(rk.endpoint));
            for (SnapshotMeter m : SnapshotMeter.values()) {
                if (m.scope == SnapshotMeter.Scope.SERVER) {
                    out.add(meter(r, m, t, () -> {
                        DirectorState.Server s = index().servers.get(rk);
                        return s == null ? Double.NaN : m.value(s);
                    }));
                }
            }
        } else if (key instanceof InstanceKey ik) {
            Tags t = commonTags.and("iname", ik.name);
            vrrpCounters(r, ik.name, t, out);
            for (SnapshotMeter m : SnapshotMeter.values()) {
                if (snapshotMeters && m.scope == SnapshotMeter.Scope.INSTANCE) {
                    out.add(meter(r, m, t, () -> {
                        DirectorState.Instance s = index().instances.get(ik.name);
                        return s == null ? Double.NaN : m.value(s);
                    }));
                }
            }
        } else if (key instanceof BgpKey bk) {
            Tags t = commonTags.and("neighbor", bk.neighbor);
            out.add(Gauge.builder("lvs.bgp.session.state", this,
                    m -> m.bgp(bk.neighbor, s -> bgpStateValue(s.state()))).tags(t)
                    .description("The BGP session's state: 1 IDLE, 2 CONNECT, 3 ACTIVE, 4 OPEN_SENT, 5 OPEN_CONFIRM,"
                            + " 6 ESTABLISHED (BGP4-MIB bgpPeerState)").register(r));
            out.add(Gauge.builder("lvs.bgp.session.established", this,
                    m -> m.bgp(bk.neighbor, s -> s.state() == io.lvs4j.bgp.SessionState.ESTABLISHED ? 1 : 0)).tags(t)
                    .description("1 while the BGP session is established, else 0").register(r));
            out.add(Gauge.builder("lvs.bgp.announced.prefixes", this,
                    m -> m.bgp(bk.neighbor, s -> s.announced().size())).tags(t)
                    .description("Prefixes announced to the neighbour now (route health injection)").register(r));
        }
        return out;
    }

    /** A value of the session with that neighbour now; NaN when there is none. */
    private double bgp(String neighbor, java.util.function.ToDoubleFunction<io.lvs4j.bgp.BgpSession> f) {
        for (io.lvs4j.bgp.BgpSession s : director.bgpSessions()) {
            if (Addresses.format(s.neighbor().address()).equals(neighbor)) {
                return f.applyAsDouble(s);
            }
        }
        return Double.NaN;
    }

    /** The VRRP engine's packet counters of one instance, as the director last copied them. */
    private void vrrpCounters(MeterRegistry r, String instance, Tags t, List<Meter> out) {
        out.add(FunctionCounter.builder("lvs.vrrp.adverts.sent", this, m -> m.vrrp(instance, s -> s.advertisementsSent()))
                .tags(t).description("VRRP adverts sent (keepalived_advertisements_sent_total)").register(r));
        out.add(FunctionCounter.builder("lvs.vrrp.adverts.received", this,
                m -> m.vrrp(instance, s -> s.advertisementsAccepted())).tags(t)
                .description("Valid VRRP adverts received for the instance (dropped ones: lvs_vrrp_adverts_dropped_total)")
                .register(r));
        for (io.lvs4j.vrrp.DropReason reason : io.lvs4j.vrrp.DropReason.values()) {
            out.add(FunctionCounter.builder("lvs.vrrp.adverts.dropped", this, m -> m.vrrp(instance, s -> s.dropped(reason)))
                    .tags(t).tag("reason", reason.name()).description("VRRP packets dropped, by reason").register(r));
        }
    }

    private double vrrp(String instance, java.util.function.ToLongFunction<io.lvs4j.vrrp.VrrpStatistics> f) {
        io.lvs4j.vrrp.VrrpStatistics s = director.vrrpStatistics().get(instance);
        return s == null ? Double.NaN : f.applyAsLong(s);
    }

    private Meter meter(MeterRegistry r, SnapshotMeter m, Tags tags, DoubleSupplier value) {
        if (m.counter) {
            return FunctionCounter.builder(m.name, this, x -> value.getAsDouble()).tags(tags).baseUnit(m.baseUnit)
                    .description(m.help).register(r);
        }
        return Gauge.builder(m.name, this, x -> value.getAsDouble()).tags(tags).description(m.help).register(r);
    }

    /** node_exporter's service labels. */
    static Tags serviceTags(ServiceKey k) {
        if (k.isFwmark()) {
            return Tags.of("local_address", "", "local_port", "", "proto", "", "local_mark", Long.toString(k.fwmark()));
        }
        return Tags.of("local_address", Addresses.format(k.address()), "local_port", Integer.toString(k.port()),
                "proto", k.protocol().name(), "local_mark", "");
    }

    /** node_exporter's real server labels, from {@code 10.0.0.2:80} or {@code [2001:db8::2]:80}. */
    static Tags serverTags(String endpoint) {
        int colon = endpoint.lastIndexOf(':');
        String address = endpoint.substring(0, colon);
        if (address.startsWith("[")) {
            address = address.substring(1, address.length() - 1);
        }
        return Tags.of("remote_address", address, "remote_port", endpoint.substring(colon + 1));
    }

    // ---- the snapshot, indexed once per published state ----------------------------------------

    private record ServerKey(ServiceKey service, String endpoint) {}

    private record InstanceKey(String name) {}

    private record BgpKey(String neighbor) {}

    private static final class Index {
        final DirectorState state;
        final Map<ServiceKey, DirectorState.Service> services = new HashMap<>();
        final Map<ServerKey, DirectorState.Server> servers = new HashMap<>();
        final Map<String, DirectorState.Instance> instances = new HashMap<>();
        final List<Object> shape = new ArrayList<>();
        final java.util.Set<Object> keys = new java.util.HashSet<>();

        Index(DirectorState s) {
            this.state = s;
            for (DirectorState.Instance i : s.instances()) {
                instances.put(i.name(), i);
                shape.add(new InstanceKey(i.name()));
            }
            for (DirectorState.Service v : s.services()) {
                services.put(v.key(), v);
                shape.add(v.key());
                for (DirectorState.Server r : v.realServers()) {
                    ServerKey k = new ServerKey(v.key(), r.configured().endpoint());
                    if (servers.putIfAbsent(k, r) == null) {
                        shape.add(k);
                    }
                }
            }
            keys.addAll(shape);
        }
    }

    private Index index() {
        DirectorState s = director.state();
        Index i = index;
        if (i == null || i.state != s) {
            i = new Index(s);
            index = i;
            if (!i.shape.equals(shape)) {
                update(); // a service or real server came or went: its meters show from the next scrape
            }
        }
        return i;
    }

    // ---- events: counters, on the director's thread ---------------------------------------------

    /** Holds the metrics strongly: the director keeps its listeners, so the meters' objects stay. */
    private static final class Listener implements DirectorListener {
        private final LvsMetrics metrics;

        Listener(LvsMetrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public void onEvent(DirectorEvent event) {
            metrics.onEvent(event);
        }
    }

    /** Every check's result: on the director's thread (the checks' results are handed to it). */
    private static final class Checks implements io.lvs4j.health.CheckListener {
        private final LvsMetrics metrics;

        Checks(LvsMetrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public void onCheck(String kind, io.lvs4j.health.CheckResult result) {
            metrics.onCheck(kind, result);
        }
    }

    private void onCheck(String kind, io.lvs4j.health.CheckResult r) {
        Tags tags = commonTags.and("check", kind);
        for (MeterRegistry reg : registries) {
            Timer.builder("lvs.check").tags(tags)
                    .description("Health checks run and their latency, by kind (TCP_CHECK, HTTP_GET, ...)")
                    .register(reg).record(r.latencyNanos(), TimeUnit.NANOSECONDS);
            if (!r.isUp()) {
                Counter.builder("lvs.check.failures").tags(tags).tag("reason", r.reason().name())
                        .description("Failed health checks, by kind and reason (each failed check, not only those that took a real server down)")
                        .register(reg).increment();
            }
        }
    }

    private void onEvent(DirectorEvent e) {
        lastSequence = e.sequence();
        if (e instanceof DirectorEvent.VrrpTransition t) {
            count("lvs.vrrp.transitions", "VRRP state changes (keepalived_become_master_total: to=MASTER)",
                    Tags.of("iname", t.instance(), "from", t.from().name(), "to", t.to().name()));
        } else if (e instanceof DirectorEvent.Health h) {
            HealthEvent he = h.event();
            count("lvs.health.events", "Health decisions by type", Tags.of("type", he.type().name()));
            if (he.realServer() != null && he.type() == HealthEvent.Type.REAL_SERVER_DOWN) {
                String reason = he.cause() == null ? "UNKNOWN" : he.cause().reason().name();
                count("lvs.backend.check.failures",
                        "Real servers taken down by their checks, by the failed check's reason",
                        serviceTags(he.service()).and(serverTags(he.realServer().endpoint())).and("reason", reason));
            }
        } else if (e instanceof DirectorEvent.KernelChange k) {
            count("lvs.reconciles", "Reconciles that changed the IPVS table", Tags.empty());
            for (io.lvs4j.Change c : k.applied()) {
                count("lvs.kernel.changes", "Changes applied to the IPVS table, by kind",
                        Tags.of("kind", c.kind().name()));
            }
        } else if (e instanceof DirectorEvent.Repaired) {
            count("lvs.repairs", "Periodic repairs of an IPVS table that had drifted (flushed, changed behind the"
                    + " director's back, or refused before)", Tags.empty());
        } else if (e instanceof DirectorEvent.ConfigApplied) {
            count("lvs.config.applied", "Configurations applied (reloads)", Tags.empty());
        } else if (e instanceof DirectorEvent.Failure f) {
            String op = f.operation();
            boolean refused = op.equals("reconcile") || op.equals("draining");
            count(refused ? "lvs.reconcile.refused" : "lvs.director.failures",
                    refused ? "Reconciles the kernel refused in whole or part" : "Other failures, by operation",
                    refused ? Tags.empty() : Tags.of("operation", op));
        }
    }

    private void count(String name, String description, Tags tags) {
        Tags all = commonTags.and(tags);
        for (MeterRegistry r : registries) {
            // the registry hands back the counter it already has under this name and these tags
            Counter.builder(name).tags(all).description(description).register(r).increment();
        }
    }

    @Override
    public String toString() {
        return "LvsMetrics[" + director.state().services().size() + " services, "
                + director.state().instances().size() + " VRRP instances" + (commonTags.stream().findAny().isPresent()
                        ? ", " + commonTags : "") + "]";
    }
}
