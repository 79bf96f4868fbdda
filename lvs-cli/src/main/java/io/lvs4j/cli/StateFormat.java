package io.lvs4j.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.lvs4j.RealServer;
import io.lvs4j.SyncDaemon;
import io.lvs4j.director.DirectorState;
import io.lvs4j.internal.Addresses;
import io.lvs4j.table.IpvsStats;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/** A {@link DirectorState} for a person ({@link #text}) and for a program ({@link #json}). */
final class StateFormat {
    private static final JsonFactory JSON = new JsonFactory();

    private StateFormat() {}

    static String text(DirectorState s) {
        StringBuilder sb = new StringBuilder();
        if (!s.instances().isEmpty()) {
            sb.append("VRRP instances:\n");
            for (DirectorState.Instance i : s.instances()) {
                sb.append("  ").append(i.name()).append("  ").append(i.state()).append("  priority ").append(i.priority());
                if (i.effectivePriority() != i.priority()) {
                    sb.append(" (effective ").append(i.effectivePriority()).append(')');
                }
                sb.append("  VIPs ").append(String.join(" ", i.virtualAddresses()))
                        .append(i.addressesHeld() ? " (held)" : " (not held)").append('\n');
            }
        }
        sb.append("Virtual services:").append(s.services().isEmpty() ? " none\n" : "\n");
        for (DirectorState.Service v : s.services()) {
            sb.append("  ").append(v.key()).append("  ").append(v.scheduler())
                    .append(v.inKernel() ? "" : "  NOT IN KERNEL")
                    .append(!v.inKernel() || v.settingsApplied() ? ""
                            : "  NOT APPLIED (configured " + v.configured().scheduler() + ")").append(v.quorumUp() ? "" : "  QUORUM LOST")
                    .append("  conns ").append(v.activeConnections()).append(" active ").append(v.inactiveConnections())
                    .append(" inactive\n");
            for (DirectorState.Server r : v.realServers()) {
                RealServer c = r.configured();
                sb.append("    -> ").append(c.endpoint()).append("  ").append(c.forwarding().keepalivedName())
                        .append("  ").append(r.health());
                if (r.role() != DirectorState.Role.REAL_SERVER) {
                    sb.append(' ').append(r.role());
                }
                sb.append("  weight ").append(c.weight()).append(" kernel ")
                        .append(r.inKernel() ? String.valueOf(r.kernelWeight()) : "-").append("  conns ")
                        .append(r.activeConnections()).append(" active ").append(r.inactiveConnections())
                        .append(" inactive\n");
            }
        }
        for (SyncDaemon d : s.syncDaemons()) {
            sb.append("Sync daemon: ").append(d.role().ipvsadmName()).append(" on ").append(d.interfaceName())
                    .append(" syncid ").append(d.syncId()).append('\n');
        }
        return sb.toString();
    }

    static String json(DirectorState s) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeArrayFieldStart("instances");
            for (DirectorState.Instance i : s.instances()) {
                g.writeStartObject();
                g.writeStringField("name", i.name());
                g.writeStringField("state", i.state().name());
                g.writeNumberField("priority", i.priority());
                g.writeNumberField("effectivePriority", i.effectivePriority());
                g.writeArrayFieldStart("virtualAddresses");
                for (String a : i.virtualAddresses()) {
                    g.writeString(a);
                }
                g.writeEndArray();
                g.writeBooleanField("addressesHeld", i.addressesHeld());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("services");
            for (DirectorState.Service v : s.services()) {
                g.writeStartObject();
                g.writeStringField("key", v.key().toString());
                if (v.key().isFwmark()) {
                    g.writeNumberField("fwmark", v.key().fwmark());
                } else {
                    g.writeStringField("protocol", v.key().protocol().name());
                    g.writeStringField("address", Addresses.format(v.key().address()));
                    g.writeNumberField("port", v.key().port());
                }
                g.writeStringField("scheduler", v.scheduler().toString());
                g.writeStringField("configuredScheduler", v.configured().scheduler().toString());
                g.writeBooleanField("inKernel", v.inKernel());
                g.writeBooleanField("settingsApplied", v.settingsApplied());
                g.writeBooleanField("quorumUp", v.quorumUp());
                g.writeNumberField("activeConnections", v.activeConnections());
                g.writeNumberField("inactiveConnections", v.inactiveConnections());
                stats(g, v.stats());
                g.writeArrayFieldStart("realServers");
                for (DirectorState.Server r : v.realServers()) {
                    RealServer c = r.configured();
                    g.writeStartObject();
                    g.writeStringField("address", Addresses.format(c.address()));
                    g.writeNumberField("port", c.port());
                    g.writeStringField("forwarding", c.forwarding().keepalivedName());
                    g.writeStringField("role", r.role().name());
                    g.writeStringField("health", r.health().name());
                    g.writeNumberField("weight", c.weight());
                    if (r.desiredWeight() >= 0) {
                        g.writeNumberField("desiredWeight", r.desiredWeight());
                    } else {
                        g.writeNullField("desiredWeight");
                    }
                    if (r.inKernel()) {
                        g.writeNumberField("kernelWeight", r.kernelWeight());
                    } else {
                        g.writeNullField("kernelWeight");
                    }
                    g.writeNumberField("activeConnections", r.activeConnections());
                    g.writeNumberField("inactiveConnections", r.inactiveConnections());
                    stats(g, r.stats());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("syncDaemons");
            for (SyncDaemon d : s.syncDaemons()) {
                g.writeStartObject();
                g.writeStringField("role", d.role().ipvsadmName());
                g.writeStringField("interface", d.interfaceName());
                g.writeNumberField("syncId", d.syncId());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString() + "\n";
    }

    private static void stats(JsonGenerator g, IpvsStats s) throws IOException {
        g.writeObjectFieldStart("stats");
        g.writeNumberField("connections", s.connections());
        g.writeNumberField("packetsIn", s.packetsIn());
        g.writeNumberField("packetsOut", s.packetsOut());
        g.writeNumberField("bytesIn", s.bytesIn());
        g.writeNumberField("bytesOut", s.bytesOut());
        g.writeEndObject();
    }
}
