package io.lvs4j.cli;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.lvs4j.director.Director;
import io.lvs4j.forwarder.Forwarder;
import io.lvs4j.forwarder.ForwarderStats;
import io.lvs4j.internal.FatalErrors;
import io.lvs4j.metrics.DirectorJson;
import io.lvs4j.metrics.LvsMetrics;
import io.lvs4j.packet.DropReason;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * {@code lvs4j run --http ADDR:PORT}: read-only HTTP on the JDK's server.
 * <ul>
 * <li>{@code /metrics}: the director's meters ({@link LvsMetrics}: those of its services, real
 * servers and VRRP instances written straight from its state, the counters of events from a
 * Prometheus registry; and the userspace forwarder's counters) in the Prometheus text format, or
 * OpenMetrics when the Accept header asks for it;
 * <li>{@code /status}: what {@code lvs4j status --json} prints ({@link DirectorJson#state}), from
 * the last published state (never waits on the director's loop);
 * <li>{@code /events}: the director's events as server-sent events ({@code id:} the sequence,
 * {@code event:} the type, {@code data:} the JSON line), or NDJSON with
 * {@code Accept: application/x-ndjson}; first the kept recent events after {@code Last-Event-ID}
 * (or {@code ?after=N}), then live;
 * <li>{@code /}: the live status page (one self-contained HTML file).
 * </ul>
 */
final class HttpFront implements AutoCloseable {
    static final String OPENMETRICS = LvsMetrics.OPENMETRICS_CONTENT_TYPE;
    static final String PROMETHEUS_TEXT = LvsMetrics.PROMETHEUS_CONTENT_TYPE;
    /** Concurrent /events streams; more get 503. */
    static final int MAX_STREAMS = 16;
    static final long KEEPALIVE_SECONDS = 15;
    /** The last events the page shows. */
    static final int PAGE_EVENTS = 30;

    private final HttpServer server;
    private final ExecutorService threads;
    private final Director director;
    private final EventFeed feed;
    private final LvsMetrics metrics;
    private final PrometheusMeterRegistry registry;
    private final Semaphore streams = new Semaphore(MAX_STREAMS);
    private final byte[] page;
    /** The userspace forwarder, or null (the kernel's IPVS). */
    private final Forwarder forwarder;
    private volatile boolean closing;

    private HttpFront(HttpServer server, Director director, EventFeed feed, Forwarder forwarder) {
        this.server = server;
        this.director = director;
        this.feed = feed;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // the per-service and per-real-server meters are written straight from the state: Micrometer's
        // registry takes seconds to scrape 1,000 services x 10 real servers (benchmarks/RESULTS.md)
        this.metrics = LvsMetrics.builder(director).registerSnapshotMeters(false).build();
        metrics.bindTo(registry);
        this.forwarder = forwarder;
        if (forwarder != null) {
            bindForwarder(registry);
        }
        this.page = resource("status.html");
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "lvs4j-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(guarded(threads));
        server.createContext("/", this::root);
        server.createContext("/metrics", this::metrics);
        server.createContext("/status", this::status);
        server.createContext("/events", this::events);
    }

    /**
     * Serves on {@code address}; {@code feed} must be a listener of the director from its start;
     * {@code forwarder} is the userspace forwarder whose counters /metrics adds, or null.
     */
    static HttpFront start(InetSocketAddress address, Director director, EventFeed feed, Forwarder forwarder)
            throws IOException {
        HttpServer s = HttpServer.create(address, 32);
        HttpFront f = new HttpFront(s, director, feed, forwarder);
        s.start();
        return f;
    }

    /**
     * The server's executor: each exchange runs guarded ({@link FatalErrors#guard(Runnable)}), so an
     * {@link OutOfMemoryError} in a handler, or in the JDK's exchange code around it, goes to the
     * thread's uncaught exception handler (the run's fatal-error path) and the thread serves on,
     * whatever the JDK's server does with an error (17.0.15 logs it at TRACE and rethrows).
     */
    static Executor guarded(Executor pool) {
        return task -> pool.execute(FatalErrors.guard(task));
    }

    InetSocketAddress address() {
        return server.getAddress();
    }

    private static byte[] resource(String name) {
        try (InputStream in = HttpFront.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ForwarderStats forwarderStats() {
        return forwarder.stats();
    }

    /** The userspace forwarder's counters, read at scrape time (the meters hold this front strongly). */
    private void bindForwarder(MeterRegistry r) {
        HttpFront st = this;
        FunctionCounter.builder("lvs.forwarder.received", st, s -> s.forwarderStats().received()).baseUnit("packets")
                .description("Frames the userspace forwarder received").register(r);
        FunctionCounter.builder("lvs.forwarder.to.real.server", st, s -> s.forwarderStats().toRealServer()).baseUnit("packets")
                .description("Packets forwarded to real servers").register(r);
        FunctionCounter.builder("lvs.forwarder.to.client", st, s -> s.forwarderStats().toClient()).baseUnit("packets")
                .description("Packets forwarded to clients").register(r);
        FunctionCounter.builder("lvs.forwarder.send.errors", st, s -> s.forwarderStats().sendErrors())
                .description("Sends that failed").register(r);
        FunctionCounter.builder("lvs.forwarder.kernel.drops", st, s -> s.forwarderStats().kernelDrops())
                .description("Frames the kernel dropped before the forwarder read them").register(r);
        for (DropReason reason : DropReason.values()) {
            FunctionCounter.builder("lvs.forwarder.drops", st, s -> s.forwarderStats().drops(reason)).tag("reason", reason.name())
                    .baseUnit("packets").description("Packets dropped, by reason").register(r);
        }
        Gauge.builder("lvs.forwarder.connections", st, s -> s.forwarderStats().connections())
                .description("Entries in the forwarder's connection table").register(r);
        Gauge.builder("lvs.forwarder.connections.max", st, s -> s.forwarderStats().maxConnections())
                .description("The connection table's bound").register(r);
        Gauge.builder("lvs.forwarder.unresolved.real.servers", st, s -> s.forwarderStats().unresolvedRealServers())
                .description("Real servers whose link address is not known").register(r);
    }

    // ---- handlers ----

    private boolean readOnly(HttpExchange x) throws IOException {
        String m = x.getRequestMethod();
        if (m.equals("GET") || m.equals("HEAD")) {
            return true;
        }
        x.getResponseHeaders().set("Allow", "GET, HEAD");
        send(x, 405, "text/plain; charset=utf-8", "read-only: GET or HEAD\n".getBytes(StandardCharsets.UTF_8));
        return false;
    }

    private static void send(HttpExchange x, int status, String type, byte[] body) throws IOException {
        Headers h = x.getResponseHeaders();
        h.set("Content-Type", type);
        h.set("Cache-Control", "no-store");
        h.set("X-Content-Type-Options", "nosniff");
        boolean head = x.getRequestMethod().equals("HEAD");
        x.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head) {
            try (OutputStream o = x.getResponseBody()) {
                o.write(body);
            }
        }
        x.close();
    }

    private void root(HttpExchange x) throws IOException {
        if (!readOnly(x)) {
            return;
        }
        String path = x.getRequestURI().getPath();
        if (!path.equals("/") && !path.equals("/index.html")) {
            send(x, 404, "text/plain; charset=utf-8",
                    ("not found: " + path + " (expected: /, /metrics, /status, /events)\n")
                            .getBytes(StandardCharsets.UTF_8));
            return;
        }
        // the state now, in the page: it renders before its first poll (and without script)
        java.util.List<EventFeed.Entry> recent = feed.recent(0);
        StringBuilder events = new StringBuilder("[");
        for (EventFeed.Entry e : recent.subList(Math.max(0, recent.size() - PAGE_EVENTS), recent.size())) {
            events.append(events.length() > 1 ? "," : "").append(e.json());
        }
        String html = new String(page, StandardCharsets.UTF_8)
                .replace("/*INITIAL_STATE*/null", StateFormat.json(director, director.state()).replace("</", "<\\/"))
                .replace("/*INITIAL_EVENTS*/[]", events.append(']').toString().replace("</", "<\\/"));
        x.getResponseHeaders().set("Content-Security-Policy",
                "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:");
        send(x, 200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }

    private void metrics(HttpExchange x) throws IOException {
        if (!readOnly(x)) {
            return;
        }
        String accept = x.getRequestHeaders().getFirst("Accept");
        String type = accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS
                : PROMETHEUS_TEXT;
        Headers h = x.getResponseHeaders();
        h.set("Content-Type", type);
        h.set("Cache-Control", "no-store");
        h.set("X-Content-Type-Options", "nosniff");
        if (x.getRequestMethod().equals("HEAD")) {
            x.sendResponseHeaders(200, -1);
            x.close();
            return;
        }
        metrics.update(); // a VRRP instance a reload added gets its packet counters in this scrape
        x.sendResponseHeaders(200, 0); // chunked: written as it is formatted, never held whole
        try (OutputStream o = x.getResponseBody()) {
            metrics.writeSnapshotMeters(o, type); // the services, real servers and VRRP instances
            registry.scrape(o, type); // the counters of events and the forwarder's; ends OpenMetrics with # EOF
        } finally {
            x.close();
        }
    }

    private void status(HttpExchange x) throws IOException {
        if (!readOnly(x)) {
            return;
        }
        send(x, 200, "application/json", StateFormat.json(director, director.state()).getBytes(StandardCharsets.UTF_8));
    }

    private void events(HttpExchange x) throws IOException {
        if (!readOnly(x)) {
            return;
        }
        long after = 0;
        String last = x.getRequestHeaders().getFirst("Last-Event-ID");
        String query = x.getRequestURI().getQuery();
        try {
            if (last != null) {
                after = Long.parseLong(last.trim());
            } else if (query != null && query.startsWith("after=")) {
                after = Long.parseLong(query.substring("after=".length()));
            }
        } catch (NumberFormatException e) {
            send(x, 400, "text/plain; charset=utf-8",
                    "Last-Event-ID or after= (expected: an event sequence number)\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        String accept = x.getRequestHeaders().getFirst("Accept");
        boolean ndjson = accept != null && accept.contains("application/x-ndjson");
        if (!streams.tryAcquire()) {
            send(x, 503, "text/plain; charset=utf-8",
                    ("too many event streams (at most " + MAX_STREAMS + ")\n").getBytes(StandardCharsets.UTF_8));
            return;
        }
        try (EventFeed.Subscription s = feed.subscribe(after)) {
            Headers h = x.getResponseHeaders();
            h.set("Content-Type", ndjson ? "application/x-ndjson" : "text/event-stream; charset=utf-8");
            h.set("Cache-Control", "no-store");
            h.set("X-Accel-Buffering", "no");
            if (x.getRequestMethod().equals("HEAD")) {
                x.sendResponseHeaders(200, -1);
                return;
            }
            x.sendResponseHeaders(200, 0);
            OutputStream o = x.getResponseBody();
            if (!ndjson) {
                o.write("retry: 2000\n\n".getBytes(StandardCharsets.UTF_8));
                o.flush();
            }
            while (!closing && !s.closed()) {
                EventFeed.Entry e = s.next(KEEPALIVE_SECONDS, TimeUnit.SECONDS);
                if (e == null) {
                    if (s.overflowed() || s.closed()) {
                        break; // too slow: the client reconnects with Last-Event-ID and gets the replay
                    }
                    o.write((ndjson ? "\n" : ": keepalive\n\n").getBytes(StandardCharsets.UTF_8));
                } else if (ndjson) {
                    o.write((e.json() + "\n").getBytes(StandardCharsets.UTF_8));
                } else {
                    o.write(("id: " + e.sequence() + "\nevent: " + e.type() + "\ndata: " + e.json() + "\n\n")
                            .getBytes(StandardCharsets.UTF_8));
                }
                o.flush();
            }
            o.close();
        } catch (IOException e) {
            // the client went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            streams.release();
            x.close();
        }
    }

    @Override
    public void close() {
        closing = true;
        feed.closeAll();
        server.stop(0);
        threads.shutdownNow();
    }
}
