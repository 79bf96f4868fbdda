package io.lvs4j.vrrp.linux;

import io.lvs4j.netlink.InterfaceAddress;
import io.lvs4j.netlink.InterfaceException;
import io.lvs4j.netlink.Link;
import io.lvs4j.netlink.Rtnetlink;
import io.lvs4j.netlink.Sysctl;
import io.lvs4j.vrrp.VrrpInstance;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The macvlans of {@code use_vmac}, shared by every node of this JVM (a reload builds the new node
 * before it closes the old one, so both hold the same macvlan for a while): created by the first
 * holder, deleted when the last lets go. keepalived 2.2.7's steps, read from its vrrp_vmac.c,
 * vrrp_if_config.c and vrrp_ipaddress.c: a macvlan in private mode with the virtual MAC
 * (00-00-5E-00-01-VRID, IPv6 00-00-5E-00-02-VRID) on the instance's interface; one left by an
 * earlier run with the right MAC and lower link is taken over, one with another MAC or lower link
 * is replaced (never a link that is not a macvlan). For an IPv4 instance, on the macvlan
 * {@code arp_ignore=1}, {@code accept_local=1}, {@code rp_filter=0}, {@code promote_secondaries=1}
 * and IPv6 disabled when no virtual address is IPv6, and on the base interface {@code arp_ignore=1}
 * and {@code arp_filter=1}, the earlier values put back when its last macvlan goes. For an IPv6
 * instance none of these: IPv6 enabled on the macvlan ({@code disable_ipv6=0}). For both, no
 * address the kernel would make itself ({@code addrgenmode none}); then the macvlan is set up, and
 * an IPv6 instance that sends its adverts there gets the address it sends them from (the base's
 * link-local address unless given) on it, /64 without duplicate address detection.
 */
final class Vmacs {
    private static final Logger LOG = LoggerFactory.getLogger(Vmacs.class);
    private static final int EEXIST = 17;
    private static final int ENODEV = 19;
    private static final int IFA_F_TENTATIVE = 0x40;
    private static final long READY_MILLIS = 2000;

    /** Holders per macvlan, by "netns/name". */
    private static final Map<String, Integer> HOLDERS = new HashMap<>();
    /** The base interface's arp_ignore and arp_filter before its first macvlan, by "netns/base". */
    private static final Map<String, String[]> BASE_SAVED = new HashMap<>();
    /** Macvlans per base interface, by "netns/base". */
    private static final Map<String, Integer> BASE_USERS = new HashMap<>();

    private Vmacs() {}

    private static String key(String netns, String name) {
        return (netns == null ? "" : netns) + "/" + name;
    }

    /** Creates or takes over {@code instance}'s macvlan and sets it up. */
    static synchronized void acquire(String netns, Rtnetlink rt, VrrpInstance instance) throws InterfaceException {
        String name = instance.vmacName().orElseThrow();
        String base = instance.interfaceName();
        String k = key(netns, name);
        Integer held = HOLDERS.get(k);
        if (held != null) {
            HOLDERS.put(k, held + 1);
            return;
        }
        Link lower = rt.link(base);
        byte[] mac = instance.virtualMac();
        Link existing = null;
        for (Link l : rt.links()) {
            if (name.equals(l.name())) {
                existing = l;
            }
        }
        boolean create = true;
        if (existing != null) {
            if (!"macvlan".equals(existing.kind())) {
                throw new InterfaceException("RTM_NEWLINK", "macvlan " + name, EEXIST, "File exists",
                        "interface " + name + " exists and is not a macvlan (kind: "
                                + (existing.kind().isEmpty() ? "none" : existing.kind()) + "); use_vmac leaves it alone");
            }
            if (Arrays.equals(existing.hardwareAddress(), mac) && existing.lowerIndex() == lower.index()) {
                create = false;
                LOG.info("({}) taking over the macvlan {} an earlier run left", instance.name(), name);
            } else {
                LOG.info("({}) replacing the macvlan {} (MAC {}, lower ifindex {}) an earlier run left",
                        instance.name(), name, hex(existing.hardwareAddress()), existing.lowerIndex());
                rt.deleteLink(existing.index());
            }
        }
        if (create) {
            rt.addMacvlan(name, lower.index(), mac);
        }
        Link vmac = rt.link(name);
        boolean baseCounted = false;
        try {
            if (!instance.ipv6()) {
                ipv4Settings(netns, instance, name);
                holdBase(netns, base);
                baseCounted = true;
            }
            ipv6Settings(netns, rt, instance, vmac);
            rt.setLinkUp(vmac.index(), true);
            if (instance.ipv6() && !instance.vmacTransmitOnBase()) {
                addLinkLocal(rt, instance, vmac);
            }
        } catch (InterfaceException | RuntimeException e) {
            if (baseCounted) {
                releaseBase(netns, base);
            }
            deleteQuietly(rt, name);
            throw e;
        }
        HOLDERS.put(k, 1);
        LOG.info("({}) macvlan {} on {} with MAC {}", instance.name(), name, base, hex(mac));
    }

    /**
     * An IPv4 instance's settings on the macvlan: {@code arp_ignore=1}, {@code accept_local=1},
     * {@code rp_filter=0}, {@code promote_secondaries=1} (keepalived sets none of them for IPv6).
     */
    private static void ipv4Settings(String netns, VrrpInstance instance, String name) throws InterfaceException {
        String conf = "net/ipv4/conf/" + name + "/";
        Sysctl.write(netns, conf + "arp_ignore", "1");
        Sysctl.write(netns, conf + "accept_local", "1");
        Sysctl.write(netns, conf + "rp_filter", "0");
        Sysctl.write(netns, conf + "promote_secondaries", "1");
        String all = Sysctl.read(netns, "net/ipv4/conf/all/rp_filter");
        if ("1".equals(all)) {
            LOG.warn("({}) net.ipv4.conf.all.rp_filter is 1 (strict): {} may drop the adverts it receives;"
                    + " keepalived lowers it to 0 and raises each interface's own instead, lvs4j leaves it"
                    + " (set it to 0 or 2)", instance.name(), name);
        }
    }

    /**
     * IPv6 on the macvlan: an IPv6 instance has it enabled ({@code disable_ipv6=0}), an IPv4 one
     * disabled unless an address without a device of its own is IPv6; either way the kernel gives
     * the macvlan no address of its own when it comes up ({@code addrgenmode none}, RFC 5798
     * section 7.4: the virtual MAC's EUI-64 link-local address would be the same on every router).
     * For an IPv6 instance a failure is an error; for an IPv4 one (a kernel without IPv6) it is not.
     */
    private static void ipv6Settings(String netns, Rtnetlink rt, VrrpInstance instance, Link vmac)
            throws InterfaceException {
        boolean v6 = instance.ipv6();
        boolean enable = v6 || instance.virtualAddresses().stream().anyMatch(v -> v.ipv6() && v.device().isEmpty());
        try {
            Sysctl.write(netns, "net/ipv6/conf/" + vmac.name() + "/disable_ipv6", enable ? "0" : "1");
            rt.stopIpv6AddressGeneration(vmac.index());
        } catch (InterfaceException e) {
            if (v6) {
                throw e;
            }
            LOG.debug("({}) no IPv6 settings on {}: {}", instance.name(), vmac.name(), e.getMessage());
        }
    }

    /**
     * An IPv6 instance's adverts leave the macvlan from the address they are sent from (the base
     * interface's link-local address unless given): on the macvlan, /64, without duplicate address
     * detection (a macvlan taken over has it already). The kernel keeps it tentative, so that no
     * socket can bind to it, until the macvlan is ready after coming up: waited for, at most
     * {@value #READY_MILLIS} ms.
     */
    private static void addLinkLocal(Rtnetlink rt, VrrpInstance instance, Link vmac) throws InterfaceException {
        InetAddress source = instance.sourceAddress().orElseThrow();
        try {
            rt.addAddress(InterfaceAddress.of(vmac.index(), source, 64));
        } catch (InterfaceException e) {
            if (e.errno() != EEXIST) {
                throw e;
            }
        }
        long end = System.nanoTime() + READY_MILLIS * 1_000_000L;
        while (true) {
            boolean tentative = rt.addresses(vmac.index()).stream()
                    .anyMatch(a -> a.address().equals(source) && (a.flags() & IFA_F_TENTATIVE) != 0);
            if (!tentative || System.nanoTime() > end) {
                return; // still tentative: the socket's bind says so
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Counts one more macvlan of an IPv4 instance on {@code base}; the first sets
     * {@code arp_ignore=1} and {@code arp_filter=1} on it, keeping the earlier values.
     */
    private static void holdBase(String netns, String base) throws InterfaceException {
        String bk = key(netns, base);
        if (!BASE_USERS.containsKey(bk)) {
            String bconf = "net/ipv4/conf/" + base + "/";
            String[] saved = {Sysctl.read(netns, bconf + "arp_ignore"), Sysctl.read(netns, bconf + "arp_filter")};
            Sysctl.write(netns, bconf + "arp_ignore", "1");
            Sysctl.write(netns, bconf + "arp_filter", "1");
            BASE_SAVED.put(bk, saved);
        }
        BASE_USERS.merge(bk, 1, Integer::sum);
    }

    /** Lets go of {@code instance}'s macvlan: the last holder deletes it and restores the base's settings. */
    static synchronized void release(String netns, Rtnetlink rt, VrrpInstance instance) {
        String name = instance.vmacName().orElseThrow();
        if (!lastOf(HOLDERS, key(netns, name))) {
            return;
        }
        if (!instance.ipv6()) {
            releaseBase(netns, instance.interfaceName());
        }
        deleteQuietly(rt, name);
    }

    /** After a simulated crash: lets go of the macvlan without deleting it or restoring anything. */
    static synchronized void forget(String netns, VrrpInstance instance) {
        if (!lastOf(HOLDERS, key(netns, instance.vmacName().orElseThrow())) || instance.ipv6()) {
            return;
        }
        String bk = key(netns, instance.interfaceName());
        if (!BASE_USERS.containsKey(bk) || lastOf(BASE_USERS, bk)) {
            BASE_SAVED.remove(bk);
        }
    }

    /**
     * Counts one user of {@code k} off {@code counts}: whether that was the last one (then the key is
     * gone). A key with no count: false, nothing to let go of.
     */
    private static boolean lastOf(Map<String, Integer> counts, String k) {
        Integer n = counts.get(k);
        if (n == null) {
            return false;
        }
        if (n > 1) {
            counts.put(k, n - 1);
            return false;
        }
        counts.remove(k);
        return true;
    }

    private static void releaseBase(String netns, String base) {
        String bk = key(netns, base);
        if (BASE_USERS.containsKey(bk) && !lastOf(BASE_USERS, bk)) {
            return;
        }
        String[] saved = BASE_SAVED.remove(bk);
        if (saved != null) {
            String bconf = "net/ipv4/conf/" + base + "/";
            try {
                Sysctl.write(netns, bconf + "arp_ignore", saved[0]);
                Sysctl.write(netns, bconf + "arp_filter", saved[1]);
            } catch (InterfaceException e) {
                LOG.warn("cannot restore arp_ignore/arp_filter of {}: {}", base, e.getMessage());
            }
        }
    }

    private static void deleteQuietly(Rtnetlink rt, String name) {
        try {
            Link l = rt.link(name);
            if ("macvlan".equals(l.kind())) {
                rt.deleteLink(l.index());
            }
        } catch (InterfaceException e) {
            if (e.errno() != ENODEV) {
                LOG.warn("cannot delete macvlan {}: {}", name, e.getMessage());
            }
        }
    }

    private static String hex(byte[] mac) {
        return mac == null ? "none" : HexFormat.ofDelimiter(":").formatHex(mac);
    }
}
