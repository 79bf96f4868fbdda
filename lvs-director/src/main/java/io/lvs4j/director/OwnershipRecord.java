package io.lvs4j.director;

import io.lvs4j.AddressFamily;
import io.lvs4j.Protocol;
import io.lvs4j.ServiceKey;
import io.lvs4j.SyncDaemon;
import io.lvs4j.internal.Addresses;
import io.lvs4j.vrrp.VirtualAddress;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a running director owns in its network namespace, as written under its run directory so
 * that the next start can clean up after a crash: the VRRP virtual addresses it may put on
 * interfaces (with the interface and whether they are up now), the addresses route health
 * injection may put on its device, the IPVS services it manages, and the sync daemons it started.
 * One line per item, e.g.
 *
 * <pre>
 * lvs4j-ownership 1
 * pid 1234
 * boot-id 3f1e...
 * netns web
 * vip 192.0.2.10/32 dev eth0 held instance VI_1
 * vip 192.0.2.11/32 dev eth0 - instance VI_1
 * rhi-address 198.51.100.10/32 dev lo
 * service TCP 192.0.2.10:80
 * service FWM 7 IPv6
 * sync-daemon MASTER dev eth0 syncid 51
 * </pre>
 */
final class OwnershipRecord {
    static final String MAGIC = "lvs4j-ownership 1";

    /** A virtual address on {@code device}, of VRRP instance {@code instance}; {@code held} while its master has it up. */
    record Vip(String instance, InetAddress address, int prefixLength, String device, boolean held) {
        Vip {
            Objects.requireNonNull(instance, "instance");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(device, "device");
        }

        String text() {
            return Addresses.format(address) + "/" + prefixLength + " dev " + device;
        }

        /** As a VRRP virtual address on its device ({@code toString()} is {@link #text()}). */
        VirtualAddress asVirtualAddress() {
            return VirtualAddress.builder(address).prefixLength(prefixLength).device(device).build();
        }
    }

    /** An address route health injection may put on {@code device} (a host address: /32, /128). */
    record Route(InetAddress address, String device) {
        Route {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(device, "device");
        }

        int prefixLength() {
            return address.getAddress().length * 8;
        }

        String text() {
            return Addresses.format(address) + "/" + prefixLength() + " dev " + device;
        }
    }

    /** A sync daemon the director started. */
    record Daemon(SyncDaemon.Role role, String interfaceName, int syncId) {}

    final long pid;
    final String bootId;
    final String netns;
    final List<Vip> vips;
    final List<Route> routes;
    final Set<ServiceKey> services;
    final List<Daemon> daemons;

    OwnershipRecord(long pid, String bootId, String netns, List<Vip> vips, Set<ServiceKey> services,
            List<Daemon> daemons) {
        this(pid, bootId, netns, vips, List.of(), services, daemons);
    }

    OwnershipRecord(long pid, String bootId, String netns, List<Vip> vips, List<Route> routes,
            Set<ServiceKey> services, List<Daemon> daemons) {
        this.pid = pid;
        this.routes = List.copyOf(routes);
        this.bootId = bootId == null ? "" : bootId;
        this.netns = netns;
        this.vips = List.copyOf(vips);
        this.services = java.util.Collections.unmodifiableSet(new TreeSet<>(services));
        this.daemons = List.copyOf(daemons);
    }

    /** Nothing owned: a clean record for the namespace. */
    boolean isEmpty() {
        return vips.isEmpty() && routes.isEmpty() && services.isEmpty() && daemons.isEmpty();
    }

    String format() {
        StringBuilder sb = new StringBuilder();
        sb.append(MAGIC).append('\n');
        sb.append("# what the lvs4j director of this network namespace owns, for the recovery after a crash;"
                + " written by the director, do not edit\n");
        sb.append("pid ").append(pid).append('\n');
        if (!bootId.isEmpty()) {
            sb.append("boot-id ").append(bootId).append('\n');
        }
        sb.append("netns ").append(netns == null ? "-" : netns).append('\n');
        for (Vip v : vips) {
            sb.append("vip ").append(Addresses.format(v.address())).append('/').append(v.prefixLength())
                    .append(" dev ").append(v.device()).append(v.held() ? " held" : " -").append(" instance ")
                    .append(v.instance()).append('\n');
        }
        for (Route r : routes) {
            sb.append("rhi-address ").append(r.text()).append('\n');
        }
        for (ServiceKey k : services) {
            sb.append("service ").append(k).append('\n');
        }
        for (Daemon d : daemons) {
            sb.append("sync-daemon ").append(d.role()).append(" dev ").append(d.interfaceName()).append(" syncid ")
                    .append(d.syncId()).append('\n');
        }
        return sb.toString();
    }

    /**
     * Reads a record as {@link #format()} writes it.
     *
     * @throws IllegalArgumentException naming {@code name}, the line and what was expected
     */
    static OwnershipRecord parse(String name, String text) {
        String[] lines = text.split("\n", -1);
        if (lines.length == 0 || !lines[0].equals(MAGIC)) {
            throw new IllegalArgumentException(name + ":1: " + io.lvs4j.internal.Preconditions.message("header",
                    lines.length == 0 ? "" : lines[0], MAGIC));
        }
        long pid = -1;
        String bootId = "";
        String netns = null;
        List<Vip> vips = new ArrayList<>();
        List<Route> routes = new ArrayList<>();
        Set<ServiceKey> services = new TreeSet<>();
        List<Daemon> daemons = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] w = line.split(" +");
            String where = name + ":" + (i + 1) + ": ";
            try {
                switch (w[0]) {
                    case "pid" -> {
                        words(w, 2, "pid N");
                        pid = Long.parseLong(w[1]);
                    }
                    case "boot-id" -> {
                        words(w, 2, "boot-id ID");
                        bootId = w[1];
                    }
                    case "netns" -> {
                        words(w, 2, "netns NAME");
                        netns = w[1].equals("-") ? null : w[1];
                    }
                    case "vip" -> vips.add(vip(w));
                    case "rhi-address" -> routes.add(route(w));
                    case "service" -> services.add(service(w));
                    case "sync-daemon" -> {
                        words(w, 6, "sync-daemon MASTER|BACKUP dev IF syncid N");
                        expect(w[2], "dev");
                        expect(w[4], "syncid");
                        daemons.add(new Daemon(SyncDaemon.Role.valueOf(w[1]), w[3], Integer.parseInt(w[5])));
                    }
                    default -> throw new IllegalArgumentException(io.lvs4j.internal.Preconditions.message("keyword",
                            w[0], "one of pid, boot-id, netns, vip, rhi-address, service, sync-daemon"));
                }
            } catch (IllegalArgumentException e) { // NumberFormatException too
                throw new IllegalArgumentException(where + e.getMessage(), e);
            }
        }
        return new OwnershipRecord(pid, bootId, netns, vips, routes, services, daemons);
    }

    /** The address of an {@code ADDRESS/PREFIX} word. */
    private static InetAddress address(String word, String name) {
        int slash = word.indexOf('/');
        if (slash < 0) {
            throw io.lvs4j.internal.Preconditions.invalid(name, word, "ADDRESS/PREFIX");
        }
        return Addresses.parse(word.substring(0, slash), name);
    }

    /** The prefix of an {@code ADDRESS/PREFIX} word that {@link #address} accepted. */
    private static int prefix(String word) {
        return Integer.parseInt(word.substring(word.indexOf('/') + 1));
    }

    private static Route route(String[] w) {
        words(w, 4, "rhi-address ADDRESS/PREFIX dev IF");
        InetAddress a = address(w[1], "rhi-address");
        int full = a.getAddress().length * 8;
        io.lvs4j.internal.Preconditions.checkInRange(prefix(w[1]), full, full, "rhi-address prefix");
        expect(w[2], "dev");
        return new Route(a, w[3]);
    }

    private static Vip vip(String[] w) {
        words(w, 7, "vip ADDRESS/PREFIX dev IF held|- instance NAME");
        InetAddress a = address(w[1], "vip");
        int prefix = prefix(w[1]);
        io.lvs4j.internal.Preconditions.checkInRange(prefix, 0, a.getAddress().length * 8, "prefix");
        expect(w[2], "dev");
        if (!w[4].equals("held") && !w[4].equals("-")) {
            throw io.lvs4j.internal.Preconditions.invalid("vip state", w[4], "held or -");
        }
        expect(w[5], "instance");
        return new Vip(w[6], a, prefix, w[3], w[4].equals("held"));
    }

    /** {@code service TCP 192.0.2.10:80}, {@code service UDP [2001:db8::1]:53}, {@code service FWM 7 [IPv6]}. */
    private static ServiceKey service(String[] w) {
        if (w.length >= 3 && w[1].equals("FWM")) {
            if (w.length > 4 || (w.length == 4 && !w[3].equals("IPv6"))) {
                throw io.lvs4j.internal.Preconditions.invalid("service", String.join(" ", w), "FWM MARK [IPv6]");
            }
            return ServiceKey.fwmark(Long.parseLong(w[2]), w.length == 4 ? AddressFamily.INET6 : AddressFamily.INET);
        }
        words(w, 3, "service PROTOCOL ADDRESS:PORT");
        Protocol p = Protocol.valueOf(w[1]);
        String ep = w[2];
        int colon = ep.lastIndexOf(':');
        if (colon < 0) {
            throw io.lvs4j.internal.Preconditions.invalid("service", ep, "ADDRESS:PORT or [ADDRESS]:PORT");
        }
        String host = ep.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return ServiceKey.of(p, Addresses.parse(host, "service address"), Integer.parseInt(ep.substring(colon + 1)));
    }

    private static void words(String[] w, int n, String expected) {
        if (w.length != n) {
            throw io.lvs4j.internal.Preconditions.invalid("line", String.join(" ", w), expected);
        }
    }

    private static void expect(String word, String want) {
        if (!word.equals(want)) {
            throw io.lvs4j.internal.Preconditions.invalid("word", word, want);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OwnershipRecord r && pid == r.pid && bootId.equals(r.bootId) && Objects.equals(netns, r.netns)
                && vips.equals(r.vips) && routes.equals(r.routes) && services.equals(r.services)
                && daemons.equals(r.daemons);
    }

    @Override
    public int hashCode() {
        return Objects.hash(pid, bootId, netns, vips, routes, services, daemons);
    }

    @Override
    public String toString() {
        return format();
    }
}
