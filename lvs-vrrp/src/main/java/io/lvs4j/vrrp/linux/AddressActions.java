package io.lvs4j.vrrp.linux;

import io.lvs4j.netlink.InterfaceAddress;
import io.lvs4j.netlink.InterfaceException;
import io.lvs4j.netlink.NeighbourAnnouncer;
import io.lvs4j.netlink.Rtnetlink;
import io.lvs4j.vrrp.RouterState;
import io.lvs4j.vrrp.VrrpEvent;
import io.lvs4j.vrrp.VrrpListener;
import io.lvs4j.vrrp.VirtualAddress;
import io.lvs4j.vrrp.spi.AddressDelegate;
import io.lvs4j.time.Scheduler;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a router's address events on the kernel: {@code AddressesAdded}/{@code Removed}
 * through rtnetlink (prefix, broadcast, label, scope; IPv6 with {@code IFA_F_NODAD} as keepalived
 * does), {@code GratuitousArpRequested} as gratuitous ARPs / unsolicited neighbour advertisements,
 * {@code repeat} now and {@code repeat} again after the delay, and {@code garp_master_refresh}
 * while master. Runs on the scheduler's thread (rtnetlink requests take well under a millisecond).
 * Addresses an {@link AddressDelegate} handles go to it instead of the kernel and the announcer.
 */
final class AddressActions implements VrrpListener {
    private static final Logger LOG = LoggerFactory.getLogger(AddressActions.class);
    private static final int EEXIST = 17;
    private static final int EADDRNOTAVAIL = 99;

    private final String netns;
    private final Rtnetlink rtnetlink;
    private final Scheduler scheduler;
    private final String defaultInterface;
    private final Duration refresh;
    private final int refreshRepeat;
    private final Map<String, Integer> indexes = new HashMap<>();
    private final Map<String, NeighbourAnnouncer> announcers;
    private final AddressDelegate delegate;
    private boolean master;
    private Scheduler.Timer refreshTimer;
    private List<VirtualAddress> held = List.of();
    private boolean frozen;

    AddressActions(String netns, Rtnetlink rtnetlink, Scheduler scheduler, String defaultInterface,
            Duration refresh, int refreshRepeat, Map<String, NeighbourAnnouncer> sharedAnnouncers,
            AddressDelegate delegate) {
        this.delegate = delegate;
        this.netns = netns;
        this.rtnetlink = rtnetlink;
        this.scheduler = scheduler;
        this.defaultInterface = defaultInterface;
        this.refresh = refresh;
        this.refreshRepeat = refreshRepeat;
        this.announcers = sharedAnnouncers;
    }

    /** From now on, leaves the kernel's addresses alone (a simulated crash keeps its VIPs). */
    void freeze() {
        frozen = true;
        master = false;
    }

    @Override
    public void onEvent(VrrpEvent event) {
        if (frozen) {
            return;
        }
        if (event instanceof VrrpEvent.AddressesAdded a) {
            held = a.addresses();
            for (VirtualAddress v : a.addresses()) {
                change(event.instance(), v, true);
            }
        } else if (event instanceof VrrpEvent.AddressesRemoved r) {
            for (VirtualAddress v : r.addresses()) {
                change(event.instance(), v, false);
            }
        } else if (event instanceof VrrpEvent.GratuitousArpRequested g) {
            announce(event.instance(), g.addresses(), g.repeat());
            if (!g.delay().isZero() && g.repeat() > 0) {
                scheduler.schedule(g.delay().toNanos(), () -> {
                    if (master) {
                        announce(g.instance(), g.addresses(), g.repeat());
                    }
                });
            }
        } else if (event instanceof VrrpEvent.StateChanged s) {
            master = s.to() == RouterState.MASTER;
            if (refreshTimer != null) {
                refreshTimer.cancel();
                refreshTimer = null;
            }
            if (master && refresh != null && !refresh.isZero()) {
                scheduleRefresh(s.instance());
            }
        }
    }

    private void scheduleRefresh(String instance) {
        refreshTimer = scheduler.schedule(refresh.toNanos(), () -> {
            if (master) {
                announce(instance, held, refreshRepeat);
                scheduleRefresh(instance);
            }
        });
    }

    private void change(String instance, VirtualAddress v, boolean add) {
        if (delegated(instance, v)) {
            try {
                if (add) {
                    delegate.take(instance, v);
                } else {
                    delegate.release(instance, v);
                }
            } catch (RuntimeException e) {
                LOG.warn("({}) cannot {} {}: {}", instance, add ? "take" : "release", v.address().getHostAddress(),
                        e.toString());
            }
            return;
        }
        String dev = v.device().orElse(defaultInterface);
        InterfaceAddress a;
        try {
            a = toInterfaceAddress(v, index(dev));
        } catch (InterfaceException e) {
            LOG.warn("({}) cannot {} {}: {}", instance, add ? "add" : "remove", v.address().getHostAddress(), e.getMessage());
            return;
        }
        try {
            if (add) {
                rtnetlink.addAddress(a);
            } else {
                rtnetlink.removeAddress(a);
            }
        } catch (InterfaceException e) {
            if (e.errno() != (add ? EEXIST : EADDRNOTAVAIL)) {
                LOG.warn("({}) cannot {} {}: {}", instance, add ? "add" : "remove", a, e.getMessage());
            }
        }
    }

    private int index(String dev) throws InterfaceException {
        Integer i = indexes.get(dev);
        if (i == null) {
            i = rtnetlink.linkIndex(dev);
            indexes.put(dev, i);
        }
        return i;
    }

    static InterfaceAddress toInterfaceAddress(VirtualAddress v, int index) {
        boolean v4 = !v.ipv6();
        return new InterfaceAddress(index, v.address(), v.prefixLength(), v4 ? v.broadcast().orElse(null) : null,
                v4 ? v.label().orElse(null) : null, v.scope(), v4 ? 0 : InterfaceAddress.NODAD);
    }

    private void announce(String instance, List<VirtualAddress> addresses, int repeat) {
        for (VirtualAddress v : addresses) {
            if (delegated(instance, v)) {
                try {
                    delegate.announce(instance, v, repeat);
                } catch (RuntimeException e) {
                    LOG.warn("({}) cannot announce {}: {}", instance, v.address().getHostAddress(), e.toString());
                }
                continue;
            }
            String dev = v.device().orElse(defaultInterface);
            try {
                NeighbourAnnouncer a = announcers.get(dev);
                if (a == null) {
                    a = NeighbourAnnouncer.open(netns, dev);
                    announcers.put(dev, a);
                }
                for (int i = 0; i < repeat; i++) {
                    a.announce(v.address());
                }
            } catch (InterfaceException e) {
                LOG.warn("({}) cannot announce {}: {}", instance, v.address().getHostAddress(), e.getMessage());
            }
        }
    }

    private boolean delegated(String instance, VirtualAddress v) {
        return delegate != null && delegate.handles(instance, v);
    }
}
