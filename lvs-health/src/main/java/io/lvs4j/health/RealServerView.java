package io.lvs4j.health;

import io.lvs4j.RealServer;
import java.util.Objects;

/**
 * What health wants for one real server (or the sorry server) of a service, at one moment: whether
 * it is up, and the weight it should have in the service's table, or none (out of the service).
 * Immutable; part of a {@link HealthView}.
 */
public final class RealServerView {
    private final RealServer realServer;
    private final boolean up;
    private final boolean checked;
    private final int weight;
    private final int fullWeight;
    private final boolean inhibited;

    RealServerView(RealServer realServer, boolean up, boolean checked, int weight, int fullWeight, boolean inhibited) {
        this.realServer = realServer;
        this.up = up;
        this.checked = checked;
        this.weight = weight;
        this.fullWeight = fullWeight;
        this.inhibited = inhibited;
    }

    /** The real server as configured (its configured weight included). */
    public RealServer realServer() {
        return realServer;
    }

    /** Whether its checks say it is up (one without checks is always up). */
    public boolean up() {
        return up;
    }

    /** Whether it has checks; the sorry server has none. */
    public boolean checked() {
        return checked;
    }

    /**
     * The weight health wants for it in the service's table: its full weight (see
     * {@link #fullWeight()}), on the way there while slow start ramps it up, 0 when it is kept in
     * but inhibited ({@code inhibit_on_failure}, {@code sorry_server_inhibit}), or -1 when health
     * wants it out of the service (down, or out while the sorry server serves).
     */
    public int weight() {
        return weight;
    }

    /** Whether health wants it in the service's table ({@link #weight()} is 0 or more). */
    public boolean inService() {
        return weight >= 0;
    }

    /**
     * Whether health keeps it in the service at weight 0 instead of removing it: a real server down
     * (or out while the sorry server serves) with {@code inhibit_on_failure}, or the sorry server
     * while quorum is met with {@code sorry_server_inhibit}.
     */
    public boolean inhibited() {
        return inhibited;
    }

    /** The weight it has when up and ramped: the configured one, or the last one a checker set (dynamic weight). */
    public int fullWeight() {
        return fullWeight;
    }

    /** The real server with the weight health wants ({@link #realServer()} at {@link #weight()}); only when {@link #inService()}. */
    public RealServer wanted() {
        if (!inService()) { // the message only on failure: publishing a view calls this per real server
            io.lvs4j.internal.Preconditions.checkState(false, "real server " + realServer.endpoint(),
                    "out of the service", "in the service");
        }
        return weight == realServer.weight() ? realServer : realServer.withWeight(weight);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RealServerView v && realServer.equals(v.realServer) && up == v.up && checked == v.checked
                && weight == v.weight && fullWeight == v.fullWeight && inhibited == v.inhibited;
    }

    @Override
    public int hashCode() {
        return Objects.hash(realServer, up, checked, weight, fullWeight);
    }

    @Override
    public String toString() {
        return realServer.endpoint() + " " + (up ? "UP" : "DOWN") + (checked ? "" : " (unchecked)")
                + (weight < 0 ? " out" : inhibited ? " inhibited" : " weight " + weight)
                + (weight != fullWeight && weight > 0 ? "/" + fullWeight : "");
    }
}
