package io.lvs4j.director;

import io.lvs4j.Change;
import io.lvs4j.health.CheckListener;
import io.lvs4j.health.CheckResult;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.table.Drain;
import io.lvs4j.time.Ticker;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The director's listeners and the sequence its events are numbered by: every event is made and
 * handed out on the director's thread, numbered in the order it happened.
 */
final class Events {
    private static final Logger LOG = LoggerFactory.getLogger(Director.class);

    private final Ticker ticker;
    private final List<DirectorListener> listeners = new CopyOnWriteArrayList<>();
    private final List<CheckListener> checkListeners = new CopyOnWriteArrayList<>();
    private long sequence; // on the director's thread

    Events(Ticker ticker, List<DirectorListener> initial) {
        this.ticker = ticker;
        this.listeners.addAll(initial);
    }

    void addListener(DirectorListener listener) {
        listeners.add(Preconditions.checkNotNull(listener, "listener"));
    }

    void removeListener(DirectorListener listener) {
        listeners.remove(listener);
    }

    void addCheckListener(CheckListener listener) {
        checkListeners.add(Preconditions.checkNotNull(listener, "check listener"));
    }

    void removeCheckListener(CheckListener listener) {
        checkListeners.remove(listener);
    }

    /** The next event's sequence number (on the director's thread). */
    long next() {
        return ++sequence;
    }

    /** The director's clock, for the events' time. */
    long nanos() {
        return ticker.nanos();
    }

    void emit(DirectorEvent e) {
        for (DirectorListener l : listeners) {
            try {
                l.onEvent(e);
            } catch (RuntimeException ex) {
                LOG.warn("director listener threw on {}", e, ex);
            }
        }
    }

    void failure(String operation, Exception e) {
        long seq = next();
        emit(new DirectorEvent.Failure(seq, nanos(), operation, e));
    }

    void kernelChanged(List<Change> applied, List<Drain> draining) {
        if (!applied.isEmpty()) {
            long seq = next();
            emit(new DirectorEvent.KernelChange(seq, nanos(), applied, draining));
        }
    }

    /** A completed health check, to the check listeners (on the director's thread). */
    void onCheck(String kind, CheckResult result) {
        for (CheckListener l : checkListeners) {
            try {
                l.onCheck(kind, result);
            } catch (RuntimeException e) {
                LOG.warn("check listener threw on {} {}", kind, result, e);
            }
        }
    }
}
