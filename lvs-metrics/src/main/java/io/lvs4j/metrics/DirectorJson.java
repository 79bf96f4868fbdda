package io.lvs4j.metrics;

import io.lvs4j.Change;
import io.lvs4j.RealServer;
import io.lvs4j.SyncDaemon;
import io.lvs4j.bgp.BgpSession;
import io.lvs4j.director.Director;
import io.lvs4j.director.DirectorEvent;
import io.lvs4j.director.DirectorListener;
import io.lvs4j.director.DirectorState;
import io.lvs4j.health.HealthEvent;
import io.lvs4j.internal.Addresses;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.table.Drain;
import io.lvs4j.table.IpvsStats;
import io.lvs4j.vrrp.TrackedObject;
import io.lvs4j.vrrp.VirtualAddress;
import java.io.Flushable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.List;

/**
 * A director's state as JSON and its events as JSON lines, for programs: what
 * {@code lvs4j status --json} prints and {@code lvs4j run --http}'s {@code /status} and
 * {@code /events} serve.
 *
 * <pre>{@code
 * String json = DirectorJson.state(director);
 * director.addListener(DirectorJson.ndjson(writer)); // one JSON object per event and line
 * }</pre>
 *
 * <p>The state: {@code instances} (name, state, priority, effectivePriority, virtualAddresses,
 * addressesHeld, {@code trackedScripts} and {@code trackedInterfaces}: name, state UP or DOWN,
 * weight, reverse), {@code services} (key, protocol/address/port or fwmark, scheduler,
 * configuredScheduler, inKernel, settingsApplied, quorumUp, connection counts, stats, and
 * {@code realServers} with address, port, forwarding, role, health, the configured
 * {@code weight}, the {@code desiredWeight} health wants and the {@code kernelWeight} the table
 * has, null when none; {@code inKernel} and {@code kernelWeight} keep their names for scripts
 * that read them, and are {@code DirectorState}'s {@code installed()} and {@code appliedWeight()},
 * whatever table the director programs), {@code syncDaemons}, {@code bgpSessions} (neighbor, remoteAs, state,
 * uptimeMillis, announced, messagesReceived, messagesSent, establishedTransitions) and
 * {@code announcedAddresses} of route health injection. An event: {@code sequence}, {@code nanos} (the
 * director's clock), {@code type} ({@code vrrpTransition}, {@code virtualAddresses},
 * {@code health}, {@code kernelChange}, {@code configApplied}, {@code failure}) and the fields of
 * its kind.
 */
public final class DirectorJson {
    private DirectorJson() {}

    /**
     * The state as indented JSON, ending with a newline, with empty {@code bgpSessions} and
     * {@code announcedAddresses}: a director with route health injection is written by
     * {@link #state(Director)} or {@link #state(DirectorState, List, List)}.
     */
    public static String state(DirectorState s) {
        return state(s, List.of(), List.of());
    }

    /**
     * The director's last published state ({@link Director#state()}) and its BGP sessions and
     * announced addresses now, as indented JSON ending with a newline.
     */
    public static String state(Director director) {
        Preconditions.checkNotNull(director, "director");
        return state(director.state(), director.bgpSessions(), director.announcedAddresses());
    }

    /**
     * The state with the BGP sessions of route health injection ({@link Director#bgpSessions()})
     * and the addresses it announces ({@link Director#announcedAddresses()}), as indented JSON
     * ending with a newline.
     */
    public static String state(DirectorState s, List<BgpSession> bgpSessions, List<InetAddress> announcedAddresses) {
        Preconditions.checkNotNull(s, "state");
        Preconditions.checkNotNull(bgpSessions, "bgpSessions");
        Preconditions.checkNotNull(announcedAddresses, "announcedAddresses");
        StringBuilder sb = new StringBuilder();
        JsonWriter g = new JsonWriter(sb, true);
        g.beginObject();
        g.name("instances").beginArray();
        for (DirectorState.Instance i : s.instances()) {
            g.beginObject();
            g.field("name", i.name());
            g.field("state", i.state().name());
            g.field("priority", i.priority());
            g.field("effectivePriority", i.effectivePriority());
            g.name("virtualAddresses").beginArray();
            for (String a : i.virtualAddresses()) {
                g.value(a);
            }
            g.endArray();
            g.field("addressesHeld", i.addressesHeld());
            tracked(g, "trackedScripts", i.trackedScripts());
            tracked(g, "trackedInterfaces", i.trackedInterfaces());
            g.endObject();
        }
        g.endArray();
        g.name("services").beginArray();
        for (DirectorState.Service v : s.services()) {
            g.beginObject();
            g.field("key", v.key().toString());
            if (v.key().isFwmark()) {
                g.field("fwmark", v.key().fwmark());
            } else {
                g.field("protocol", v.key().protocol().name());
                g.field("address", Addresses.format(v.key().address()));
                g.field("port", v.key().port());
            }
            g.field("scheduler", v.scheduler().toString());
            g.field("configuredScheduler", v.configured().scheduler().toString());
            g.field("inKernel", v.installed());
            g.field("settingsApplied", v.settingsApplied());
            g.field("quorumUp", v.quorumUp());
            g.field("activeConnections", v.activeConnections());
            g.field("inactiveConnections", v.inactiveConnections());
            stats(g, v.stats());
            g.name("realServers").beginArray();
            for (DirectorState.Server r : v.realServers()) {
                RealServer c = r.configured();
                g.beginObject();
                g.field("address", Addresses.format(c.address()));
                g.field("port", c.port());
                g.field("forwarding", c.forwarding().keepalivedName());
                g.field("role", r.role().name());
                g.field("health", r.health().name());
                g.field("weight", c.weight());
                g.name("desiredWeight");
                if (r.desiredWeight() >= 0) {
                    g.value(r.desiredWeight());
                } else {
                    g.nullValue();
                }
                g.name("kernelWeight");
                if (r.installed()) {
                    g.value(r.appliedWeight());
                } else {
                    g.nullValue();
                }
                g.field("activeConnections", r.activeConnections());
                g.field("inactiveConnections", r.inactiveConnections());
                stats(g, r.stats());
                g.endObject();
            }
            g.endArray();
            g.endObject();
        }
        g.endArray();
        g.name("syncDaemons").beginArray();
        for (SyncDaemon d : s.syncDaemons()) {
            g.beginObject();
            g.field("role", d.role().ipvsadmName());
            g.field("interface", d.interfaceName());
            g.field("syncId", d.syncId());
            g.endObject();
        }
        g.endArray();
        g.name("bgpSessions").beginArray();
        for (BgpSession b : bgpSessions) {
            g.beginObject();
            g.field("neighbor", Addresses.format(b.neighbor().address()));
            g.field("remoteAs", b.neighbor().remoteAs());
            g.field("state", b.state().name());
            g.field("uptimeMillis", b.uptime().toMillis());
            addresses(g, "announced", b.announced());
            g.field("messagesReceived", b.messagesReceived());
            g.field("messagesSent", b.messagesSent());
            g.field("establishedTransitions", b.establishedTransitions());
            g.endObject();
        }
        g.endArray();
        addresses(g, "announcedAddresses", announcedAddresses);
        g.endObject();
        return sb.append('\n').toString();
    }

    /** {@code name}: the items as strings ({@code toString()}). */
    private static void strings(JsonWriter g, String name, List<?> items) {
        g.name(name).beginArray();
        for (Object o : items) {
            g.value(o.toString());
        }
        g.endArray();
    }

    private static void addresses(JsonWriter g, String name, Iterable<InetAddress> addresses) {
        g.name(name).beginArray();
        for (InetAddress a : addresses) {
            g.value(Addresses.format(a));
        }
        g.endArray();
    }

    /** {@code applied}: each change's kind and text. */
    private static void changes(JsonWriter g, List<Change> applied) {
        g.name("applied").beginArray();
        for (Change c : applied) {
            g.beginObject();
            g.field("kind", c.kind().name());
            g.field("change", c.toString());
            g.endObject();
        }
        g.endArray();
    }

    private static void tracked(JsonWriter g, String name, List<TrackedObject> tracked) {
        g.name(name).beginArray();
        for (TrackedObject t : tracked) {
            g.beginObject();
            g.field("name", t.name());
            g.field("state", t.isUp() ? "UP" : "DOWN");
            g.field("weight", t.weight());
            g.field("reverse", t.reverse());
            g.endObject();
        }
        g.endArray();
    }

    private static void stats(JsonWriter g, IpvsStats s) {
        g.name("stats").beginObject();
        g.field("connections", s.connections());
        g.field("packetsIn", s.packetsIn());
        g.field("packetsOut", s.packetsOut());
        g.field("bytesIn", s.bytesIn());
        g.field("bytesOut", s.bytesOut());
        g.endObject();
    }

    /** The event's {@code type} field: {@code vrrpTransition}, {@code health}, ... */
    public static String type(DirectorEvent e) {
        Preconditions.checkNotNull(e, "event");
        if (e instanceof DirectorEvent.VrrpTransition) {
            return "vrrpTransition";
        } else if (e instanceof DirectorEvent.VirtualAddresses) {
            return "virtualAddresses";
        } else if (e instanceof DirectorEvent.Health) {
            return "health";
        } else if (e instanceof DirectorEvent.KernelChange) {
            return "kernelChange";
        } else if (e instanceof DirectorEvent.ConfigApplied) {
            return "configApplied";
        } else if (e instanceof DirectorEvent.Routes) {
            return "routes";
        } else if (e instanceof DirectorEvent.Repaired) {
            return "repaired";
        } else if (e instanceof DirectorEvent.Recovered) {
            return "recovered";
        }
        return "failure";
    }

    /** The event as one line of JSON (no newline). */
    public static String event(DirectorEvent e) {
        Preconditions.checkNotNull(e, "event");
        StringBuilder sb = new StringBuilder();
        JsonWriter g = new JsonWriter(sb, false);
        g.beginObject();
        g.field("sequence", e.sequence());
        g.field("nanos", e.nanos());
        g.field("type", type(e));
        if (e instanceof DirectorEvent.VrrpTransition t) {
            g.field("instance", t.instance());
            g.field("from", t.from().name());
            g.field("to", t.to().name());
            g.field("reason", t.reason().name());
        } else if (e instanceof DirectorEvent.VirtualAddresses a) {
            g.field("instance", a.instance());
            g.field("held", a.held());
            g.name("addresses").beginArray();
            for (VirtualAddress v : a.addresses()) {
                g.value(Addresses.format(v.address()) + "/" + v.prefixLength());
            }
            g.endArray();
        } else if (e instanceof DirectorEvent.Health h) {
            HealthEvent he = h.event();
            g.field("event", he.type().name());
            g.field("service", he.service().toString());
            g.name("realServer").value(he.realServer() == null ? null : he.realServer().endpoint());
            if (he.weight() >= 0) {
                g.field("weight", he.weight());
            }
            if (he.checker() != null) {
                g.field("checker", he.checker());
            }
            if (he.cause() != null) {
                g.field("reason", he.cause().reason().name());
                g.field("latencyNanos", he.cause().latencyNanos());
            }
            g.name("detail").value(he.detail());
        } else if (e instanceof DirectorEvent.KernelChange k) {
            changes(g, k.applied());
            g.name("draining").beginArray();
            for (Drain d : k.draining()) {
                g.value(d.service() + " " + d.server().endpoint());
            }
            g.endArray();
        } else if (e instanceof DirectorEvent.ConfigApplied c) {
            strings(g, "vrrpRestarted", c.vrrpRestarted());
            strings(g, "vrrpKept", c.vrrpKept());
            strings(g, "servicesChanged", c.servicesChanged());
        } else if (e instanceof DirectorEvent.Routes r) {
            addresses(g, "announced", r.announced());
            addresses(g, "withdrawn", r.withdrawn());
        } else if (e instanceof DirectorEvent.Repaired rp) {
            changes(g, rp.applied());
        } else if (e instanceof DirectorEvent.Recovered rc) {
            g.field("previousPid", rc.previousPid());
            strings(g, "addressesRemoved", rc.addressesRemoved());
            strings(g, "servicesRemoved", rc.servicesRemoved());
            strings(g, "servicesAdopted", rc.servicesAdopted());
        } else if (e instanceof DirectorEvent.Failure f) {
            g.field("operation", f.operation());
            g.name("error").value(String.valueOf(f.error().getMessage()));
        }
        g.endObject();
        return sb.toString();
    }

    /**
     * A listener that appends each event as a line of JSON to {@code out} (and flushes it when it
     * is {@link Flushable}). It runs on the director's thread: {@code out} must not block (a file,
     * a buffer; not a socket to a slow reader). A failed write is thrown as an
     * {@link UncheckedIOException}, which the director logs.
     */
    public static DirectorListener ndjson(Appendable out) {
        Preconditions.checkNotNull(out, "out");
        return e -> {
            try {
                synchronized (out) {
                    out.append(event(e)).append('\n');
                    if (out instanceof Flushable f) {
                        f.flush();
                    }
                }
            } catch (IOException x) {
                throw new UncheckedIOException(x);
            }
        };
    }
}
