package io.lvs4j.health;

import io.lvs4j.internal.FatalErrors;
import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.ScriptPolicy;
import io.lvs4j.internal.ExecutorScheduler;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.time.Scheduler;
import io.lvs4j.time.Ticker;
import io.lvs4j.time.VirtualClock;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the checks of many services and publishes what they mean as a {@link HealthView}: each
 * real server up or down with the weight it should have in its service's table, and each
 * service's quorum with its sorry server. It changes no table itself: a director derives its
 * table from the view ({@link ServiceView#inService()}).
 *
 * <p>All scheduling and state live on one thread, the monitor's {@link Scheduler}: no thread per
 * check. After each change the monitor makes a new view and hands it to its listeners with the
 * {@link HealthEvent}s of the change, in order. A checker shared by several real servers (equal
 * checker and equal policy, e.g. the same real server in two services) runs once and feeds all of
 * them. A checker that throws, completes exceptionally or outlives its watchdog counts as a failed
 * check with {@link FailureReason#CHECKER_ERROR}; the monitor goes on.
 *
 * <p>What the view wants, as keepalived does: a real server that goes down is out of its service,
 * or kept with weight 0 with {@code inhibit_on_failure}; when it comes back it has its configured
 * weight (or the dynamic weight its checkers set), ramped over the policy's slow start. Quorum with
 * hysteresis calls the service's hooks and switches its sorry server. While the sorry server serves
 * (quorum lost) the real servers are out of the service (inhibited ones at weight 0) and come back
 * when quorum is regained; with {@code sorry_server_inhibit} the sorry server stays in at weight 0
 * while quorum is met.
 *
 * <p><b>On a {@link VirtualClock}</b> real checks (TCP, HTTP, ...) work: the clock does not move
 * past a check's start until its result is in ({@link Scheduler#hold}), so results land at the
 * virtual time the check started, whatever the real network's latency. The clock waits at most the
 * policy's watchdog in real time; a check still running then counts as failed and is reported with
 * a {@link HealthEvent.Type#CHECK_LATE} event. A check that starts at the very time an advance of
 * the clock ends may still run when the advance returns (the clock has not moved past it); its
 * result comes in at that time when the clock next runs.
 */
public final class HealthMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);
    private Probe reporting; // the probe whose result is being recorded (on the monitor's thread)

    private final CheckContext context;
    private final CheckRuntime ownedRuntime;
    private final MonitorScripts scripts;

    private interface MonitorContext extends CheckContext, MonitorScripts.Context, PingChecker.Context {}
    private final Scheduler timer;
    private final Ticker ticker;
    private final DoubleSupplier random;
    private final List<HealthListener> listeners;
    private final List<CheckListener> checkListeners;
    private final List<Svc> services = new ArrayList<>();
    private final Map<Object, Probe> probes = new LinkedHashMap<>();
    private long sequence;
    private volatile boolean closed;
    private boolean started;

    // the view, made after each change (on the monitor's thread)
    private final List<HealthEvent> pendingEvents = new ArrayList<>();
    private boolean anyDirty;
    private boolean servicesChanged;
    private int depth;
    private boolean publishing;
    private long version;
    private volatile HealthView view = HealthView.EMPTY;
    private final EventLoopHeartbeat heartbeat; // liveness for a watchdog (issue 13)

    private HealthMonitor(Builder b) {
        this.ownedRuntime = b.context == null ? CheckRuntime.create() : null;
        CheckContext base = b.context == null ? ownedRuntime : b.context;
        this.ticker = b.scheduler == null ? base.ticker() : b.scheduler;
        MonitorScripts scripts = new MonitorScripts(b.scriptPolicy, b.namespace);
        this.scripts = scripts;
        String namespace = b.namespace;
        this.context = new MonitorContext() {
            @Override
            public MonitorScripts scripts() {
                return scripts;
            }

            @Override
            public String namespace() {
                return namespace;
            }

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
        if (b.scheduler == null) {
            EventExecutor loop = base.eventLoop().next();
            this.timer = new ExecutorScheduler(loop, loop::inEventLoop, "health monitor");
        } else {
            this.timer = b.scheduler;
        }
        this.heartbeat = new EventLoopHeartbeat(base.eventLoop());
        this.random = b.random == null ? new SplittableRandom()::nextDouble : b.random;
        this.listeners = List.copyOf(b.listeners);
        this.checkListeners = List.copyOf(b.checkListeners);
        for (ServiceHealth sh : b.services) {
            services.add(newSvc(sh, null));
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The last published view: what health wants for every service now (thread-safe). Before
     * {@link #start()} has run, {@link HealthView#EMPTY}.
     */
    public HealthView view() {
        return view;
    }

    /**
     * Adds a service, or replaces the one with the same key, while the monitor runs. A real server
     * whose settings and checks (checker and policy) are unchanged keeps its state: up or down, its
     * rise/fall counts, its weight; its checks go on without a restart. A changed real server is
     * re-evaluated (e.g. a new configured weight is wanted at once, without a health event), a new
     * one starts as the monitor starts them (up unless its policy says alpha), a dropped one leaves
     * the view. Quorum and the sorry server are re-evaluated. Runs on the monitor's thread: at once
     * when called there ({@link Scheduler#inSchedulerThread()}, and the view is published before it
     * returns), else queued.
     */
    public void putService(ServiceHealth service) {
        Preconditions.checkNotNull(service, "service");
        onLoop(() -> putOnLoop(service));
    }

    /**
     * Removes a service while the monitor runs: it leaves the view, and checks no other service
     * shares stop. Unknown keys are ignored. Runs on the monitor's thread like {@link #putService}.
     */
    public void removeService(ServiceKey key) {
        Preconditions.checkNotNull(key, "service key");
        onLoop(() -> removeOnLoop(key));
    }

    /**
     * Makes the first view (every real server up, unless its policy says alpha, and quorum as that
     * gives) and schedules every check (within its warmup). Runs on the monitor's thread: at once
     * when called there, else queued.
     */
    public HealthMonitor start() {
        onLoop(this::startOnLoop);
        heartbeat.start();
        return this;
    }

    /**
     * A count that goes up about every 200 ms, from {@link #start()} until {@link #close()}, while
     * every thread of the checks' event loop (the runtime's, where checks do their I/O) takes
     * tasks; it stops when one of them is stuck. Cheap (a volatile read): a watchdog compares two
     * readings. The monitor's own scheduler is not covered when it is another one (a director's
     * loop has its own heartbeat).
     */
    public long heartbeat() {
        return heartbeat.count();
    }

    /** How many distinct checks run (identical checks of several services count once). */
    public int distinctChecks() {
        return probes.size();
    }

    /**
     * Takes a new script policy (a reload's {@code script_user}, {@code enable_script_security}):
     * each MISC_CHECK run from now on is checked again under it, once, and runs as it says; runs
     * in flight finish as they are.
     */
    public void scriptPolicy(ScriptPolicy policy) {
        scripts.runner().policy(Preconditions.checkNotNull(policy, "script policy"));
    }

    /** Stops scheduling; checks in flight finish unheeded. Closes the runtime if the monitor made it. */
    @Override
    public void close() {
        closed = true;
        heartbeat.stop();
        scripts.close(); // every MISC_CHECK still running is killed with its process group
        if (ownedRuntime != null) {
            ownedRuntime.close();
        }
    }

    // ---- on the monitor's thread from here ----

    private void onLoop(Runnable r) {
        if (timer.inSchedulerThread()) {
            task(r);
        } else {
            timer.execute(() -> task(r));
        }
    }

    /** Runs one change; the outermost one publishes the view when it ends. */
    private void task(Runnable r) {
        depth++;
        try {
            r.run();
        } finally {
            depth--;
        }
        if (depth == 0) {
            publish();
        }
    }

    private void schedule(long delayNanos, Runnable r) {
        timer.schedule(delayNanos, () -> task(r));
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
        for (ServiceHealth.RealServerCheck c : sh.checks()) {
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

    private int indexOf(ServiceKey key) {
        for (int i = 0; i < services.size(); i++) {
            if (services.get(i).cfg.service().key().equals(key)) {
                return i;
            }
        }
        return -1;
    }

    private void startOnLoop() {
        if (started || closed) {
            return;
        }
        started = true;
        servicesChanged = true;
        long now = ticker.nanos();
        for (Svc svc : services) {
            dirty(svc);
            for (Member m : svc.members) {
                m.up = m.computeUp();
                m.upSince = now - m.slowStartNanos; // initial members start at full weight
            }
            // keepalived (set_quorum_states): up at start only with quorum + hysteresis
            svc.quorumUp = svc.aliveWeight() >= (long) svc.cfg.quorum() + svc.cfg.hysteresis();
            if (!svc.quorumUp) {
                emit(HealthEvent.Type.QUORUM_DOWN, svc, null, -1, null, null,
                        "alive weight " + svc.aliveWeight() + " below quorum " + svc.cfg.quorum() + " + hysteresis "
                                + svc.cfg.hysteresis() + " at start");
                hook(svc, svc.cfg.quorumDownHook(), "quorum_down");
            }
            settle(svc); // members as quorum and the sorry server allow, then the sorry server
            beginSettle(svc);
        }
        for (Probe p : probes.values()) {
            schedule(p.state.firstDelayNanos(random.getAsDouble()), p::run);
        }
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
                m.wanted = before.wanted;
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
        servicesChanged = true;
        if (old != null) {
            for (Member m : old.members) {
                if (svc.member(m.configured.address(), m.configured.port()) == null) {
                    m.retired = true; // leaves the view with its service's old snapshot
                }
            }
            svc.quorumUp = old.quorumUp;
            if (Objects.equals(old.cfg.sorryServer(), sh.sorryServer())) {
                svc.sorryWanted = old.sorryWanted;
            }
            services.set(at, svc);
        } else {
            services.add(svc);
        }
        if (!started) {
            return; // start() makes the first view and schedules everything
        }
        if (old == null || old.settling) {
            beginSettle(svc);
        }
        if (old == null) {
            svc.quorumUp = svc.aliveWeight() >= sh.quorum(); // before the members go in: a lost quorum keeps them out
        }
        for (Member m : svc.members) {
            Member before = old == null ? null : old.member(m.configured.address(), m.configured.port());
            if (before != null && before.up != m.up) { // its checks were replaced: up or down as the new ones start
                apply(m, m.up ? HealthEvent.Type.REAL_SERVER_UP : HealthEvent.Type.REAL_SERVER_DOWN, null,
                        "new checks", false);
            } else {
                apply(m, null, null, null, false); // a configured weight that changed is no health event
            }
        }
        quorum(svc);
        for (Probe p : created) {
            schedule(p.state.firstDelayNanos(random.getAsDouble()), p::run);
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
        }
        servicesChanged = true;
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

    private void dirty(Svc svc) {
        svc.dirty = true;
        anyDirty = true;
    }

    /** Makes the new view and hands it to the listeners with the events since the last one. */
    private void publish() {
        if (publishing || !started) {
            return;
        }
        publishing = true;
        try {
            while (anyDirty || servicesChanged || !pendingEvents.isEmpty()) {
                ServiceView[] all = new ServiceView[services.size()];
                for (int i = 0; i < all.length; i++) {
                    Svc s = services.get(i);
                    if (s.dirty || s.snapshot == null) {
                        s.snapshot = s.snapshot();
                        s.dirty = false;
                    }
                    all[i] = s.snapshot;
                }
                anyDirty = false;
                servicesChanged = false;
                HealthView v = new HealthView(++version, ticker.nanos(), all);
                view = v;
                List<HealthEvent> events = List.copyOf(pendingEvents);
                pendingEvents.clear();
                for (HealthListener l : listeners) {
                    try {
                        l.onChange(v, events);
                    } catch (RuntimeException ex) {
                        LOG.warn("health listener threw on view {} with {}", v.version(), events, ex);
                    }
                }
            }
        } finally {
            publishing = false;
        }
    }

    private void emit(HealthEvent.Type type, Svc svc, RealServer rs, int weight, CheckResult cause, String checker,
            String detail) {
        HealthEvent e = new HealthEvent(++sequence, ticker.nanos(), type, svc.cfg.service().key(), rs, weight, cause,
                checker, detail);
        if (type == HealthEvent.Type.ACTION_FAILED || type == HealthEvent.Type.CHECK_LATE) {
            LOG.warn("{}", e);
        } else {
            LOG.info("{}", e);
        }
        pendingEvents.add(e);
        dirty(svc);
    }

    private void hook(Svc svc, Runnable hook, String name) {
        try {
            hook.run();
        } catch (RuntimeException e) {
            emit(HealthEvent.Type.ACTION_FAILED, svc, null, -1, null, null, name + " hook threw " + e);
        }
    }

    /**
     * Brings the member's wanted weight to what its state asks; returns whether it changed. With
     * {@code healthChange} false the change comes from configuration and is no event.
     */
    private boolean apply(Member m, HealthEvent.Type type, CheckResult cause, String checker) {
        return apply(m, type, cause, checker, true);
    }

    private boolean apply(Member m, HealthEvent.Type type, CheckResult cause, String checker, boolean healthChange) {
        int want = m.desiredWeight(ticker.nanos());
        int before = m.wanted;
        if (want != before) {
            m.wanted = want;
            dirty(m.svc);
        }
        if (type != null) {
            emit(type, m.svc, m.configured, m.wanted, cause, checker, type == HealthEvent.Type.WEIGHT_CHANGED
                    ? "weight " + before + " -> " + m.wanted
                    : (cause == null ? "" : cause.toString()) + (checker == null ? "" : " by " + checker));
        } else if (healthChange && before != m.wanted && started && cause == null && m.wanted >= 0 && before >= 0) {
            emit(HealthEvent.Type.WEIGHT_CHANGED, m.svc, m.configured, m.wanted, null, null,
                    (m.rampPending(ticker.nanos()) || m.slowStartNanos > 0 ? "slow start weight " : "weight ") + before
                            + " -> " + m.wanted);
        }
        if (m.rampPending(ticker.nanos())) {
            scheduleRamp(m);
        }
        return before != m.wanted;
    }

    private void scheduleRamp(Member m) {
        if (m.rampScheduled) {
            return;
        }
        m.rampScheduled = true;
        schedule(Math.max(1_000_000L, m.slowStartNanos / 10), () -> {
            m.rampScheduled = false;
            if (!closed && m.up && !m.retired) {
                apply(m, null, null, null);
            }
        });
    }

    /**
     * The service settles: {@link ServiceView#settled()} is false until every probe of its members
     * has a result recorded after now (the one being recorded counts), or until the limit: for
     * each probe, the longest wait until its next check (its warmup or its interval with the
     * jitter, whichever is longer) plus one interval for the check itself; the longest of these.
     */
    private void beginSettle(Svc svc) {
        svc.settling = true;
        svc.unreported.clear();
        long limit = 0;
        for (Member m : svc.members) {
            for (Probe p : m.probes) {
                if (p != reporting) {
                    svc.unreported.add(p);
                }
                CheckPolicy c = p.policy;
                long wait = Math.max(c.warmup().toNanos(), (long) (c.interval().toNanos() * (1 + c.jitter())));
                limit = Math.max(limit, wait + c.interval().toNanos());
            }
        }
        dirty(svc);
        if (svc.unreported.isEmpty()) {
            svc.settling = false;
            return;
        }
        long epoch = ++svc.settleEpoch;
        long ms = limit / 1_000_000;
        schedule(limit, () -> {
            if (svc.settling && svc.settleEpoch == epoch && services.contains(svc)) {
                LOG.info("{}: settled after {} ms without a result from every check", svc.cfg.service().key(), ms);
                svc.settling = false;
                svc.unreported.clear();
                dirty(svc);
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
            beginSettle(svc); // back from a loss: the others' next results before it counts as settled
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
     * Brings the members and the sorry server to what quorum wants, in keepalived's order (which the
     * events follow): when the sorry server takes over, the real servers leave first; when quorum
     * is back, the sorry server leaves (or drops to weight 0 with {@code sorry_server_inhibit})
     * before they return.
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
        int want = !svc.quorumUp ? sorry.weight() : svc.cfg.sorryServerInhibit() ? 0 : -1;
        int before = svc.sorryWanted;
        if (want == before) {
            return;
        }
        svc.sorryWanted = want;
        dirty(svc);
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
        final String kind;
        long generation;
        boolean stopped;

        Probe(Checker checker, CheckPolicy policy) {
            this.checker = checker;
            this.policy = policy;
            this.state = new ProbeState(policy);
            String d = String.valueOf(checker.describe()).strip();
            this.kind = d.isEmpty() ? "UNKNOWN" : d.split("\\s+", 2)[0];
        }

        void run() {
            if (closed || stopped) {
                return;
            }
            long gen = ++generation;
            long start = ticker.nanos();
            // on a virtual clock: time stays at the start until the result is in (at most the
            // watchdog in real time); a real-time scheduler holds nothing
            Scheduler.Hold hold = timer.hold(0, policy.watchdog(), () -> task(() -> late(gen, start)));
            CompletionStage<CheckResult> stage;
            try {
                stage = checker.check(context);
                if (stage == null) {
                    throw new NullPointerException("check returned null");
                }
            } catch (RuntimeException | Error e) {
                hold.release();
                if (e instanceof VirtualMachineError) {
                    throw e;
                }
                done(gen, CheckResult.down(FailureReason.CHECKER_ERROR, "checker threw " + e,
                        Math.max(0, ticker.nanos() - start)));
                return;
            }
            Scheduler.Timer watchdog = timer.schedule(policy.watchdog().toNanos(), () -> task(() -> done(gen,
                    CheckResult.down(FailureReason.CHECKER_ERROR, "no result within the watchdog "
                            + policy.watchdog().toMillis() + " ms", Math.max(0, ticker.nanos() - start)))));
            stage.whenComplete(FatalErrors.guard((CheckResult r, Throwable t) -> {
                // a checker whose own callback ran out of memory fails its stage with the error:
                // the JVM failed, not the real server
                FatalErrors.report(t);
                timer.execute(() -> task(() -> {
                    watchdog.cancel();
                    done(gen, r != null ? r : CheckResult.down(FailureReason.CHECKER_ERROR, "check failed with " + t,
                            Math.max(0, ticker.nanos() - start)));
                }));
                hold.release(); // after the result is handed over: the clock takes it in before it moves on
            }));
        }

        /** The clock could wait no longer for this check (see {@link HealthMonitor}): a failed check, reported. */
        void late(long gen, long start) {
            if (gen != generation || closed || stopped) {
                return;
            }
            CheckResult r = CheckResult.down(FailureReason.CHECKER_ERROR, "no result within the watchdog "
                    + policy.watchdog().toMillis() + " ms of real time; the virtual clock went on without it",
                    Math.max(0, ticker.nanos() - start));
            for (Member m : members) {
                if (!m.retired) {
                    emit(HealthEvent.Type.CHECK_LATE, m.svc, m.configured, m.wanted, r, checker.describe(),
                            checker.describe() + " still running at virtual time " + start + " after "
                                    + policy.watchdog().toMillis() + " ms of real time");
                }
            }
            done(gen, r);
        }

        void done(long gen, CheckResult r) {
            if (gen != generation || closed || stopped) {
                return; // a late or duplicate completion, or a probe no service uses any more
            }
            generation++;
            for (CheckListener l : checkListeners) {
                try {
                    l.onCheck(kind, r);
                } catch (RuntimeException e) {
                    LOG.warn("check listener threw on {} {}", kind, r, e);
                }
            }
            int weightBefore = state.weight();
            ProbeState.State changed = state.record(r);
            reporting = this; // a service whose quorum returns with this result counts it as reported
            boolean weightChanged = state.weight() != weightBefore;
            for (Member m : members) {
                m.changed(changed != null || weightChanged, r, checker.describe());
            }
            reporting = null;
            for (Member m : members) {
                Svc svc = m.svc;
                if (!m.retired && svc.settling && svc.unreported.remove(this) && svc.unreported.isEmpty()) {
                    svc.settling = false;
                    dirty(svc);
                }
            }
            schedule(state.nextDelayNanos(random.getAsDouble()), this::run);
        }
    }

    private final class Member {
        final Svc svc;
        final RealServer configured;
        final List<Probe> probes = new ArrayList<>();
        boolean up;
        int wanted = -1; // the weight health wants for it; -1: out of the service
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
            dirty(svc); // a dynamic weight shows in the view even while down
            boolean was = up;
            up = computeUp();
            if (up != was) {
                if (up) {
                    upSince = ticker.nanos();
                }
                apply(this, up ? HealthEvent.Type.REAL_SERVER_UP : HealthEvent.Type.REAL_SERVER_DOWN, r, checker);
                quorum(svc);
            } else if (up && apply(this, null, r, checker)) {
                emit(HealthEvent.Type.WEIGHT_CHANGED, svc, configured, wanted, r, checker, "dynamic weight " + wanted);
                quorum(svc);
            }
        }

        RealServerView view() {
            boolean inhibited = wanted >= 0 && (!up || svc.sorryServing());
            return new RealServerView(configured, up, !probes.isEmpty(), wanted, fullWeight(), inhibited);
        }
    }

    private static final class Svc {
        final ServiceHealth cfg;
        final List<Member> members = new ArrayList<>();
        boolean quorumUp = true;
        boolean settling; // see ServiceView#settled(): waiting for a result of every probe since settleFrom
        final java.util.Set<Probe> unreported = new java.util.HashSet<>(); // while settling
        long settleEpoch;
        int sorryWanted = -1; // the weight health wants for the sorry server; -1: out
        boolean dirty = true;
        ServiceView snapshot;

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

        ServiceView snapshot() {
            List<RealServerView> rs = new ArrayList<>(members.size());
            for (Member m : members) {
                rs.add(m.view());
            }
            RealServer sorry = cfg.sorryServer();
            RealServerView sv = sorry == null ? null : new RealServerView(sorry, true, false, sorryWanted, sorry.weight(),
                    sorryWanted == 0 && quorumUp);
            return new ServiceView(cfg.service().key(), rs, sv, quorumUp, aliveWeight(), cfg.quorum(), cfg.hysteresis(),
                    cfg.sorryServerInhibit(), !settling);
        }
    }

    /** Builds a {@link HealthMonitor}. */
    public static final class Builder {
        private CheckContext context;
        private Scheduler scheduler;
        private DoubleSupplier random;
        private final List<HealthListener> listeners = new ArrayList<>();
        private final List<CheckListener> checkListeners = new ArrayList<>();
        private final List<ServiceHealth> services = new ArrayList<>();
        private final java.util.Set<io.lvs4j.ServiceKey> keys = new java.util.HashSet<>();
        private ScriptPolicy scriptPolicy = ScriptPolicy.defaults();
        private String namespace;

        private Builder() {}

        /**
         * How MISC_CHECK programs run: the user they run as unless they name one, and script
         * security ({@link ScriptPolicy}); keepalived's defaults unless given.
         */
        public Builder scriptPolicy(ScriptPolicy policy) {
            this.scriptPolicy = Preconditions.checkNotNull(policy, "script policy");
            return this;
        }

        /**
         * MISC_CHECK programs run, and PING_CHECK's ICMP sockets are opened, in the network
         * namespace {@code /run/netns/NAME} (default: this process's). The other checks' sockets
         * belong to the namespace of the runtime's threads ({@link CheckRuntime#create(int, Runnable)}).
         */
        public Builder namespace(String netns) {
            Preconditions.checkNotNull(netns, "netns");
            Preconditions.checkArgument(!netns.isEmpty() && !netns.contains("/"), "netns", netns, "a namespace name");
            this.namespace = netns;
            return this;
        }

        /** The runtime to share (e.g. one {@link CheckRuntime} for several monitors); else the monitor makes one. */
        public Builder runtime(CheckContext context) {
            this.context = Preconditions.checkNotNull(context, "runtime");
            return this;
        }

        /**
         * The thread, timers and clock the monitor runs on and decides state and latencies by
         * (default: one executor of the runtime's event loop and the runtime's ticker). Checks still
         * run on the runtime; their results are handled on this scheduler. On a {@link VirtualClock}
         * real checks keep pace with virtual time (see {@link HealthMonitor}).
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

        /** Receives each new view with its events (repeatable). */
        public Builder listener(HealthListener listener) {
            listeners.add(Preconditions.checkNotNull(listener, "listener"));
            return this;
        }

        /** Receives every completed check's result (repeatable). */
        public Builder checkListener(CheckListener listener) {
            checkListeners.add(Preconditions.checkNotNull(listener, "check listener"));
            return this;
        }

        /** A service to watch (repeatable, each key once). */
        public Builder service(ServiceHealth service) {
            Preconditions.checkNotNull(service, "service");
            // a set, not a scan of the list: 10,000 services took seconds (issue 15)
            if (!keys.add(service.service().key())) {
                throw Preconditions.invalid("service", service.service().key().toString(), "each service once");
            }
            services.add(service);
            return this;
        }

        public HealthMonitor build() {
            return new HealthMonitor(this);
        }
    }
}
