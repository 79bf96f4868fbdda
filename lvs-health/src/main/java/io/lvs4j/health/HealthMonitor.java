package io.lvs4j.health;

import io.lvs4j.time.Scheduler;

import io.lvs4j.time.Ticker;

import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.internal.Preconditions;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the checkers of many services and keeps a {@link DirectorBackend} true to their results.
 *
 * <p>All scheduling and state live on one thread of the shared event loop: no thread per check.
 * A checker shared by several real servers (equal checker and equal policy, e.g. the same real
 * server in two services) runs once and feeds all of them. A checker that throws, completes
 * exceptionally or outlives its watchdog counts as a failed check with
 * {@link FailureReason#CHECKER_ERROR}; the monitor goes on.
 *
 * <p>Actions: a real server that goes down is removed from its service, or kept with weight 0 with
 * {@code inhibit_on_failure}; when it comes back, its configured weight (or the dynamic weight its
 * checkers set) is restored, ramped over the policy's slow start. Quorum with hysteresis calls
 * the service's hooks and switches its sorry server. As keepalived does, while the sorry server
 * serves (quorum lost) the real servers are out of the service (inhibited ones at weight 0) and
 * come back when quorum is regained; with {@code sorry_server_inhibit} the sorry server stays in
 * the service at weight 0 while quorum is met.
 */
public final class HealthMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);

    private final CheckContext context;
    private final CheckRuntime ownedRuntime;
    private final Scheduler timer;
    private final Ticker ticker;
    private final DoubleSupplier random;
    private final DirectorBackend backend;
    private final List<HealthListener> listeners;
    private final List<Svc> services = new ArrayList<>();
    private final Map<Object, Probe> probes = new LinkedHashMap<>();
    private final Map<String, Boolean> upView = new ConcurrentHashMap<>();
    private long sequence;
    private volatile boolean closed;
    private boolean started;

    private HealthMonitor(Builder b) {
        this.ownedRuntime = b.context == null ? CheckRuntime.create() : null;
        CheckContext base = b.context == null ? ownedRuntime : b.context;
        this.ticker = b.scheduler == null ? base.ticker() : b.scheduler;
        this.context = new CheckContext() {
            @Override
            public EventLoopGroup eventLoop() {
                return base.eventLoop();
            }

            @Override
            public Executor blockingExecutor() {
                return base.blockingExecutor();
            }

            @Override
            public Ticker ticker() {
                return ticker;
            }
        };
        this.timer = b.scheduler == null ? new EventLoopScheduler(base.eventLoop().next()) : b.scheduler;
        this.random = b.random == null ? new SplittableRandom()::nextDouble : b.random;
        this.backend = b.backend;
        this.listeners = List.copyOf(b.listeners);
        for (ServiceHealth sh : b.services) {
            services.add(newSvc(sh, null));
        }
    }

    /** A service's members, joined to existing probes or new ones (not scheduled here). */
    private Svc newSvc(ServiceHealth sh, List<Probe> created) {
        Svc svc = new Svc(sh);
        Map<String, Member> byEndpoint = new LinkedHashMap<>();
        for (RealServer rs : sh.service().realServers()) {
            Member m = new Member(svc, rs);
            byEndpoint.put(rs.endpoint(), m);
            svc.members.add(m);
        }
        for (ServiceHealth.Check c : sh.checks()) {
            Member m = byEndpoint.get(c.realServer().endpoint());
            Probe p = probes.get(List.of(c.checker(), c.policy()));
            if (p == null) {
                p = new Probe(c.checker(), c.policy());
                probes.put(List.of(c.checker(), c.policy()), p);
                if (created != null) {
                    created.add(p);
                }
            }
            p.members.add(m);
            m.probes.add(p);
            m.slowStartNanos = Math.max(m.slowStartNanos, c.policy().slowStart().toNanos());
        }
        return svc;
    }

    /**
     * Adds a service, or replaces the one with the same key, while the monitor runs. A real server
     * whose settings and checks (checker and policy) are unchanged keeps its state: up or down, its
     * rise/fall counts, its weight in the backend; its checks go on without a restart. A changed
     * real server is reapplied (e.g. a new configured weight is one update), a new one is added
     * as the monitor adds at start (up unless its policy says alpha), a dropped one is removed from
     * the backend. Quorum and the sorry server are re-evaluated. Runs on the monitor's thread: at
     * once when called there ({@link Scheduler#inSchedulerThread()}), else queued.
     */
    public void putService(ServiceHealth service) {
        Preconditions.checkNotNull(service, "service");
        onLoop(() -> putOnLoop(service));
    }

    /**
     * Removes a service while the monitor runs: its real servers (and its sorry server) leave the
     * backend, and checks no other service shares stop. Unknown keys are ignored. Runs on the
     * monitor's thread like {@link #putService}.
     */
    public void removeService(ServiceKey key) {
        Preconditions.checkNotNull(key, "service key");
        onLoop(() -> removeOnLoop(key));
    }

    /** The services monitored now (thread-safe snapshot of their keys is not kept: call on the monitor's thread). */
    List<ServiceHealth> services() {
        List<ServiceHealth> out = new ArrayList<>();
        for (Svc s : services) {
            out.add(s.cfg);
        }
        return out;
    }

    private void onLoop(Runnable r) {
        if (timer.inSchedulerThread()) {
            r.run();
        } else {
            timer.execute(r);
        }
    }

    private int indexOf(ServiceKey key) {
        for (int i = 0; i < services.size(); i++) {
            if (services.get(i).cfg.service().key().equals(key)) {
                return i;
            }
        }
        return -1;
    }

    private void putOnLoop(ServiceHealth sh) {
        if (closed) {
            return;
        }
        ServiceKey key = sh.service().key();
        int at = indexOf(key);
        Svc old = at < 0 ? null : services.get(at);
        List<Probe> created = new ArrayList<>();
        Svc svc = newSvc(sh, created); // joins the probes the old members run, so they keep their state
        if (old != null) {
            detach(old);
        }
        long now = ticker.nanos();
        for (Member m : svc.members) {
            Member before = old == null ? null : old.member(m.configured.address(), m.configured.port());
            if (before != null) {
                before.retired = true;
                m.applied = before.applied;
                if (before.configured.equals(m.configured) && before.probes.equals(m.probes)) {
                    m.up = before.up;
                    m.upSince = before.upSince;
                } else {
                    m.up = m.computeUp();
                    m.upSince = m.up == before.up ? before.upSince : now;
                }
            } else {
                m.up = m.computeUp();
                m.upSince = now - m.slowStartNanos; // a new member starts at full weight, as at start
            }
        }
        if (old != null) {
            for (Member m : old.members) {
                if (svc.member(m.configured.address(), m.configured.port()) == null) {
                    m.retired = true;
                    removeFromBackend(old, m);
                }
            }
            svc.quorumUp = old.quorumUp;
            svc.sorryApplied = old.sorryApplied;
            if (old.sorryApplied >= 0 && !java.util.Objects.equals(old.cfg.sorryServer(), sh.sorryServer())) {
                try {
                    backend.removeRealServer(key, old.cfg.sorryServer().address(), old.cfg.sorryServer().port());
                } catch (BackendException | RuntimeException e) {
                    emit(HealthEvent.Type.ACTION_FAILED, old, old.cfg.sorryServer(), -1, null, null,
                            "sorry server: " + e.getMessage());
                }
                svc.sorryApplied = -1;
            }
            services.set(at, svc);
        } else {
            services.add(svc);
        }
        if (!started) {
            return; // start() applies and schedules everything
        }
        if (old == null) {
            svc.quorumUp = svc.aliveWeight() >= sh.quorum(); // before the members go in: a lost quorum keeps them out
        }
        for (Member m : svc.members) {
            upView.put(key(key, m.configured.address(), m.configured.port()), m.up);
            Member before = old == null ? null : old.member(m.configured.address(), m.configured.port());
            if (before != null && before.up != m.up) { // its checks were replaced: up or down as the new ones start
                apply(m, m.up ? HealthEvent.Type.REAL_SERVER_UP : HealthEvent.Type.REAL_SERVER_DOWN, null,
                        "new checks");
            } else {
                apply(m, null, null, null);
            }
        }
        quorum(svc);
        for (Probe p : created) {
            timer.schedule(p.state.firstDelayNanos(random.getAsDouble()), p::run);
        }
    }

    private void removeOnLoop(ServiceKey key) {
        int at = indexOf(key);
        if (closed || at < 0) {
            return;
        }
        Svc old = services.remove(at);
        detach(old);
        for (Member m : old.members) {
            m.retired = true;
            removeFromBackend(old, m);
        }
        if (old.sorryApplied >= 0) {
            try {
                backend.removeRealServer(key, old.cfg.sorryServer().address(), old.cfg.sorryServer().port());
            } catch (BackendException | RuntimeException e) {
                emit(HealthEvent.Type.ACTION_FAILED, old, old.cfg.sorryServer(), -1, null, null,
                        "sorry server: " + e.getMessage());
            }
        }
    }

    private void removeFromBackend(Svc svc, Member m) {
        upView.remove(key(svc.cfg.service().key(), m.configured.address(), m.configured.port()));
        if (m.applied < 0 || !started) {
            return;
        }
        try {
            backend.removeRealServer(svc.cfg.service().key(), m.configured.address(), m.configured.port());
            m.applied = -1;
        } catch (BackendException | RuntimeException e) {
            emit(HealthEvent.Type.ACTION_FAILED, svc, m.configured, m.applied, null, null,
                    "removing failed: " + e.getMessage());
        }
    }

    /** Takes a service's members off their probes; probes left without members stop. */
    private void detach(Svc svc) {
        for (Member m : svc.members) {
            for (Probe p : m.probes) {
                p.members.remove(m);
                if (p.members.isEmpty()) {
                    probes.remove(List.of(p.checker, p.policy));
                    p.stopped = true;
                }
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Puts the initial membership into the backend and schedules every check (within its warmup).
     * Runs on the monitor's thread: at once when called there, else queued.
     */
    public HealthMonitor start() {
        onLoop(this::startOnLoop);
        return this;
    }

    private void startOnLoop() {
        if (started || closed) {
            return;
        }
        started = true;
        long now = ticker.nanos();
        for (Svc svc : services) {
            for (Member m : svc.members) {
                m.up = m.computeUp();
                m.upSince = now - m.slowStartNanos; // initial members start at full weight
                upView.put(key(svc.cfg.service().key(), m.configured.address(), m.configured.port()), m.up);
            }
            svc.quorumUp = svc.aliveWeight() >= svc.cfg.quorum();
            if (!svc.quorumUp) {
                emit(HealthEvent.Type.QUORUM_DOWN, svc, null, -1, null, null,
                        "alive weight " + svc.aliveWeight() + " below quorum " + svc.cfg.quorum() + " at start");
                hook(svc, svc.cfg.quorumDownHook(), "quorum_down");
            }
            settle(svc); // members as quorum and the sorry server allow, then the sorry server
        }
        for (Probe p : probes.values()) {
            timer.schedule(p.state.firstDelayNanos(random.getAsDouble()), p::run);
        }
    }

    /** Whether the monitor currently considers that real server of that service up (thread-safe). */
    public boolean isUp(ServiceKey service, InetAddress address, int port) {
        Boolean b = upView.get(key(service, address, port));
        Preconditions.checkArgument(b != null, "realServer", address.getHostAddress() + ":" + port,
                "a real server of a monitored service " + service);
        return b;
    }

    /** How many distinct checks run (identical checks of several services count once). */
    public int distinctChecks() {
        return probes.size();
    }

    /** Stops scheduling; checks in flight finish unheeded. Closes the runtime if the monitor made it. */
    @Override
    public void close() {
        closed = true;
        if (ownedRuntime != null) {
            ownedRuntime.close();
        }
    }

    private static String key(ServiceKey s, InetAddress a, int port) {
        return s + " " + io.lvs4j.internal.Addresses.endpoint(a, port);
    }

    // ---- on the monitor thread from here ----

    private void emit(HealthEvent.Type type, Svc svc, RealServer rs, int weight, CheckResult cause, String checker,
            String detail) {
        HealthEvent e = new HealthEvent(++sequence, ticker.nanos(), type, svc.cfg.service().key(), rs, weight, cause,
                checker, detail);
        if (type == HealthEvent.Type.ACTION_FAILED) {
            LOG.warn("{}", e);
        } else {
            LOG.info("{}", e);
        }
        for (HealthListener l : listeners) {
            try {
                l.onEvent(e);
            } catch (RuntimeException ex) {
                LOG.warn("health listener threw on {}", e, ex);
            }
        }
    }

    private void hook(Svc svc, Runnable hook, String name) {
        try {
            hook.run();
        } catch (RuntimeException e) {
            emit(HealthEvent.Type.ACTION_FAILED, svc, null, -1, null, null, name + " hook threw " + e);
        }
    }

    /** Brings the backend to the member's desired state; returns whether the weight there changed. */
    private boolean apply(Member m, HealthEvent.Type type, CheckResult cause, String checker) {
        int want = m.desiredWeight(ticker.nanos());
        ServiceKey key = m.svc.cfg.service().key();
        int before = m.applied;
        try {
            if (want < 0 && m.applied >= 0) {
                backend.removeRealServer(key, m.configured.address(), m.configured.port());
                m.applied = -1;
            } else if (want >= 0 && m.applied < 0) {
                backend.addRealServer(key, m.configured.withWeight(want));
                m.applied = want;
            } else if (want >= 0 && want != m.applied) {
                backend.updateRealServer(key, m.configured.withWeight(want));
                m.applied = want;
            }
        } catch (BackendException | RuntimeException e) {
            emit(HealthEvent.Type.ACTION_FAILED, m.svc, m.configured, m.applied, cause, checker,
                    "setting weight " + want + " failed: " + e.getMessage());
        }
        if (type != null) {
            emit(type, m.svc, m.configured, m.applied, cause, checker, type == HealthEvent.Type.WEIGHT_CHANGED
                    ? "weight " + before + " -> " + m.applied
                    : (cause == null ? "" : cause.toString()) + (checker == null ? "" : " by " + checker));
        } else if (before != m.applied && started && cause == null && m.applied >= 0 && before >= 0) {
            emit(HealthEvent.Type.WEIGHT_CHANGED, m.svc, m.configured, m.applied, null, null,
                    (m.rampPending(ticker.nanos()) || m.slowStartNanos > 0 ? "slow start weight " : "weight ") + before
                            + " -> " + m.applied);
        }
        if (m.rampPending(ticker.nanos())) {
            scheduleRamp(m);
        }
        return before != m.applied;
    }

    private void scheduleRamp(Member m) {
        if (m.rampScheduled) {
            return;
        }
        m.rampScheduled = true;
        timer.schedule(Math.max(1_000_000L, m.slowStartNanos / 10), () -> {
            m.rampScheduled = false;
            if (!closed && m.up && !m.retired) {
                apply(m, null, null, null);
            }
        });
    }

    private void quorum(Svc svc) {
        boolean wasServing = svc.sorryServing();
        long alive = svc.aliveWeight();
        int q = svc.cfg.quorum();
        int h = svc.cfg.hysteresis();
        if (!svc.quorumUp && alive >= (long) q + h) {
            svc.quorumUp = true;
            emit(HealthEvent.Type.QUORUM_UP, svc, null, -1, null, null, "alive weight " + alive + " >= quorum " + q
                    + " + hysteresis " + h);
            hook(svc, svc.cfg.quorumUpHook(), "quorum_up");
        } else if (svc.quorumUp && alive < (long) q - h) {
            svc.quorumUp = false;
            emit(HealthEvent.Type.QUORUM_DOWN, svc, null, -1, null, null, "alive weight " + alive + " < quorum " + q
                    + " - hysteresis " + h);
            hook(svc, svc.cfg.quorumDownHook(), "quorum_down");
        }
        if (svc.sorryServing() != wasServing) {
            settle(svc); // the members' wanted weights changed with it
        } else {
            sorry(svc);
        }
    }

    /**
     * Brings the members and the sorry server to what quorum wants, in keepalived's order: when
     * the sorry server takes over, the real servers leave first; when quorum is back, the sorry
     * server leaves (or drops to weight 0 with {@code sorry_server_inhibit}) before they return.
     */
    private void settle(Svc svc) {
        if (svc.sorryServing()) {
            applyAll(svc);
            sorry(svc);
        } else {
            sorry(svc);
            applyAll(svc);
        }
    }

    private void applyAll(Svc svc) {
        for (Member m : svc.members) {
            apply(m, null, null, null);
        }
    }

    private void sorry(Svc svc) {
        RealServer sorry = svc.cfg.sorryServer();
        if (sorry == null) {
            return;
        }
        ServiceKey key = svc.cfg.service().key();
        int want = !svc.quorumUp ? sorry.weight() : svc.cfg.sorryServerInhibit() ? 0 : -1;
        int before = svc.sorryApplied;
        if (want == before) {
            return;
        }
        try {
            if (want < 0) {
                backend.removeRealServer(key, sorry.address(), sorry.port());
            } else if (before < 0) {
                backend.addRealServer(key, sorry.withWeight(want));
            } else {
                backend.updateRealServer(key, sorry.withWeight(want));
            }
            svc.sorryApplied = want;
        } catch (BackendException | RuntimeException e) {
            emit(HealthEvent.Type.ACTION_FAILED, svc, sorry, before, null, null, "sorry server: " + e.getMessage());
            return;
        }
        if (!svc.quorumUp) {
            emit(HealthEvent.Type.SORRY_SERVER_ON, svc, sorry, want, null, null,
                    before == 0 ? "quorum lost (inhibited sorry server enabled)" : "quorum lost");
        } else if (before > 0) {
            emit(HealthEvent.Type.SORRY_SERVER_OFF, svc, sorry, want, null, null,
                    want == 0 ? "quorum regained (sorry server inhibited at weight 0)" : "quorum regained");
        }
    }

    private final class Probe {
        final Checker checker;
        final CheckPolicy policy;
        final ProbeState state;
        final List<Member> members = new ArrayList<>();
        long generation;
        boolean stopped;

        Probe(Checker checker, CheckPolicy policy) {
            this.checker = checker;
            this.policy = policy;
            this.state = new ProbeState(policy);
        }

        void run() {
            if (closed || stopped) {
                return;
            }
            long gen = ++generation;
            long start = ticker.nanos();
            CompletionStage<CheckResult> stage;
            try {
                stage = checker.check(context);
                if (stage == null) {
                    throw new NullPointerException("check returned null");
                }
            } catch (RuntimeException | Error e) {
                if (e instanceof VirtualMachineError) {
                    throw e;
                }
                done(gen, CheckResult.down(FailureReason.CHECKER_ERROR, "checker threw " + e,
                        Math.max(0, ticker.nanos() - start)));
                return;
            }
            timer.schedule(policy.watchdog().toNanos(), () -> done(gen, CheckResult.down(FailureReason.CHECKER_ERROR,
                    "no result within the watchdog " + policy.watchdog().toMillis() + " ms",
                    Math.max(0, ticker.nanos() - start))));
            stage.whenComplete((r, t) -> timer.execute(() -> done(gen, r != null ? r
                    : CheckResult.down(FailureReason.CHECKER_ERROR, "check failed with " + t,
                            Math.max(0, ticker.nanos() - start)))));
        }

        void done(long gen, CheckResult r) {
            if (gen != generation || closed || stopped) {
                return; // a late or duplicate completion, or a probe no service uses any more
            }
            generation++;
            int weightBefore = state.weight();
            ProbeState.State changed = state.record(r);
            boolean weightChanged = state.weight() != weightBefore;
            for (Member m : members) {
                m.changed(changed != null || weightChanged, r, checker.describe());
            }
            timer.schedule(state.nextDelayNanos(random.getAsDouble()), this::run);
        }
    }

    private final class Member {
        final Svc svc;
        final RealServer configured;
        final List<Probe> probes = new ArrayList<>();
        boolean up;
        int applied = -1;
        long upSince;
        long slowStartNanos;
        boolean rampScheduled;
        boolean retired; // replaced or removed by putService/removeService

        Member(Svc svc, RealServer configured) {
            this.svc = svc;
            this.configured = configured;
        }

        boolean computeUp() {
            for (Probe p : probes) {
                if (p.state.state() != ProbeState.State.UP) {
                    return false;
                }
            }
            return true;
        }

        /** The configured weight, or the last dynamic one a checker set. */
        int fullWeight() {
            int w = configured.weight();
            for (Probe p : probes) {
                if (p.state.weight() >= 0) {
                    w = p.state.weight();
                }
            }
            return w;
        }

        int desiredWeight(long now) {
            if (!up || svc.sorryServing()) { // while the sorry server serves, the real servers are out
                return svc.cfg.inhibitOnFailure(configured) ? 0 : -1;
            }
            int full = fullWeight();
            long since = now - upSince;
            if (slowStartNanos > 0 && since < slowStartNanos && full > 0) {
                return (int) Math.max(1, (long) full * since / slowStartNanos);
            }
            return full;
        }

        boolean rampPending(long now) {
            return up && slowStartNanos > 0 && now - upSince < slowStartNanos;
        }

        void changed(boolean maybe, CheckResult r, String checker) {
            if (!maybe || retired) {
                return;
            }
            boolean was = up;
            up = computeUp();
            if (up != was) {
                if (up) {
                    upSince = ticker.nanos();
                }
                upView.put(key(svc.cfg.service().key(), configured.address(), configured.port()), up);
                apply(this, up ? HealthEvent.Type.REAL_SERVER_UP : HealthEvent.Type.REAL_SERVER_DOWN, r, checker);
                quorum(svc);
            } else if (up && apply(this, null, r, checker)) {
                emit(HealthEvent.Type.WEIGHT_CHANGED, svc, configured, applied, r, checker, "dynamic weight " + applied);
                quorum(svc);
            }
        }
    }

    private static final class Svc {
        final ServiceHealth cfg;
        final List<Member> members = new ArrayList<>();
        boolean quorumUp = true;
        int sorryApplied = -1; // the sorry server's weight in the backend, -1 when not there

        Svc(ServiceHealth cfg) {
            this.cfg = cfg;
        }

        /** Whether the sorry server takes the traffic: quorum is lost and there is one. */
        boolean sorryServing() {
            return !quorumUp && cfg.sorryServer() != null;
        }

        Member member(InetAddress address, int port) {
            for (Member m : members) {
                if (m.configured.port() == port && m.configured.address().equals(address)) {
                    return m;
                }
            }
            return null;
        }

        long aliveWeight() {
            long sum = 0;
            for (Member m : members) {
                if (m.up) {
                    sum += m.fullWeight();
                }
            }
            return sum;
        }
    }

    /** Builds a {@link HealthMonitor}. */
    public static final class Builder {
        private CheckContext context;
        private Scheduler scheduler;
        private DoubleSupplier random;
        private DirectorBackend backend;
        private final List<HealthListener> listeners = new ArrayList<>();
        private final List<ServiceHealth> services = new ArrayList<>();

        private Builder() {}

        /** The runtime to share (e.g. one {@link CheckRuntime} for several monitors); else the monitor makes one. */
        public Builder runtime(CheckContext context) {
            this.context = Preconditions.checkNotNull(context, "runtime");
            return this;
        }

        /**
         * The thread, timers and clock the monitor runs on and decides state and latencies by
         * (default: one executor of the runtime's event loop and the runtime's ticker). Checks still
         * run on the runtime; their results are handled on this scheduler.
         */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Preconditions.checkNotNull(scheduler, "scheduler");
            return this;
        }

        /** Draws warmup and jitter, in [0, 1); tests make it deterministic. */
        public Builder random(DoubleSupplier random) {
            this.random = Preconditions.checkNotNull(random, "random");
            return this;
        }

        public Builder backend(DirectorBackend backend) {
            this.backend = Preconditions.checkNotNull(backend, "backend");
            return this;
        }

        public Builder listener(HealthListener listener) {
            listeners.add(Preconditions.checkNotNull(listener, "listener"));
            return this;
        }

        public Builder service(ServiceHealth service) {
            Preconditions.checkNotNull(service, "service");
            for (ServiceHealth s : services) {
                Preconditions.checkArgument(!s.service().key().equals(service.service().key()), "service",
                        service.service().key().toString(), "each service once");
            }
            services.add(service);
            return this;
        }

        public HealthMonitor build() {
            Preconditions.checkState(backend != null, "backend", null, "a DirectorBackend");
            return new HealthMonitor(this);
        }
    }
}
