package io.lvs4j.director.host;

import io.lvs4j.Forwarding;
import io.lvs4j.internal.Addresses;
import io.lvs4j.internal.Preconditions;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;

/**
 * The real-server side of LVS-DR and LVS-TUN as one call: the virtual IP on {@code lo} as a host
 * address (/32, /128 for IPv6) so the server accepts packets for it, and for IPv4 the ARP
 * settings that keep it from answering or announcing the VIP ({@code net.ipv4.conf.all} and
 * {@code .lo}: {@code arp_ignore=1}, {@code arp_announce=2}). For TUN also {@code tunl0} (the
 * {@code ipip} module's device) set up with {@code rp_filter=0} on it and on {@code all}, because
 * decapsulated packets arrive on {@code tunl0} for an address on {@code lo}. No host route is
 * added: the kernel puts the VIP into its {@code local} table as soon as it is on {@code lo}.
 *
 * <pre>{@code
 * HostChanges undo = RealServerSetup.vip("192.0.2.100").netns("rs1").apply();
 * ...
 * undo.undo();   // back to exactly the previous values; what was there before stays
 * }</pre>
 */
public final class RealServerSetup {
    private final InetAddress vip;
    private Forwarding method = Forwarding.ROUTE;
    private String netns;

    private RealServerSetup(InetAddress vip) {
        this.vip = vip;
    }

    /** The recipe for {@code vip}, an IPv4 or IPv6 literal; DR in the caller's namespace unless changed. */
    public static RealServerSetup vip(String vip) {
        return new RealServerSetup(Addresses.parse(vip, "vip"));
    }

    /** The recipe for {@code vip}. */
    public static RealServerSetup vip(InetAddress vip) {
        return new RealServerSetup(Preconditions.checkNotNull(vip, "vip"));
    }

    /** {@link Forwarding#ROUTE} (DR, the default) or {@link Forwarding#TUNNEL}; NAT needs nothing on a real server. */
    public RealServerSetup method(Forwarding method) {
        Preconditions.checkNotNull(method, "method");
        Preconditions.checkArgument(method == Forwarding.ROUTE || method == Forwarding.TUNNEL, "method", method,
                "ROUTE (DR) or TUNNEL (TUN); a NAT real server needs only its default route via the director");
        this.method = method;
        return this;
    }

    /** Apply inside {@code /run/netns/NAME} instead of the caller's namespace. */
    public RealServerSetup netns(String name) {
        this.netns = Applier.checkNetns(name);
        return this;
    }

    /** The changes this recipe wants, in order, as {@code sysctl NAME=VALUE} and {@code address ADDR/P dev IF} lines. */
    public List<String> plan() {
        boolean v4 = vip instanceof Inet4Address;
        String addr = "address " + Addresses.format(vip) + "/" + (v4 ? 32 : 128) + " dev lo";
        if (!v4) {
            return method == Forwarding.TUNNEL ? List.of("link ip6tnl0 up", addr) : List.of(addr);
        }
        List<String> arp = List.of("sysctl net.ipv4.conf.all.arp_ignore=1", "sysctl net.ipv4.conf.lo.arp_ignore=1",
                "sysctl net.ipv4.conf.all.arp_announce=2", "sysctl net.ipv4.conf.lo.arp_announce=2");
        if (method == Forwarding.TUNNEL) {
            return concat(arp, List.of("link tunl0 up", "sysctl net.ipv4.conf.tunl0.rp_filter=0",
                    "sysctl net.ipv4.conf.all.rp_filter=0", addr));
        }
        return concat(arp, List.of(addr));
    }

    /**
     * Applies {@link #plan()}: each step only when needed, so a second call changes nothing.
     * On failure what this call changed is undone and the exception says which sysctl or interface
     * failed, with errno.
     */
    public HostChanges apply() throws HostSetupException {
        Applier a = new Applier(netns);
        for (String step : plan()) {
            String[] w = step.split(" ");
            switch (w[0]) {
                case "sysctl" -> {
                    int eq = w[1].indexOf('=');
                    a.sysctl(w[1].substring(0, eq), w[1].substring(eq + 1));
                }
                case "link" -> a.linkUp(w[1]);
                default -> a.address(w[3], vip, vip instanceof Inet4Address ? 32 : 128);
            }
        }
        return a.done();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    @Override
    public String toString() {
        return "RealServerSetup[" + Addresses.format(vip) + " " + method.keepalivedName()
                + (netns != null ? " netns " + netns : "") + "]";
    }
}
