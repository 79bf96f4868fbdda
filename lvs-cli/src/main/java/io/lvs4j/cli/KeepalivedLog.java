package io.lvs4j.cli;

import io.lvs4j.Change;
import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.director.DirectorEvent;
import io.lvs4j.health.HealthEvent;
import io.lvs4j.internal.Addresses;
import io.lvs4j.vrrp.RouterState;
import java.io.PrintStream;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * A director's events as keepalived 2.2.7 words them in its log (as observed in lab/oracle's
 * transcript: {@code TCP_CHECK on service [198.51.100.12]:tcp:80 failed.}, {@code Removing service
 * [198.51.100.12]:tcp:80 from VS [192.0.2.50]:tcp:80}, {@code Gained quorum 1+0=1 <= 6 for VS ...}).
 * VRRP transitions are logged by the VRRP engine itself ({@code (VI_1) Entering MASTER STATE}).
 */
final class KeepalivedLog {
    private KeepalivedLog() {}

    /** {@code [192.0.2.50]:tcp:80}, or {@code FWM 7}. */
    static String vs(ServiceKey k) {
        if (k.isFwmark()) {
            return "FWM " + k.fwmark();
        }
        return "[" + Addresses.format(k.address()) + "]:" + k.protocol().name().toLowerCase(Locale.ROOT) + ":" + k.port();
    }

    /** {@code [198.51.100.12]:tcp:80}; fwmark services' real servers as {@code [198.51.100.14]:none:0}. */
    static String rs(ServiceKey k, RealServer r) {
        String proto = k.isFwmark() ? "none" : k.protocol().name().toLowerCase(Locale.ROOT);
        return "[" + Addresses.format(r.address()) + "]:" + proto + ":" + r.port();
    }

    /** The lines for one event (none for some). */
    static void print(DirectorEvent e, PrintStream out) {
        if (e instanceof DirectorEvent.Health h) {
            health(h.event(), out);
        } else if (e instanceof DirectorEvent.VrrpTransition t) {
            if (t.to() == RouterState.INIT) {
                out.println("(" + t.instance() + ") Stopped (was " + t.from() + ")");
            }
        } else if (e instanceof DirectorEvent.KernelChange k) {
            for (Change c : k.applied()) {
                out.println("IPVS: " + c);
            }
        } else if (e instanceof DirectorEvent.Repaired r) {
            out.println("IPVS table drifted from the configuration (flushed or changed behind our back):"
                    + " repairing with " + r.applied().size() + " changes");
        } else if (e instanceof DirectorEvent.Failure f) {
            out.println("Error: " + f.operation() + ": " + f.error().getMessage());
        } else if (e instanceof DirectorEvent.Recovered r) {
            out.println("Recovering after the lvs4j run (PID " + r.previousPid() + ") that ended without cleaning up");
            if (!r.addressesRemoved().isEmpty()) {
                out.println("Removing stale VIPs: " + joined(r.addressesRemoved(), ", "));
            }
            for (ServiceKey k : r.servicesRemoved()) {
                out.println("Removing VS " + vs(k) + ": no longer in the configuration");
            }
            for (ServiceKey k : r.servicesAdopted()) {
                out.println("Adopting VS " + vs(k) + " as it is in the kernel (its connections kept)");
            }
        } else if (e instanceof DirectorEvent.Routes r) {
            if (!r.announced().isEmpty()) {
                out.println("BGP: announcing " + addresses(r.announced()));
            }
            if (!r.withdrawn().isEmpty()) {
                out.println("BGP: withdrawing " + addresses(r.withdrawn()));
            }
        } else if (e instanceof DirectorEvent.ConfigApplied c) {
            out.println("Reloaded: VRRP kept " + c.vrrpKept() + ", restarted " + c.vrrpRestarted() + "; services changed "
                    + c.servicesChanged());
        }
        out.flush();
    }

    private static String joined(List<?> items, String separator) {
        StringJoiner j = new StringJoiner(separator);
        for (Object o : items) {
            j.add(o.toString());
        }
        return j.toString();
    }

    private static String addresses(List<InetAddress> addresses) {
        StringJoiner j = new StringJoiner(" ");
        for (InetAddress a : addresses) {
            j.add(Addresses.format(a));
        }
        return j.toString();
    }

    private static void health(HealthEvent e, PrintStream out) {
        ServiceKey k = e.service();
        RealServer r = e.realServer();
        String checker = e.checker() == null ? "CHECK" : e.checker().split(" ", 2)[0];
        switch (e.type()) {
            case REAL_SERVER_DOWN -> {
                out.println(checker + " on service " + rs(k, r) + " failed.");
                out.println((e.weight() == 0 ? "Disabling service " : "Removing service ") + rs(k, r) + " from VS " + vs(k));
            }
            case REAL_SERVER_UP -> {
                out.println(checker.equals("TCP_CHECK") ? "TCP connection to " + rs(k, r) + " success."
                        : checker + " on service " + rs(k, r) + " succeeded.");
                out.println("Adding service " + rs(k, r) + " to VS " + vs(k));
            }
            case WEIGHT_CHANGED -> out.println("Changing weight of service " + rs(k, r) + " in VS " + vs(k) + ": "
                    + e.detail());
            case QUORUM_UP -> out.println("Gained quorum for VS " + vs(k) + " (" + e.detail() + ")");
            case QUORUM_DOWN -> out.println("Lost quorum for VS " + vs(k) + " (" + e.detail() + ")");
            // sorry_server_inhibit: keepalived enables and disables (weight 0) instead of adding and removing
            case SORRY_SERVER_ON -> out.println((e.detail() != null && e.detail().contains("inhibited") ? "Enabling"
                    : "Adding") + " sorry server " + rs(k, r) + " to VS " + vs(k));
            case SORRY_SERVER_OFF -> out.println((e.weight() == 0 ? "Disabling" : "Removing") + " sorry server "
                    + rs(k, r) + " from VS " + vs(k));
            case ACTION_FAILED -> out.println("Error: " + vs(k) + ": " + e.detail());
            default -> out.println(e);
        }
    }
}
