package io.lvs4j.vrrp;

import io.lvs4j.internal.Addresses;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.vrrp.VrrpEvent.GarpReason;
import io.lvs4j.vrrp.internal.Advert;
import io.lvs4j.vrrp.internal.AdvertCodec;
import io.lvs4j.vrrp.spi.Ipv6Ancillary;
import io.lvs4j.time.Scheduler;
import io.lvs4j.vrrp.spi.VrrpTransport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running VRRP instance: the RFC 5798 section 6.4 state machine (RFC 3768 for version 2) with
 * keepalived's FAULT state, preempt_delay and split-brain re-announcement. Single-threaded: every
 * method must be called on the {@link Scheduler}'s thread, which also runs its timers and
 * packet deliveries. Timing is in microseconds from the RFC formulas, never rounded to centiseconds:
 * <ul>
 *   <li>v3 Skew_Time = (256 - Priority) * Master_Adver_Interval / 256</li>
 *   <li>v2 Skew_Time = (256 - Priority) / 256 s</li>
 *   <li>Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time</li>
 * </ul>
 */
public final class VrrpRouter {
    private static final Logger LOG = LoggerFactory.getLogger(VrrpRouter.class);

    private record Tracking(Tracker tracker, int weight, boolean reverse) {}

    private final VrrpInstance instance;
    private final VrrpTransport transport;
    private final Scheduler scheduler;
    private final AdvertCodec codec;
    private final Advert rx = new Advert();
    private final ByteBuf tx = Unpooled.buffer(2048);
    private final byte[] primary;
    private final List<InetAddress> destinations;
    private final byte[][] destinationBytes;
    private final List<VrrpListener> listeners = new CopyOnWriteArrayList<>();
    private final VrrpStatistics statistics = new VrrpStatistics();
    private final List<Tracking> tracks = new ArrayList<>();
    /** What {@link #tracked()} returns: rebuilt on the scheduler thread at each tracker change. */
    private volatile List<TrackedObject> tracked = List.of();
    /** The virtual addresses and the excluded ones: what a master holds and announces. */
    private final List<VirtualAddress> held;
    private final VrrpTransport.Receiver receiver = this::receive;
    private final Runnable adverTask = this::adverTimerExpired;
    private final Runnable downTask = this::masterDownTimerExpired;

    private RouterState state = RouterState.INIT;
    private int effectivePriority;
    private int masterAdverCentis;
    private Scheduler.Timer adverTimer;
    private Scheduler.Timer downTimer;
    private long downDue;
    private long preemptUntil;
    private boolean ownFault;
    boolean wantMaster;
    SyncGroup group;

    private VrrpRouter(VrrpInstance instance, VrrpTransport transport, Scheduler scheduler) {
        this.instance = instance;
        this.transport = transport;
        this.scheduler = scheduler;
        this.primary = instance.sourceAddress().orElseThrow().getAddress();
        List<VirtualAddress> all = new ArrayList<>(instance.virtualAddresses());
        all.addAll(instance.excludedAddresses());
        this.held = List.copyOf(all);
        this.effectivePriority = instance.priority();
        this.masterAdverCentis = instance.advertIntervalCentis();
        boolean unicast = !instance.unicastPeers().isEmpty();
        this.destinations = unicast ? instance.unicastPeers()
                : List.of(instance.ipv6() ? VrrpInstance.GROUP_IPV6 : VrrpInstance.GROUP_IPV4);
        this.destinationBytes = new byte[destinations.size()][];
        for (int i = 0; i < destinationBytes.length; i++) {
            destinationBytes[i] = destinations.get(i).getAddress();
        }
        int addressLength = primary.length;
        byte[] vips = new byte[instance.virtualAddresses().size() * addressLength];
        for (int i = 0; i < instance.virtualAddresses().size(); i++) {
            System.arraycopy(instance.virtualAddresses().get(i).address().getAddress(), 0, vips, i * addressLength,
                    addressLength);
        }
        List<byte[]> peers = new ArrayList<>();
        int[] peerTtls = new int[instance.unicastPeerBounds().size()];
        for (UnicastPeer p : instance.unicastPeerBounds()) {
            peerTtls[peers.size()] = p.minTtl() << 8 | p.maxTtl();
            peers.add(p.address().getAddress());
        }
        this.codec = new AdvertCodec(new AdvertCodec.Config(instance.ipv6(), instance.version(),
                instance.virtualRouterId(), instance.advertIntervalCentis(),
                VrrpInstance.authType(instance.authentication().orElse(null)),
                VrrpInstance.key(instance.authentication().orElse(null)), primary,
                vips, unicast, List.copyOf(peers), peerTtls, instance.unicastTtl()));
    }

    /**
     * A router in INIT; {@link #start()} starts it. {@code instance} must have its source address
     * ({@link VrrpNode} sets the interface's when the instance has none).
     */
    public static VrrpRouter create(VrrpInstance instance, VrrpTransport transport, Scheduler scheduler) {
        Preconditions.checkNotNull(instance, "instance");
        Preconditions.checkArgument(instance.sourceAddress().isPresent(),
                "vrrp_instance " + instance.name() + " source address", null,
                "an address (VrrpNode takes the interface's)");
        return new VrrpRouter(instance,
                Preconditions.checkNotNull(transport, "transport"), Preconditions.checkNotNull(scheduler, "scheduler"));
    }

    public VrrpRouter addListener(VrrpListener listener) {
        listeners.add(Preconditions.checkNotNull(listener, "listener"));
        return this;
    }

    /**
     * Tracks {@code tracker} with its own default: an interface with weight 0 (FAULT while down), a
     * script with its weight and reverse.
     */
    public VrrpRouter track(Tracker tracker) {
        Preconditions.checkNotNull(tracker, "tracker");
        return track(tracker, tracker.defaultWeight(), tracker.defaultReverse());
    }

    /**
     * Tracks {@code tracker}: weight 0 means FAULT while it is down (reversed: while up); otherwise
     * keepalived's weights (-254..254, see {@link Track}).
     */
    public VrrpRouter track(Tracker tracker, int weight, boolean reverse) {
        Preconditions.checkNotNull(tracker, "tracker");
        int w = Preconditions.checkInRange(weight, -254, 254, "weight");
        Preconditions.checkState(w == 0 || instance.priority() != 255, "weight", w,
                "0 for the address owner (keepalived)");
        tracks.add(new Tracking(tracker, w, reverse));
        tracker.attach(this);
        trackerChanged();
        return this;
    }

    public VrrpInstance instance() {
        return instance;
    }

    public RouterState state() {
        return state;
    }

    /**
     * Each tracked script and interface, in the order tracked, with its state as of its last
     * change. Readable from any thread.
     */
    public List<TrackedObject> tracked() {
        return tracked;
    }

    /** The base priority adjusted by weighted trackers, 1..254 (255 stays 255). */
    public int effectivePriority() {
        return effectivePriority;
    }

    public VrrpStatistics statistics() {
        return statistics;
    }

    /** Master_Adver_Interval in centiseconds (v3: learnt from the master's adverts). */
    public int masterAdverIntervalCentis() {
        return masterAdverCentis;
    }

    public long skewTimeMicros() {
        long p = instance.priority() == 255 ? 255 : effectivePriority;
        if (instance.version() == 3) {
            return (256 - p) * masterAdverCentis * 10_000L / 256;
        }
        return (256 - p) * 1_000_000L / 256;
    }

    public long masterDownIntervalMicros() {
        return 3L * masterAdverCentis * 10_000L + skewTimeMicros();
    }

    /** RFC 5798 6.4.1: opens the transport; the address owner (or {@code state MASTER}) becomes master, others backup. */
    public void start() {
        Preconditions.checkState(state == RouterState.INIT, "state", state, "INIT to start");
        transport.open(receiver);
        masterAdverCentis = instance.advertIntervalCentis();
        preemptUntil = 0;
        wantMaster = false;
        if (ownFault || (group != null && group.anyFault())) {
            transition(RouterState.FAULT, TransitionReason.FAULT);
        } else if (instance.priority() == 255 || instance.initialState() == InitialState.MASTER) {
            becomeMaster(TransitionReason.STARTUP_AS_MASTER);
        } else {
            transition(RouterState.BACKUP, TransitionReason.STARTUP);
            startDownTimer(masterDownIntervalMicros());
        }
    }

    /** Shutdown: a master sends priority 0 and gives up its addresses; then INIT and the transport closed. */
    public void stop() {
        if (state == RouterState.INIT) {
            return;
        }
        cancelTimers();
        if (state == RouterState.MASTER) {
            sendAdvert(0);
            transition(RouterState.INIT, TransitionReason.SHUTDOWN);
            emit(new VrrpEvent.AddressesRemoved(instance.name(), scheduler.nanos(), held));
        } else {
            transition(RouterState.INIT, TransitionReason.SHUTDOWN);
        }
        transport.close();
    }

    // ---- receive path -------------------------------------------------------------------------

    private void receive(ByteBuf packet, Ipv6Ancillary ancillary) {
        if (state != RouterState.BACKUP && state != RouterState.MASTER) {
            return;
        }
        DropReason drop = codec.decode(packet, ancillary, rx);
        if (drop != null) {
            statistics.countDrop(drop);
            if (drop == DropReason.AH_REPLAY && state == RouterState.MASTER) {
                masterInLockstep();
            }
            return;
        }
        statistics.countAccepted();
        if (!codec.sameAddresses(rx)) {
            statistics.countAddressListMismatch();
        }
        if (rx.priority() == 0) {
            statistics.countPriorityZero();
        }
        if (state == RouterState.BACKUP) {
            codec.acceptedAsBackup();
            backupReceived();
        } else {
            masterReceived();
        }
    }

    /** RFC 5798 6.4.2 with keepalived's preempt_delay. */
    private void backupReceived() {
        int priority = rx.priority();
        if (priority == 0) {
            startDownTimer(skewTimeMicros());
            return;
        }
        long now = now();
        long delay = instance.preemptDelay().toNanos() / 1000;
        boolean delaying = delay > 0 && (preemptUntil == 0 || preemptUntil > now);
        if (instance.nopreempt() || priority >= effectivePriority || delaying) {
            if (instance.version() == 3) {
                masterAdverCentis = rx.intervalCentis();
            }
            wantMaster = false;
            startDownTimer(masterDownIntervalMicros());
            if (delay > 0) {
                if (priority >= effectivePriority) {
                    preemptUntil = 0;
                } else if (preemptUntil == 0) {
                    preemptUntil = now + delay;
                }
            }
        }
        // else: preempting a lower-priority master: discard, the down timer runs out
    }

    /** RFC 5798 6.4.3 with keepalived's re-announcement to a lower-priority master. */
    private void masterReceived() {
        int priority = rx.priority();
        if (priority == 0) {
            sendAdvert(effectivePriority);
            startAdverTimer();
            return;
        }
        int cmp = rx.compareSourceTo(primary);
        if (outranksUs(cmp)) {
            if (instance.version() == 3) {
                masterAdverCentis = rx.intervalCentis();
            }
            if (instance.higherPrioritySendAdvert()) {
                sendAdvert(effectivePriority);
            }
            stepDown(TransitionReason.PREEMPTED);
            if (group != null) {
                group.memberSteppedDown(this);
            }
        } else if (cmp != 0) {
            // a lower-priority master exists (split brain healing): assert ourselves again
            sendAdvert(effectivePriority);
            GarpSettings g = instance.garp();
            emit(new VrrpEvent.GratuitousArpRequested(instance.name(), scheduler.nanos(), held,
                    GarpReason.LOWER_PRIORITY_MASTER_SEEN, g.lowerPrioRepeat(), g.lowerPrioDelay()));
        }
    }

    /**
     * Two AH masters whose advert timers fire at the same instant (both answered one priority-0
     * advert, say) each send the sequence number the other has just used, so each drops the other's
     * adverts as replays and neither ever steps down. A master that drops as a replay an
     * authenticated advert of a lower-priority master carrying exactly its own latest number moves
     * its counter past it and asserts itself, as keepalived does on a lower-priority advert (its
     * counter becomes the advert's number plus one); the other master accepts that and steps down.
     * An older replayed advert carries a lower number and changes nothing.
     */
    private void masterInLockstep() {
        int priority = rx.priority();
        if (priority == 0 || rx.ahSequence() != codec.ahCounter()) {
            return;
        }
        int cmp = rx.compareSourceTo(primary);
        if (!outranksUs(cmp) && cmp != 0) { // a lower-priority master, as in masterReceived
            codec.txSequence(rx.ahSequence() + 1);
            sendAdvert(effectivePriority);
        }
    }

    /** Whether the advert in {@code rx} outranks this router: higher priority, or equal from a higher address ({@code cmp > 0}). */
    private boolean outranksUs(int cmp) {
        int priority = rx.priority();
        return priority > effectivePriority || (priority == effectivePriority && cmp > 0);
    }

    // ---- timers -------------------------------------------------------------------------------

    private void masterDownTimerExpired() {
        downTimer = null;
        if (state != RouterState.BACKUP) {
            return;
        }
        // After a stall the timer can run before adverts that arrived in time were delivered:
        // take those first; one that restarted the timer (or changed the state) wins.
        transport.deliverPending();
        if (downTimer != null || state != RouterState.BACKUP) {
            return;
        }
        wantMaster = true;
        if (group == null) {
            becomeMaster(TransitionReason.MASTER_DOWN);
        } else {
            group.memberWantsMaster(this);
        }
    }

    private void adverTimerExpired() {
        adverTimer = null;
        if (state != RouterState.MASTER) {
            return;
        }
        sendAdvert(effectivePriority);
        startAdverTimer();
    }

    private void startDownTimer(long micros) {
        if (downTimer != null) {
            downTimer.cancel();
        }
        downDue = now() + micros;
        downTimer = scheduler.schedule(micros * 1000, downTask);
    }

    private void startAdverTimer() {
        if (adverTimer != null) {
            adverTimer.cancel();
        }
        adverTimer = scheduler.schedule(instance.advertIntervalCentis() * 10_000_000L, adverTask);
    }

    private void cancelTimers() {
        if (downTimer != null) {
            downTimer.cancel();
            downTimer = null;
        }
        if (adverTimer != null) {
            adverTimer.cancel();
            adverTimer = null;
        }
    }

    // ---- transitions --------------------------------------------------------------------------

    void becomeMaster(TransitionReason reason) {
        cancelTimers();
        codec.becomingMaster();
        sendAdvert(effectivePriority);
        transition(RouterState.MASTER, reason);
        emit(new VrrpEvent.AddressesAdded(instance.name(), scheduler.nanos(), held, instance.acceptMode()));
        GarpSettings g = instance.garp();
        emit(new VrrpEvent.GratuitousArpRequested(instance.name(), scheduler.nanos(), held,
                GarpReason.BECAME_MASTER, g.masterRepeat(), g.masterDelay()));
        preemptUntil = 0;
        startAdverTimer();
    }

    void stepDown(TransitionReason reason) {
        cancelTimers();
        wantMaster = false;
        transition(RouterState.BACKUP, reason);
        emit(new VrrpEvent.AddressesRemoved(instance.name(), scheduler.nanos(), held));
        startDownTimer(masterDownIntervalMicros());
    }

    void enterFault(TransitionReason reason) {
        RouterState from = state;
        cancelTimers();
        wantMaster = false;
        if (from == RouterState.MASTER) {
            sendAdvert(0);
        }
        transition(RouterState.FAULT, reason);
        if (from == RouterState.MASTER) {
            emit(new VrrpEvent.AddressesRemoved(instance.name(), scheduler.nanos(), held));
        }
    }

    void leaveFault(TransitionReason reason) {
        masterAdverCentis = instance.advertIntervalCentis();
        transition(RouterState.BACKUP, reason);
        startDownTimer(masterDownIntervalMicros());
    }

    boolean ownFault() {
        return ownFault;
    }

    private void transition(RouterState to, TransitionReason reason) {
        RouterState from = state;
        Preconditions.checkState(from.canTransitionTo(to), "transition", from + " -> " + to,
                "a legal VRRP transition (see RouterState)");
        state = to;
        LOG.info("({}) Entering {} STATE ({})", instance.name(), to, reason);
        emit(new VrrpEvent.StateChanged(instance.name(), scheduler.nanos(), from, to, reason));
    }

    // ---- tracking -----------------------------------------------------------------------------

    void trackerChanged() {
        List<TrackedObject> view = new ArrayList<>(tracks.size());
        for (Tracking t : tracks) {
            view.add(new TrackedObject(t.tracker().name(), t.tracker() instanceof ScriptTracker
                    ? TrackedObject.Kind.SCRIPT : TrackedObject.Kind.INTERFACE, t.tracker().isUp(), t.weight(),
                    t.reverse()));
        }
        tracked = List.copyOf(view);
        int total = instance.priority();
        boolean fault = false;
        for (Tracking t : tracks) {
            boolean up = t.tracker().isUp();
            int m = t.reverse() ? -1 : 1;
            if (t.weight() == 0) {
                fault |= up == t.reverse();
            } else if (t.weight() > 0 ? up : !up) {
                total += t.weight() * m;
            }
        }
        int newPriority = instance.priority() == 255 ? 255 : Math.max(1, Math.min(254, total));
        if (newPriority != effectivePriority) {
            int old = effectivePriority;
            long oldInterval = masterDownIntervalMicros();
            effectivePriority = newPriority;
            if (state == RouterState.BACKUP && downTimer != null) {
                // keepalived: a running Master_Down_Timer moves by the change of the interval
                startDownTimer(Math.max(0, downDue + masterDownIntervalMicros() - oldInterval - now()));
            }
            LOG.info("({}) Changing effective priority from {} to {}", instance.name(), old, newPriority);
            emit(new VrrpEvent.PriorityChanged(instance.name(), scheduler.nanos(), old, newPriority));
        }
        boolean wasFault = ownFault;
        ownFault = fault;
        if (state == RouterState.INIT || fault == wasFault) {
            return;
        }
        if (fault) {
            if (group != null) {
                group.memberFault(this);
            } else if (state != RouterState.FAULT) {
                enterFault(TransitionReason.FAULT);
            }
        } else if (group != null) {
            group.memberRecovered(this);
        } else if (state == RouterState.FAULT) {
            leaveFault(TransitionReason.FAULT_CLEARED);
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private void sendAdvert(int priority) {
        for (int i = 0; i < destinationBytes.length; i++) {
            tx.clear();
            codec.encode(tx, priority, destinationBytes[i]);
            transport.send(tx, destinations.get(i));
            statistics.countSent();
        }
    }

    private long now() {
        return scheduler.nanos() / 1000;
    }

    private void emit(VrrpEvent event) {
        for (VrrpListener l : listeners) {
            l.onEvent(event);
        }
    }

    @Override
    public String toString() {
        return "VrrpRouter[" + instance.name() + " " + state + " prio=" + effectivePriority + " primary="
                + Addresses.format(instance.sourceAddress().orElseThrow()) + "]";
    }
}
