package io.lvs4j.director;

import io.lvs4j.OsException;
import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.UncheckedOsException;
import io.lvs4j.VirtualService;
import io.lvs4j.health.ServiceHealth;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.table.InMemoryIpvs;
import io.lvs4j.table.ReconcileResult;
import io.lvs4j.time.VirtualClock;
import io.lvs4j.vrrp.memory.InMemoryNetwork;
import java.net.InetAddress;
import java.time.Duration;

/**
 * A {@link Director} in memory, started in one call, for tests and simulations: an
 * {@link InMemoryIpvs} table instead of the kernel's, every timer on a {@link VirtualClock} that
 * moves only when the caller advances it, and VRRP over an {@link InMemoryNetwork}. No root, no
 * kernel, no host change.
 *
 * <pre>{@code
 * VirtualClock clock = new VirtualClock();
 * InMemoryDirector d = InMemoryDirector.start(builder, clock);   // builder: services, VRRP, listeners
 * clock.advance(Duration.ofSeconds(4));                         // VI_1 is master by now
 * d.weight(web.key(), InetAddress.getByName("10.0.0.3"), 80, 0);
 * d.table().serviceStates();                                    // what the "kernel" holds
 * }</pre>
 *
 * <p>Health checks are real (TCP, HTTP, ... against real listeners): the clock waits for each, at
 * most its policy's watchdog in real time, and takes its result in at the virtual time the check
 * started; a check still running then is reported as a {@code CHECK_LATE}
 * {@link DirectorEvent.Health} and counts as failed, never silently ignored.
 *
 * <p>Nothing here throws a checked exception: no kernel is involved. What the in-memory table
 * refuses as the kernel would (a scheduler it has no module for) is an
 * {@link UncheckedOsException} whose cause is the exception the kernel path throws (a
 * {@code ReconcileException} naming what was applied and what failed). Caller mistakes are
 * {@link IllegalArgumentException} and {@link IllegalStateException}, as everywhere.
 */
public final class InMemoryDirector implements AutoCloseable {
    /** The node name of {@link #start(Director.Builder, VirtualClock)} on its network. */
    public static final String DEFAULT_NODE = "director";

    private static final InetAddress DEFAULT_ADDRESS = defaultAddress();

    private final Director director;
    private final InMemoryIpvs table;
    private final InMemoryNetwork network;

    private InMemoryDirector(Director director, InMemoryIpvs table, InMemoryNetwork network) {
        this.director = director;
        this.table = table;
        this.network = network;
    }

    /**
     * Starts {@code builder}'s director in memory on {@code clock}: a new {@link InMemoryIpvs}, a new
     * {@link InMemoryNetwork} on the clock where the director is the host {@value #DEFAULT_NODE}
     * with address {@code 192.0.2.1} (its VRRP instances send from their own source address if they
     * give one). The builder's table, clock and VRRP transport are replaced.
     */
    public static InMemoryDirector start(Director.Builder builder, VirtualClock clock) {
        Preconditions.checkNotNull(clock, "clock");
        return start(builder, new InMemoryNetwork(clock), DEFAULT_NODE, DEFAULT_ADDRESS);
    }

    /**
     * Starts {@code builder}'s director in memory as host {@code node} (address {@code address}) of
     * {@code network}, on the network's clock: several directors, or a director and in-memory VRRP
     * peers, on one simulated link. A new {@link InMemoryIpvs} is its table.
     */
    public static InMemoryDirector start(Director.Builder builder, InMemoryNetwork network, String node,
            InetAddress address) {
        Preconditions.checkNotNull(builder, "builder");
        Preconditions.checkNotNull(network, "network");
        InMemoryIpvs table = new InMemoryIpvs();
        builder.ipvs(table).virtualClock(network.clock()).inMemoryVrrp(network, node, address);
        try {
            return new InMemoryDirector(builder.start(), table, network);
        } catch (OsException e) {
            throw new UncheckedOsException(e);
        }
    }

    /** The director itself: {@link Director#state()}, listeners, statistics, ... */
    public Director director() {
        return director;
    }

    /** The table the director programs, as the kernel's would be. */
    public InMemoryIpvs table() {
        return table;
    }

    /** The simulated link its VRRP instances are on (loss, delay, partitions, interface links). */
    public InMemoryNetwork network() {
        return network;
    }

    /** The clock everything runs on. */
    public VirtualClock clock() {
        return network.clock();
    }

    /** Moves the clock on by {@code duration}, running everything that falls due. */
    public InMemoryDirector advance(Duration duration) {
        network.clock().advance(duration);
        return this;
    }

    /** {@link Director#state()}. */
    public DirectorState state() {
        return director.state();
    }

    /** {@link Director#putService(ServiceHealth)}, unchecked. */
    public ReconcileResult putService(ServiceHealth service) {
        return unchecked(() -> director.putService(service));
    }

    /** {@link Director#putService(VirtualService)}, unchecked. */
    public ReconcileResult putService(VirtualService service) {
        return unchecked(() -> director.putService(service));
    }

    /** {@link Director#removeService(ServiceKey)}, unchecked. */
    public ReconcileResult removeService(ServiceKey key) {
        return unchecked(() -> director.removeService(key));
    }

    /** {@link Director#putRealServer(ServiceKey, RealServer)}, unchecked. */
    public ReconcileResult putRealServer(ServiceKey key, RealServer realServer) {
        return unchecked(() -> director.putRealServer(key, realServer));
    }

    /** {@link Director#removeRealServer(ServiceKey, InetAddress, int)}, unchecked. */
    public ReconcileResult removeRealServer(ServiceKey key, InetAddress address, int port) {
        return unchecked(() -> director.removeRealServer(key, address, port));
    }

    /** {@link Director#weight(ServiceKey, InetAddress, int, int)}, unchecked. */
    public ReconcileResult weight(ServiceKey key, InetAddress address, int port, int weight) {
        return unchecked(() -> director.weight(key, address, port, weight));
    }

    /** {@link Director#close()}. */
    @Override
    public void close() {
        director.close();
    }

    @Override
    public String toString() {
        return "InMemoryDirector[" + director.state().services().size() + " services, at "
                + Duration.ofNanos(network.clock().nanos()) + "]";
    }

    private static InetAddress defaultAddress() {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 1});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e); // four bytes are always an address
        }
    }

    private interface Call {
        ReconcileResult run() throws OsException;
    }

    private static ReconcileResult unchecked(Call call) {
        try {
            return call.run();
        } catch (OsException e) {
            throw new UncheckedOsException(e);
        }
    }
}
