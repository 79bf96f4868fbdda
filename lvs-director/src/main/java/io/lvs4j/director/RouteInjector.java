package io.lvs4j.director;

import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.bgp.BgpSession;
import io.lvs4j.bgp.BgpSpeaker;
import io.lvs4j.health.HealthView;
import io.lvs4j.health.RealServerView;
import io.lvs4j.health.ServiceView;
import io.lvs4j.internal.Addresses;
import io.lvs4j.netlink.InterfaceAddress;
import io.lvs4j.netlink.InterfaceException;
import io.lvs4j.netlink.Rtnetlink;
import io.lvs4j.time.Scheduler;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Route health injection at work, on the director's thread: from the configured services and the
 * health view the addresses to announce (desired), the difference to what is announced, and the
 * speaker (and the device) brought to it. Without settings (no {@code bgp_speaker}) it does
 * nothing; a reload may give it settings, change them or take them away ({@link #plan},
 * {@link #reconfigure}).
 */
final class RouteInjector {
    private static final Logger LOG = LoggerFactory.getLogger(RouteInjector.class);

    /** What the director is told of a change: announced, withdrawn, and failures. */
    interface Sink {
        void routes(List<InetAddress> announced, List<InetAddress> withdrawn);

        void failure(String operation, Exception e);
    }

    private final boolean kernelTable;
    private final String netns;
    /** The settings, or null: no route health injection (then no speaker either). */
    private volatile RouteHealthInjection settings;
    private volatile BgpSpeaker speaker;
    private volatile boolean onDevice;
    private boolean started;
    /** The device the addresses in {@link #onDeviceNow} are on (the settings' at the time). */
    private String device = RouteHealthInjection.DEFAULT_DEVICE;
    private final Sink sink;
    private final Set<InetAddress> announced = new LinkedHashSet<>();
    private final Set<InetAddress> onDeviceNow = new LinkedHashSet<>();
    private Rtnetlink rt;
    private volatile boolean stopping;
    private volatile List<InetAddress> announcedView = List.of();
    /** The director's loop: the time, and a timer when a partial table's delay ends. */
    private final Scheduler loop;
    /** Run on the loop when a partial table's delay ends: the director's {@link #update} with its view then. */
    private final Runnable again;
    /** Services not announced yet whose settled table lacks some real servers: since when it holds, and what. */
    private final Map<ServiceKey, Partial> partial = new HashMap<>();

    /** A partial table (the real servers up, in order) seen unchanged since {@code sinceNanos}. */
    private record Partial(long sinceNanos, List<RealServer> table) {
    }

    /** {@code settings} null: none (until a reload brings some). */
    RouteInjector(RouteHealthInjection settings, boolean kernelTable, String netns, Scheduler loop, Runnable again,
            Sink sink) {
        this.kernelTable = kernelTable;
        this.netns = netns;
        this.loop = loop;
        this.again = again;
        this.sink = sink;
        if (settings != null) {
            this.settings = settings;
            this.onDevice = settings.addressOnDevice().orElse(kernelTable);
            this.device = settings.device();
            this.speaker = speakerOf(settings);
        }
    }

    /** A speaker (not started) with these settings, in the director's namespace unless they name one. */
    private BgpSpeaker speakerOf(RouteHealthInjection s) {
        BgpSpeaker.Builder b = s.speaker().toBuilder();
        if (netns != null) {
            b.networkNamespace(netns); // the director's namespace: where its addresses and its routers are
        }
        return b.build();
    }

    /** The settings now, or null. */
    RouteHealthInjection settings() {
        return settings;
    }

    /** Whether announced addresses go on the settings' device (false without settings). */
    boolean onDevice() {
        return settings != null && onDevice;
    }

    /** Starts the speaker (listener bound, neighbours dialled); nothing is announced yet. */
    void start() throws InterfaceException {
        started = true;
        if (speaker != null) {
            speaker.start();
        }
    }

    /** What a reload does to route health injection: worked out before anything changes. */
    enum Change { NONE, ADD, REMOVE, RECONFIGURE, RESTART }

    /** A reload's plan: the new settings, their speaker (not started; null without settings), the change. */
    record Plan(RouteHealthInjection next, BgpSpeaker speaker, Change change) {}

    /**
     * The change to {@code next} (null: none), from any thread, before anything changes: the new
     * speaker is built (and its settings checked) here. The settings' other parts (device,
     * announce lists, drain) change along.
     */
    Plan plan(RouteHealthInjection next) {
        RouteHealthInjection now = settings;
        if (java.util.Objects.equals(now, next)) {
            return new Plan(next, null, Change.NONE);
        }
        if (next == null) {
            return new Plan(null, null, Change.REMOVE);
        }
        BgpSpeaker s = speakerOf(next);
        BgpSpeaker running = speaker;
        if (now == null || running == null) {
            return new Plan(next, s, Change.ADD);
        }
        return new Plan(next, s, running.reconfigurable(s) ? Change.RECONFIGURE : Change.RESTART);
    }

    /**
     * On the director's thread, during a reload: route health injection brought to the plan. Added:
     * the speaker starts, the routes follow the next update. Removed: every route withdrawn (and
     * off the device), then the speaker's graceful shutdown. Changed: the running speaker
     * {@linkplain BgpSpeaker#reconfigure reconfigured} (sessions of unchanged neighbours stay), or,
     * when its listener changes, every route withdrawn and a new speaker started. A device that
     * changes: every route withdrawn from the old one first. Failures are reported: a TCP MD5 key
     * refused leaves the running settings as they were; after a failed start (a port in use)
     * route health injection is off. A later reload tries again.
     */
    void reconfigure(Plan plan) {
        RouteHealthInjection now = settings;
        switch (plan.change()) {
            case NONE -> {
                return;
            }
            case REMOVE -> {
                apply(Set.of());
                BgpSpeaker s = speaker;
                settings = null;
                speaker = null;
                if (s != null) {
                    s.shutdown(java.time.Duration.ZERO); // routes withdrawn, Cease; not waited for
                }
                LOG.info("route health injection: bgp_speaker removed, its routes withdrawn");
            }
            case ADD -> begin(plan);
            case RECONFIGURE -> {
                try {
                    speaker.reconfigure(plan.speaker());
                } catch (InterfaceException | RuntimeException e) {
                    // the speaker changed nothing: neither does the rest (a later reload tries again)
                    sink.failure("bgp_speaker (the running settings are kept)", e);
                    return;
                }
                if (!now.device().equals(plan.next().device())
                        || onDevice != plan.next().addressOnDevice().orElse(kernelTable)) {
                    apply(Set.of()); // off the old device: the next update announces them from the new one
                }
                settings = plan.next();
                onDevice = plan.next().addressOnDevice().orElse(kernelTable);
                device = plan.next().device();
            }
            case RESTART -> {
                apply(Set.of());
                BgpSpeaker s = speaker;
                speaker = null;
                s.close(); // its listener closed: the new one may take the port
                begin(plan);
            }
            default -> throw new IllegalStateException(plan.change().toString());
        }
    }

    /** Settings and speaker from the plan; the speaker starts if the director has. */
    private void begin(Plan plan) {
        settings = plan.next();
        onDevice = plan.next().addressOnDevice().orElse(kernelTable);
        device = plan.next().device();
        speaker = plan.speaker();
        if (!started) {
            return;
        }
        try {
            plan.speaker().start();
            LOG.info("route health injection: BGP speaker started by a reload");
        } catch (InterfaceException | RuntimeException e) {
            settings = null;
            speaker = null;
            announcedView = List.of();
            sink.failure("starting the BGP speaker (route health injection off)", e);
        }
    }

    /**
     * The addresses to announce now: each of a service's addresses while the service has quorum
     * (a service the view does not know yet: none); an address not announced yet only once its
     * service is {@linkplain ServiceView#settled() settled} and {@code firstOut} lets it go (a
     * table without some real servers waits, see {@link RouteHealthInjection.Builder#partialTableDelay}),
     * so that the table the routers send traffic to is the one the other directors hold (the
     * kernel's {@code mh} maps a flow by the real servers in the table: one still on its way in
     * sends moved flows to the wrong one).
     */
    static Set<InetAddress> desired(RouteHealthInjection settings, Collection<ServiceKey> services, HealthView view,
            Set<InetAddress> announced, java.util.function.Predicate<ServiceView> firstOut) {
        Set<InetAddress> out = new LinkedHashSet<>();
        for (ServiceKey k : services) {
            List<InetAddress> as = settings.addressesOf(k);
            if (as.isEmpty()) {
                continue;
            }
            ServiceView v = view.service(k).orElse(null);
            if (v == null || !v.quorumMet()) {
                continue;
            }
            Boolean first = null; // asked once per service, only if an address of it is not out yet
            for (InetAddress a : as) {
                if (announced.contains(a)) {
                    out.add(a);
                } else if (v.settled()) {
                    if (first == null) {
                        first = firstOut.test(v);
                    }
                    if (first) {
                        out.add(a);
                    }
                }
            }
        }
        return out;
    }

    /**
     * Whether a settled service's address may go out for the first time (since the start or since
     * its quorum returned): at once with every configured real server up; a table without some
     * only once it has held unchanged for the settings' delay (a timer then runs {@link #again}).
     */
    private boolean firstOut(ServiceView v, long delayNanos, Set<ServiceKey> waiting) {
        List<RealServer> up = new ArrayList<>(); // as configured: a weight ramping up is no change
        for (RealServerView r : v.realServers()) {
            if (r.up()) {
                up.add(r.realServer());
            }
        }
        if (delayNanos == 0 || up.size() == v.realServers().size()) {
            return true;
        }
        long now = loop.nanos();
        Partial p = partial.get(v.key());
        if (p == null || !p.table().equals(up)) {
            p = new Partial(now, List.copyOf(up));
            partial.put(v.key(), p);
            LOG.info("route health injection: {} has {} of {} real servers up: announced in {} ms unless all are up",
                    v.key(), up.size(), v.realServers().size(), TimeUnit.NANOSECONDS.toMillis(delayNanos));
            loop.schedule(delayNanos, again);
        }
        waiting.add(v.key());
        return now - p.sinceNanos() >= delayNanos;
    }

    /** Brings the announcements to the desired state (on the director's thread). */
    void update(Collection<ServiceKey> services, HealthView view) {
        RouteHealthInjection s = settings;
        if (stopping || s == null) {
            return;
        }
        long delay = s.partialTableDelay().toNanos();
        Set<ServiceKey> waiting = new java.util.HashSet<>();
        Set<InetAddress> want = desired(s, services, view, announced, v -> firstOut(v, delay, waiting));
        partial.keySet().retainAll(waiting); // out, whole, or without quorum: its wait starts afresh next time
        apply(want);
    }

    /**
     * The addresses a crashed run of this director left on the device (its ownership record):
     * taken as on the device, they stay while announced and leave it when not (a restarted
     * director announces only once its service is settled).
     */
    void adopt(Collection<OwnershipRecord.Route> left) {
        if (!onDevice()) {
            return;
        }
        for (OwnershipRecord.Route r : left) {
            if (r.device().equals(device)) {
                onDeviceNow.add(r.address());
            }
        }
    }

    private static List<String> texts(List<InetAddress> addresses) {
        List<String> out = new ArrayList<>(addresses.size());
        for (InetAddress a : addresses) {
            out.add(Addresses.format(a));
        }
        return out;
    }

    private void apply(Set<InetAddress> want) {
        List<InetAddress> withdrawn = new ArrayList<>();
        List<InetAddress> added = new ArrayList<>();
        if (!stopping) {
            for (InetAddress a : new ArrayList<>(onDeviceNow)) {
                if (!announced.contains(a) && !want.contains(a)) {
                    removeFromDevice(a); // left by a crashed run and not announced by this one
                }
            }
        }
        for (InetAddress a : new ArrayList<>(announced)) {
            if (!want.contains(a)) {
                speaker.withdraw(a); // not null while anything is announced
                announced.remove(a);
                withdrawn.add(a);
                if (!stopping) {
                    removeFromDevice(a);
                }
            }
        }
        for (InetAddress a : want) {
            if (announced.contains(a)) {
                continue;
            }
            if (onDevice && !addToDevice(a)) {
                continue; // the kernel would not take its packets: not announced (reported)
            }
            speaker.announce(a);
            announced.add(a);
            added.add(a);
        }
        announcedView = List.copyOf(announced);
        if (!added.isEmpty() || !withdrawn.isEmpty()) {
            LOG.info("route health injection: announced {} withdrew {}", texts(added), texts(withdrawn));
            sink.routes(added, withdrawn);
        }
    }

    /**
     * A planned stop, first part (not on the director's thread): every route withdrawn and the
     * sessions ended (the speaker's graceful shutdown with no wait: GRACEFUL_SHUTDOWN, withdraw,
     * Cease), then the drain. The addresses stay on the device until {@link #close()}.
     */
    void withdrawAndDrain(Runnable onLoop) {
        boolean had = !announcedView.isEmpty();
        stopping = true;
        onLoop.run(); // withdraws on the director's thread
        BgpSpeaker speaker = this.speaker;
        RouteHealthInjection settings = this.settings;
        if (speaker == null || settings == null) {
            return;
        }
        try {
            speaker.shutdown(java.time.Duration.ZERO).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("BGP speaker did not shut down within 5 s; closing it");
            speaker.close();
        }
        long drain = settings.stopDrain().toMillis();
        if (drain > 0 && had) {
            LOG.info("route health injection: routes withdrawn, draining {} ms before the rules go", drain);
            try {
                Thread.sleep(drain);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** On the director's thread during a stop: every route withdrawn. */
    void withdrawAll() {
        apply(Set.of());
    }

    /** After the rules are gone: the speaker closed, the addresses off the device. */
    void close() {
        stopping = true;
        BgpSpeaker speaker = this.speaker;
        if (speaker != null) {
            speaker.close();
        }
        for (InetAddress a : new ArrayList<>(onDeviceNow)) {
            removeFromDevice(a);
        }
        if (rt != null) {
            rt.close();
            rt = null;
        }
    }

    List<BgpSession> sessions() {
        BgpSpeaker s = speaker;
        return s == null ? List.of() : s.sessions();
    }

    /** What the director announces now (the speaker sends it to each neighbour whose session is up). */
    List<InetAddress> announced() {
        return announcedView;
    }

    private boolean addToDevice(InetAddress a) {
        if (onDeviceNow.contains(a)) {
            return true;
        }
        try {
            Rtnetlink r = rtnetlink();
            int index = r.linkIndex(device);
            boolean there = false;
            for (InterfaceAddress x : r.addresses(index)) {
                there |= x.address().equals(a);
            }
            if (!there) {
                r.addAddress(InterfaceAddress.of(index, a, a instanceof Inet6Address ? 128 : 32));
            }
            onDeviceNow.add(a);
            return true;
        } catch (InterfaceException | RuntimeException e) {
            sink.failure("adding " + Addresses.format(a) + " to " + device + " (not announced)", e);
            return false;
        }
    }

    private void removeFromDevice(InetAddress a) {
        if (!onDeviceNow.remove(a)) {
            return;
        }
        try {
            Rtnetlink r = rtnetlink();
            int index = r.linkIndex(device);
            for (InterfaceAddress x : r.addresses(index)) {
                if (x.address().equals(a)) {
                    r.removeAddress(x);
                }
            }
        } catch (InterfaceException | RuntimeException e) {
            sink.failure("removing " + Addresses.format(a) + " from " + device, e);
        }
    }

    private Rtnetlink rtnetlink() throws InterfaceException {
        if (rt == null) {
            rt = netns == null ? Rtnetlink.open() : Rtnetlink.open(netns);
        }
        return rt;
    }
}
