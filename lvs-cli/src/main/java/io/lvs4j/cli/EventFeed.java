package io.lvs4j.cli;

import io.lvs4j.director.DirectorEvent;
import io.lvs4j.director.DirectorListener;
import io.lvs4j.metrics.DirectorJson;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The director's events for {@code /events}: the last {@code capacity} kept for a replay, and
 * handed to each subscriber's queue of as many (a whole replay fits). It never blocks the
 * director's thread: a subscriber whose queue is full is cut off ({@link Subscription#overflowed()});
 * it may reconnect with the last sequence it saw and get the rest from the replay.
 */
final class EventFeed implements DirectorListener {
    /** One event: its sequence, type and one-line JSON. */
    record Entry(long sequence, String type, String json) {}

    private final int capacity;
    private final ArrayDeque<Entry> recent = new ArrayDeque<>();
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

    EventFeed(int capacity) {
        this.capacity = capacity;
    }

    @Override
    public void onEvent(DirectorEvent e) {
        Entry x = new Entry(e.sequence(), DirectorJson.type(e), DirectorJson.event(e));
        synchronized (this) {
            recent.addLast(x);
            if (recent.size() > capacity) {
                recent.removeFirst();
            }
            for (Subscription s : subscriptions) {
                if (!s.queue.offer(x)) {
                    s.overflowed = true;
                    subscriptions.remove(s);
                }
            }
        }
    }

    /** The kept events after that sequence (0: all kept), oldest first. */
    synchronized List<Entry> recent(long after) {
        List<Entry> out = new ArrayList<>();
        for (Entry x : recent) {
            if (x.sequence() > after) {
                out.add(x);
            }
        }
        return out;
    }

    /** A subscription that first yields the kept events after {@code after}, then the new ones, without gap. */
    synchronized Subscription subscribe(long after) {
        Subscription s = new Subscription(capacity);
        for (Entry x : recent(after)) {
            s.queue.add(x);
        }
        subscriptions.add(s);
        return s;
    }

    /** Cuts every subscription off (stopping). */
    void closeAll() {
        for (Subscription s : subscriptions) {
            s.close();
        }
    }

    int subscribers() {
        return subscriptions.size();
    }

    final class Subscription implements AutoCloseable {
        private final BlockingQueue<Entry> queue;
        private volatile boolean overflowed;
        private volatile boolean closed;

        Subscription(int size) {
            this.queue = new ArrayBlockingQueue<>(size);
        }

        /** The next event, or null after the timeout or when cut off. */
        Entry next(long timeout, TimeUnit unit) throws InterruptedException {
            if (closed) {
                return null;
            }
            return queue.poll(timeout, unit);
        }

        /** Whether it was cut off for being too slow (the queue is drained first). */
        boolean overflowed() {
            return overflowed && queue.isEmpty();
        }

        boolean closed() {
            return closed;
        }

        @Override
        public void close() {
            closed = true;
            subscriptions.remove(this);
        }
    }
}
