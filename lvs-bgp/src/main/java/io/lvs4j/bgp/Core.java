package io.lvs4j.bgp;

import io.lvs4j.bgp.internal.Transport;
import io.lvs4j.time.Scheduler;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the sessions of one speaker share: its settings, scheduler, transport and listeners, and the
 * routes to announce. Touched on the scheduler's thread only.
 */
final class Core {
    private static final Logger LOG = LoggerFactory.getLogger(BgpSpeaker.class);

    final int routerId;
    final long localAs;
    final Scheduler scheduler;
    final Transport transport;
    final long retryInitialNanos;
    final long retryMaxNanos;
    final DoubleSupplier random;
    private final List<BgpListener> listeners;
    /** The prefixes to announce, in the order they were first announced. */
    private List<InetAddress> desired = List.of();
    private boolean gracefulShutdown;

    Core(int routerId, long localAs, Scheduler scheduler, Transport transport, long retryInitialNanos,
            long retryMaxNanos, DoubleSupplier random, List<BgpListener> listeners) {
        this.routerId = routerId;
        this.localAs = localAs;
        this.scheduler = scheduler;
        this.transport = transport;
        this.retryInitialNanos = retryInitialNanos;
        this.retryMaxNanos = retryMaxNanos;
        this.random = random;
        this.listeners = List.copyOf(listeners);
    }

    List<InetAddress> desired() {
        return desired;
    }

    boolean gracefulShutdown() {
        return gracefulShutdown;
    }

    void setRoutes(List<InetAddress> desired, boolean gracefulShutdown) {
        this.desired = Collections.unmodifiableList(new ArrayList<>(desired));
        this.gracefulShutdown = gracefulShutdown;
    }

    /** Delivers an event to every listener in order; a listener that throws is logged and skipped. */
    void emit(BgpEvent event) {
        for (BgpListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                LOG.error("BGP listener {} failed on {}", l, event, e);
            }
        }
    }
}
