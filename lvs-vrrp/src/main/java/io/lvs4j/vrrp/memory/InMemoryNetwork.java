package io.lvs4j.vrrp.memory;

import io.lvs4j.internal.Addresses;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.time.Scheduler;
import io.lvs4j.time.VirtualClock;
import io.lvs4j.vrrp.VrrpInstance;
import io.lvs4j.vrrp.VrrpListener;
import io.lvs4j.vrrp.spi.Ipv6Ancillary;
import io.lvs4j.vrrp.spi.VrrpNetwork;
import io.lvs4j.vrrp.spi.VrrpTransport;
import java.time.Duration;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * One simulated link (an Ethernet segment) on a {@link VirtualClock}: multicast goes to every other
 * attached node, unicast to the node with that address. Loss (seeded, so runs repeat exactly),
 * a fixed delay, partitions and per-node link state are injectable. Packets travel as the bytes the
 * engine encoded, so the codec's checks apply on receive. Apart from that, each node's interfaces
 * have a simulated link state ({@link #interfaceUp}) for {@code track_interface}: what rtnetlink
 * would report on a real host.
 *
 * <p>{@link #node} makes a host on this link for a {@link io.lvs4j.vrrp.VrrpNode}: the same node as
 * on Linux, over this network and its clock.
 */
public final class InMemoryNetwork {
    private final VirtualClock clock;
    private final List<Endpoint> endpoints = new ArrayList<>();
    private final List<Set<String>> partitions = new ArrayList<>();
    private Random random = new Random(0);
    private double loss;
    private long delayNanos;
    private long delivered;
    private long lost;
    private final java.util.Map<String, Boolean> interfaces = new java.util.HashMap<>();
    private final List<InterfaceListener> interfaceListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Told when a simulated interface's link state changes. */
    @FunctionalInterface
    public interface InterfaceListener {
        void changed(String node, String interfaceName, boolean up);
    }

    public InMemoryNetwork(VirtualClock clock) {
        this.clock = Preconditions.checkNotNull(clock, "clock");
    }

    /** The clock the network delivers on (the one its hosts' directors and routers run on). */
    public VirtualClock clock() {
        return clock;
    }

    /**
     * A host on this link for a {@link io.lvs4j.vrrp.VrrpNode}, named {@code node} (the name
     * {@link #interfaceUp}, {@link #linkUp} and {@link #partition} use): its instances send from
     * their source address, or else {@code address}; its interfaces' links are this network's
     * simulated ones; it runs on this network's clock; address events change nothing (there is no
     * kernel); notify commands and scripts run for real (a script's run holds the clock until
     * its result is in, so the result counts at the virtual time the run was due).
     */
    public VrrpNetwork<RuntimeException> node(String node, InetAddress address) {
        return new Node(Preconditions.checkNotNull(node, "node"), Preconditions.checkNotNull(address, "address"));
    }

    /** A host named {@code node} whose instances all give their source address. */
    public VrrpNetwork<RuntimeException> node(String node) {
        return new Node(Preconditions.checkNotNull(node, "node"), null);
    }

    /** A transport for router on node {@code node} with address {@code address}. */
    public VrrpTransport attach(String node, InetAddress address) {
        Endpoint e = new Endpoint(Preconditions.checkNotNull(node, "node"), Preconditions.checkNotNull(address, "address"));
        endpoints.add(e);
        return e;
    }

    /** Drops each delivery with {@code probability}, drawn from a {@code seed}ed generator. */
    public void loss(double probability, long seed) {
        Preconditions.checkArgument(probability >= 0 && probability <= 1, "loss", probability, "0..1");
        this.loss = probability;
        this.random = new Random(seed);
    }

    /** Delivers every packet {@code delay} after it was sent. */
    public void delay(Duration delay) {
        Preconditions.checkNotNull(delay, "delay");
        Preconditions.checkArgument(!delay.isNegative(), "delay", delay, ">= 0");
        this.delayNanos = delay.toNanos();
    }

    /** Splits the link: nodes in {@code side} and the rest no longer hear each other. */
    public void partition(Set<String> side) {
        partitions.add(Set.copyOf(side));
    }

    public void heal() {
        partitions.clear();
    }

    /** Takes a node's link down (it neither sends nor receives) or up again. */
    public void linkUp(String node, boolean up) {
        for (Endpoint e : endpoints) {
            if (e.node.equals(node)) {
                e.linkUp = up;
            }
        }
    }

    /**
     * Sets the link state of interface {@code interfaceName} on {@code node}, as the kernel would
     * report it (every interface is up until set); listeners hear of changes. Packets on this
     * network are not affected (that is {@link #linkUp}).
     */
    public void interfaceUp(String node, String interfaceName, boolean up) {
        Preconditions.checkNotNull(node, "node");
        Preconditions.checkNotNull(interfaceName, "interface");
        Boolean before = interfaces.put(node + "\0" + interfaceName, up);
        if ((before == null || before) != up) {
            for (InterfaceListener l : interfaceListeners) {
                l.changed(node, interfaceName, up);
            }
        }
    }

    /** The simulated link state of that interface: up unless {@link #interfaceUp} said otherwise. */
    public boolean isInterfaceUp(String node, String interfaceName) {
        return interfaces.getOrDefault(node + "\0" + interfaceName, true);
    }

    public void addInterfaceListener(InterfaceListener listener) {
        interfaceListeners.add(Preconditions.checkNotNull(listener, "listener"));
    }

    public void removeInterfaceListener(InterfaceListener listener) {
        interfaceListeners.remove(listener);
    }

    public long delivered() {
        return delivered;
    }

    public long lost() {
        return lost;
    }

    private boolean connected(String a, String b) {
        for (Set<String> side : partitions) {
            if (side.contains(a) != side.contains(b)) {
                return false;
            }
        }
        return true;
    }

    private void send(Endpoint from, ByteBuf packet, InetAddress destination) {
        if (!from.linkUp) {
            return;
        }
        byte[] bytes = ByteBufUtil.getBytes(packet);
        boolean multicast = destination.isMulticastAddress();
        for (Endpoint to : new ArrayList<>(endpoints)) {
            if (to == from || !(multicast || to.address.equals(destination))) {
                continue;
            }
            if (loss > 0 && random.nextDouble() < loss) {
                lost++;
                continue;
            }
            Ipv6Ancillary ancillary = from.address instanceof Inet6Address
                    ? new Ipv6Ancillary((Inet6Address) from.address, (Inet6Address) destination, 255) : null;
            clock.schedule(delayNanos, () -> {
                // checked at arrival time: a partition or link change in flight drops the packet
                if (to.receiver != null && to.linkUp && from.linkUp && connected(from.node, to.node)) {
                    delivered++;
                    to.receiver.receive(Unpooled.wrappedBuffer(bytes), ancillary);
                } else {
                    lost++;
                }
            });
        }
    }

    private final class Endpoint implements VrrpTransport {
        final String node;
        final InetAddress address;
        Receiver receiver;
        boolean linkUp = true;
        boolean closed;

        Endpoint(String node, InetAddress address) {
            this.node = node;
            this.address = address;
        }

        @Override
        public void open(Receiver r) {
            this.receiver = Preconditions.checkNotNull(r, "receiver");
            this.closed = false;
        }

        @Override
        public void send(ByteBuf packet, InetAddress destination) {
            if (!closed) {
                InMemoryNetwork.this.send(this, packet, destination);
            }
        }

        @Override
        public void close() {
            receiver = null;
            closed = true;
        }

        @Override
        public String toString() {
            return node + "/" + Addresses.format(address);
        }
    }

    private final class Node implements VrrpNetwork<RuntimeException> {
        private final String name;
        private final InetAddress address;

        Node(String name, InetAddress address) {
            this.name = name;
            this.address = address;
        }

        @Override
        public Scheduler defaultScheduler(String threadName) {
            return clock;
        }

        @Override
        public void checkScheduler(Scheduler scheduler) {
            Preconditions.checkArgument(scheduler == clock, "scheduler", scheduler,
                    "the in-memory network's VirtualClock");
        }

        @Override
        public Host<RuntimeException> open(Scheduler scheduler) {
            checkScheduler(scheduler);
            return new Host<>() {
                private final List<VrrpTransport> transports = new ArrayList<>();
                private InterfaceListener links;

                @Override
                public InetAddress sourceAddress(VrrpInstance instance) {
                    Preconditions.checkState(address != null, "vrrp_instance " + instance.name() + " source address",
                            null, "unicast_src_ip, or the in-memory node's address");
                    return address;
                }

                @Override
                public VrrpTransport open(VrrpInstance instance, Set<Integer> siblingVrids) {
                    VrrpTransport t = attach(name, instance.sourceAddress().orElseThrow());
                    transports.add(t);
                    return t;
                }

                @Override
                public boolean linkUp(String interfaceName) {
                    return isInterfaceUp(name, interfaceName);
                }

                @Override
                public void watchLinks(BiConsumer<String, Boolean> listener) {
                    // interfaceUp is called on the clock's thread, the node's scheduler thread
                    links = (n, interfaceName, up) -> {
                        if (n.equals(name)) {
                            listener.accept(interfaceName, up);
                        }
                    };
                    addInterfaceListener(links);
                }

                @Override
                public VrrpListener addressActions(VrrpInstance instance) {
                    return e -> { };
                }

                @Override
                public List<String> command(List<String> argv) {
                    return argv;
                }

                @Override
                public void abort() {
                    transports.forEach(VrrpTransport::close);
                }

                @Override
                public void close() {
                    if (links != null) {
                        removeInterfaceListener(links);
                    }
                    transports.forEach(VrrpTransport::close);
                }
            };
        }

        @Override
        public String toString() {
            return "InMemoryNetwork.node[" + name + (address == null ? "" : " " + Addresses.format(address)) + "]";
        }
    }

    @Override
    public String toString() {
        return "InMemoryNetwork[" + endpoints + " partitions=" + partitions + "]";
    }
}
