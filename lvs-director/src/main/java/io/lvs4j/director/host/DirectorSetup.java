package io.lvs4j.director.host;

import io.lvs4j.Forwarding;
import io.lvs4j.internal.Preconditions;
import java.util.ArrayList;
import java.util.List;

/**
 * The director-side kernel settings for a forwarding method, with undo: for NAT
 * {@code net.ipv4.ip_forward=1} (and {@code net.ipv6.conf.all.forwarding=1} with {@link #ipv6(boolean)}),
 * because replies from the real servers are routed through the director; for DR and TUN
 * {@code send_redirects=0} on {@code all}, {@code default} and every existing interface, because
 * the kernel sends ICMP redirects when either {@code all} or the interface's own setting is on, and
 * a director forwarding onto the interface a packet came in on would otherwise tell the client to
 * go to the real server directly.
 *
 * <p>With {@link #activeActive(boolean)} (several directors behind routers' ECMP, each announcing
 * the virtual addresses by BGP: route health injection) also {@code net.ipv4.vs.sloppy_tcp=1}, so
 * that a director takes over a connection mid-flow when the routers move it there (a director
 * that died, or came back). The virtual addresses themselves go on {@code lo} through the
 * director, which adds each while it announces it; no helper puts them there for good.
 *
 * <pre>{@code
 * try (HostChanges undo = DirectorSetup.method(Forwarding.MASQ).netns("lb1").apply()) {
 *     ... run the director ...
 * }
 * }</pre>
 */
public final class DirectorSetup {
    private final Forwarding method;
    private String netns;
    private boolean ipv6;
    private boolean activeActive;

    private DirectorSetup(Forwarding method) {
        this.method = method;
    }

    /** The settings for {@code method}: {@link Forwarding#MASQ} (NAT), {@link Forwarding#ROUTE} (DR), {@link Forwarding#TUNNEL}. */
    public static DirectorSetup method(Forwarding method) {
        Preconditions.checkNotNull(method, "method");
        Preconditions.checkArgument(method != Forwarding.LOCAL, "method", method, "MASQ (NAT), ROUTE (DR) or TUNNEL (TUN)");
        return new DirectorSetup(method);
    }

    /** Apply inside {@code /run/netns/NAME} instead of the caller's namespace. */
    public DirectorSetup netns(String name) {
        this.netns = Applier.checkNetns(name);
        return this;
    }

    /** Also IPv6 forwarding (NAT only; default false). */
    public DirectorSetup ipv6(boolean ipv6) {
        this.ipv6 = ipv6;
        return this;
    }

    /**
     * Also {@code net.ipv4.vs.sloppy_tcp=1}: several active directors behind ECMP (default
     * false). IPVS must be loaded (its sysctls exist only then).
     */
    public DirectorSetup activeActive(boolean activeActive) {
        this.activeActive = activeActive;
        return this;
    }

    /**
     * Applies the settings, each only when needed (a second call changes nothing). On failure
     * what this call changed is undone and the exception says which sysctl failed, with errno.
     */
    public HostChanges apply() throws HostSetupException {
        Applier a = new Applier(netns);
        if (method == Forwarding.MASQ) {
            a.sysctl("net.ipv4.ip_forward", "1");
            if (ipv6) {
                a.sysctl("net.ipv6.conf.all.forwarding", "1");
            }
        } else {
            List<String> names = new ArrayList<>(List.of("all", "default"));
            names.addAll(a.interfaceNames());
            for (String n : names) {
                a.sysctl(Applier.ipv4Conf(n, "send_redirects"), "0");
            }
        }
        if (activeActive) {
            a.sysctl("net.ipv4.vs.sloppy_tcp", "1");
        }
        return a.done();
    }

    @Override
    public String toString() {
        return "DirectorSetup[" + method.keepalivedName() + (netns != null ? " netns " + netns : "")
                + (ipv6 ? " ipv6" : "") + (activeActive ? " active-active" : "") + "]";
    }
}
