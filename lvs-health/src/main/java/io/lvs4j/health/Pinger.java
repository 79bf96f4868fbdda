package io.lvs4j.health;

import io.lvs4j.netlink.IcmpEcho;
import io.lvs4j.table.IpvsException;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The pings of every {@link PingChecker} of one address family and network namespace, on ONE ICMP
 * datagram socket: a check sends its request and returns; one reader thread (a daemon, started on
 * demand, gone after half a second with nothing in flight, the socket closed with it) matches each
 * reply to its request by source address and sequence number; the check's timeout is a timer on
 * the check's event loop. So a thousand checks in flight cost one socket and one thread, not a
 * thousand blocked threads on the runtime's two blocking ones. Sequence numbers are 16 bits,
 * shared by all targets: a (target, sequence) pair is unique while in flight.
 */
final class Pinger {
    private static final ConcurrentHashMap<String, Pinger> PINGERS = new ConcurrentHashMap<>();
    private static final Duration IDLE = Duration.ofMillis(500);

    private final boolean v6;
    private final String namespace;
    private final ConcurrentHashMap<Key, Pending> pending = new ConcurrentHashMap<>();
    private IcmpEcho socket; // guarded by this
    private Thread reader; // guarded by this
    private int sequence; // guarded by this

    private record Key(InetAddress address, int sequence) {}

    private static final class Pending {
        final CompletableFuture<CheckResult> done = new CompletableFuture<>();
        final CheckContext context;
        final long start;
        volatile Future<?> timer;

        Pending(CheckContext context, long start) {
            this.context = context;
            this.start = start;
        }

        long latency() {
            return Math.max(0, context.ticker().nanos() - start);
        }
    }

    private Pinger(boolean v6, String namespace) {
        this.v6 = v6;
        this.namespace = namespace;
    }

    static Pinger of(boolean v6, String namespace) {
        return PINGERS.computeIfAbsent((v6 ? "6 " : "4 ") + (namespace == null ? "" : namespace),
                k -> new Pinger(v6, namespace));
    }

    /** Requests in flight (for tests). */
    int inFlight() {
        return pending.size();
    }

    /** Whether the reader thread runs (for tests: it stops when idle). */
    synchronized boolean readerRunning() {
        return reader != null;
    }

    CompletionStage<CheckResult> ping(InetAddress target, Duration timeout, CheckContext context) {
        Pending p = new Pending(context, context.ticker().nanos());
        Key key;
        synchronized (this) {
            try {
                if (socket == null) {
                    socket = IcmpEcho.open(v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET, namespace);
                }
                int seq = sequence;
                do {
                    seq = (seq + 1) & 0xffff;
                    key = new Key(target, seq);
                } while (pending.containsKey(key) && seq != sequence);
                sequence = seq;
                pending.put(key, p);
                try {
                    socket.send(target, seq);
                } catch (IpvsException e) {
                    pending.remove(key);
                    throw e;
                }
            } catch (IpvsException e) {
                FailureReason reason = e.errno() == 113 || e.errno() == 101 ? FailureReason.UNREACHABLE // EHOSTUNREACH, ENETUNREACH
                        : FailureReason.IO_ERROR;
                p.done.complete(CheckResult.down(reason, e.getMessage(), p.latency()));
                return p.done;
            }
            if (reader == null) {
                reader = new Thread(this::read, "lvs4j-ping" + (v6 ? "6" : "4") + (namespace == null ? "" : "-" + namespace));
                reader.setDaemon(true);
                reader.start();
            }
        }
        Key k = key;
        try {
            p.timer = context.eventLoop().schedule(() -> {
                if (pending.remove(k, p)) {
                    p.done.complete(CheckResult.down(FailureReason.READ_TIMEOUT, "no echo reply from "
                            + target.getHostAddress() + " within " + timeout.toMillis() + " ms", p.latency()));
                }
            }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RuntimeException e) { // e.g. the event loop is shutting down: no timer, so no wait
            if (pending.remove(k, p)) {
                p.done.complete(CheckResult.down(FailureReason.CHECKER_ERROR, "ping " + target.getHostAddress()
                        + ": no timer: " + e, p.latency()));
            }
        }
        return p.done;
    }

    private void read() {
        IcmpEcho s;
        synchronized (this) {
            s = socket;
        }
        while (true) {
            IcmpEcho.Reply r;
            try {
                r = s.receive(IDLE);
            } catch (IpvsException | RuntimeException e) {
                synchronized (this) { // the socket is broken: fail what waits on it, start afresh next time
                    for (Key k : pending.keySet()) {
                        Pending p = pending.remove(k);
                        if (p != null) {
                            p.done.complete(CheckResult.down(FailureReason.IO_ERROR, e.getMessage(), p.latency()));
                        }
                    }
                    stopLocked();
                    return;
                }
            }
            if (r != null) {
                Pending p = pending.remove(new Key(r.from(), r.sequence()));
                if (p != null) {
                    Future<?> t = p.timer;
                    if (t != null) {
                        t.cancel(false);
                    }
                    p.done.complete(CheckResult.up(p.latency()));
                }
                // else: late (timed out already), or not ours (another address, an old sequence)
            } else {
                synchronized (this) {
                    if (pending.isEmpty()) {
                        stopLocked();
                        return;
                    }
                }
            }
        }
    }

    private void stopLocked() {
        socket.close();
        socket = null;
        reader = null;
    }
}
