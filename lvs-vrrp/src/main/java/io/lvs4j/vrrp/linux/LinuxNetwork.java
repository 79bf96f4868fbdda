package io.lvs4j.vrrp.linux;

import io.lvs4j.internal.Preconditions;
import io.lvs4j.netlink.InterfaceAddress;
import io.lvs4j.netlink.InterfaceException;
import io.lvs4j.netlink.Link;
import io.lvs4j.netlink.LinkMonitor;
import io.lvs4j.netlink.NeighbourAnnouncer;
import io.lvs4j.netlink.Rtnetlink;
import io.lvs4j.time.Scheduler;
import io.lvs4j.time.ThreadScheduler;
import io.lvs4j.vrrp.VrrpInstance;
import io.lvs4j.vrrp.VrrpListener;
import io.lvs4j.vrrp.internal.Argv;
import io.lvs4j.vrrp.spi.AddressDelegate;
import io.lvs4j.vrrp.spi.VrrpNetwork;
import io.lvs4j.vrrp.spi.VrrpTransport;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A real Linux host for a {@link io.lvs4j.vrrp.VrrpNode}, in the JVM's network namespace or a named
 * one: adverts on raw protocol-112 sockets ({@link RawVrrpTransport}), virtual addresses added and
 * removed through rtnetlink, gratuitous ARPs and unsolicited neighbour advertisements, link state
 * from rtnetlink link events, commands run with {@code ip netns exec NS} in a named namespace.
 * An instance with {@link VrrpInstance#useVmac() use_vmac} gets its macvlan here (see
 * {@link VrrpInstance.Builder#useVmac()}): created when the node is built, deleted when it closes.
 *
 * <pre>{@code
 * VrrpNode.builder(LinuxNetwork.builder().namespace("blue").build()).instance(vi1).start();
 * }</pre>
 */
public final class LinuxNetwork implements VrrpNetwork<InterfaceException> {
    private static final LinuxNetwork HOST = builder().build();

    private final String netns;
    private final AddressDelegate delegate;

    private LinuxNetwork(Builder b) {
        this.netns = b.netns;
        this.delegate = b.delegate;
    }

    /** The JVM's own network namespace, addresses on the interfaces. */
    public static LinuxNetwork host() {
        return HOST;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The network namespace ({@code /run/netns/NAME}), if not the JVM's. */
    public java.util.Optional<String> namespace() {
        return java.util.Optional.ofNullable(netns);
    }

    @Override
    public Scheduler defaultScheduler(String threadName) {
        return new ThreadScheduler(threadName + (netns == null ? "" : "-" + netns));
    }

    @Override
    public Host<InterfaceException> open(Scheduler scheduler) throws InterfaceException {
        Rtnetlink rt = Rtnetlink.open(netns);
        try {
            return new LinuxHost(scheduler, rt, rt.links(), rt.addresses());
        } catch (InterfaceException | RuntimeException e) {
            rt.close();
            throw e;
        }
    }

    @Override
    public String toString() {
        return "LinuxNetwork[" + (netns == null ? "this namespace" : "netns " + netns) + "]";
    }

    /** Settings of a {@link LinuxNetwork}. */
    public static final class Builder {
        private String netns;
        private AddressDelegate delegate;

        private Builder() {}

        /** Runs in {@code /run/netns/NAME}: sockets are created there, commands run with {@code ip netns exec}. */
        public Builder namespace(String netns) {
            Preconditions.checkNotNull(netns, "network namespace");
            Preconditions.checkArgument(!netns.isEmpty() && !netns.contains("/"), "network namespace", netns,
                    "a namespace name");
            this.netns = netns;
            return this;
        }

        /**
         * Hands the master's actions on the virtual addresses that {@code delegate}
         * {@linkplain AddressDelegate#handles handles} to it instead of putting them on their
         * interface and announcing them there (they are still advertised; the state machine is the
         * same). For a data plane that answers for them itself, e.g. the userspace forwarder.
         */
        public Builder addressDelegate(AddressDelegate delegate) {
            this.delegate = Preconditions.checkNotNull(delegate, "address delegate");
            return this;
        }

        public LinuxNetwork build() {
            return new LinuxNetwork(this);
        }
    }

    /** fe80::/64 with the interface identifier of {@code mac} (RFC 4291 appendix A: modified EUI-64). */
    static InetAddress eui64LinkLocal(byte[] mac) {
        byte[] a = new byte[16];
        a[0] = (byte) 0xfe;
        a[1] = (byte) 0x80;
        a[8] = (byte) (mac[0] ^ 0x02);
        a[9] = mac[1];
        a[10] = mac[2];
        a[11] = (byte) 0xff;
        a[12] = (byte) 0xfe;
        a[13] = mac[3];
        a[14] = mac[4];
        a[15] = mac[5];
        try {
            return InetAddress.getByAddress(a);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // 16 bytes are an address
        }
    }

    private final class LinuxHost implements Host<InterfaceException> {
        private final Scheduler scheduler;
        private final Rtnetlink rtnetlink;
        private final List<Link> links;
        private final List<InterfaceAddress> addresses;
        private final Map<String, NeighbourAnnouncer> announcers = new HashMap<>();
        private final List<AddressActions> actions = new ArrayList<>();
        private final List<RawVrrpTransport> transports = new ArrayList<>();
        private final List<VrrpInstance> vmacs = new ArrayList<>();
        private LinkMonitor monitor;
        private boolean closed;
        private boolean aborted;

        LinuxHost(Scheduler scheduler, Rtnetlink rtnetlink, List<Link> links, List<InterfaceAddress> addresses) {
            this.scheduler = scheduler;
            this.rtnetlink = rtnetlink;
            this.links = links;
            this.addresses = addresses;
        }

        private Link find(String name) throws InterfaceException {
            for (Link l : links) {
                if (name.equals(l.name())) {
                    return l;
                }
            }
            throw new InterfaceException("RTM_GETLINK", "interface " + name, 19, "No such device", null);
        }

        /**
         * keepalived's choice: the interface's first IPv4 address, or its IPv6 link-local address;
         * an IPv6 instance with its adverts on its macvlan and no link-local address on the
         * interface sends from the address the interface's MAC gives (fe80::/64, modified EUI-64),
         * which the macvlan gets.
         */
        @Override
        public InetAddress sourceAddress(VrrpInstance instance) throws InterfaceException {
            Link link = find(instance.interfaceName());
            boolean v6 = instance.ipv6();
            for (InterfaceAddress a : addresses) {
                if (a.interfaceIndex() != link.index()) {
                    continue;
                }
                if (!v6 && a.address() instanceof Inet4Address) {
                    return a.address();
                }
                if (v6 && a.address() instanceof Inet6Address && a.address().isLinkLocalAddress()) {
                    return a.address();
                }
            }
            byte[] mac = link.hardwareAddress();
            if (v6 && instance.useVmac() && !instance.vmacTransmitOnBase() && mac != null && mac.length == 6) {
                return eui64LinkLocal(mac);
            }
            throw new InterfaceException("RTM_GETADDR", "interface " + link.name(), 99,
                    "Cannot assign requested address",
                    "no " + (v6 ? "IPv6 link-local" : "IPv4") + " address to send VRRP from");
        }

        @Override
        public VrrpTransport open(VrrpInstance instance, Set<Integer> siblingVrids) throws InterfaceException {
            find(instance.interfaceName());
            String dev = instance.interfaceName();
            if (instance.useVmac()) {
                Vmacs.acquire(netns, rtnetlink, instance);
                vmacs.add(instance);
                if (!instance.vmacTransmitOnBase()) {
                    dev = instance.vmacName().orElseThrow();
                }
            }
            RawVrrpTransport t = RawVrrpTransport.open(netns, dev, instance, scheduler::execute);
            t.ignoreVrids(siblingVrids);
            transports.add(t);
            return t;
        }

        @Override
        public boolean linkUp(String interfaceName) {
            for (Link l : links) {
                if (interfaceName.equals(l.name())) {
                    return l.operational();
                }
            }
            throw new IllegalStateException(Preconditions.message("track_interface", interfaceName,
                    "an existing interface"));
        }

        @Override
        public void watchLinks(BiConsumer<String, Boolean> listener) throws InterfaceException {
            monitor = LinkMonitor.open(netns, link -> scheduler.execute(() -> listener.accept(link.name(),
                    link.operational())));
            // subscribed now, so also each link as it is: a change between this host's first read and
            // the subscription (a veth's carrier coming up while the JVM started) would otherwise be
            // lost, and an instance left in FAULT; a state told twice changes nothing
            List<Link> now;
            try (Rtnetlink r = Rtnetlink.open(netns)) {
                now = r.links();
            } catch (InterfaceException | RuntimeException e) {
                monitor.close();
                monitor = null;
                throw e;
            }
            for (Link l : now) {
                scheduler.execute(() -> listener.accept(l.name(), l.operational()));
            }
        }

        @Override
        public VrrpListener addressActions(VrrpInstance instance) {
            AddressActions a = new AddressActions(netns, rtnetlink, scheduler,
                    instance.vmacName().orElse(instance.interfaceName()),
                    instance.garp().masterRefresh(), instance.garp().masterRefreshRepeat(), announcers, delegate);
            actions.add(a);
            return a;
        }

        @Override
        public List<String> command(List<String> argv) {
            return Argv.inNamespace(netns, argv);
        }

        @Override
        public void abort() {
            aborted = true;
            actions.forEach(AddressActions::freeze);
            transports.forEach(RawVrrpTransport::close);
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (monitor != null) {
                monitor.close();
            }
            actions.forEach(AddressActions::freeze);
            transports.forEach(RawVrrpTransport::close);
            announcers.values().forEach(NeighbourAnnouncer::close);
            for (VrrpInstance i : vmacs) {
                if (aborted) {
                    Vmacs.forget(netns, i); // a crash leaves the macvlan; the next start takes it over
                } else {
                    Vmacs.release(netns, rtnetlink, i);
                }
            }
            rtnetlink.close();
        }
    }
}
