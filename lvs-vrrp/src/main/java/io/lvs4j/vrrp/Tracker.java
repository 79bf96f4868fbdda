package io.lvs4j.vrrp;

import io.lvs4j.internal.Preconditions;
import java.util.ArrayList;
import java.util.List;

/**
 * Something a router tracks: an interface's link ({@link InterfaceTracker}) or a check such as a
 * {@code vrrp_script} ({@link ScriptTracker}). A router tracking it with weight 0 goes to FAULT while
 * it is down (reversed: while it is up); with a weight, its priority moves as keepalived does:
 * a positive weight is added while up, a negative weight is added while down, and {@code reverse}
 * negates the weight. Changes must be made on the routers' scheduler thread.
 */
public abstract sealed class Tracker permits InterfaceTracker, ScriptTracker {
    private final String name;
    private boolean up;
    private final List<VrrpRouter> routers = new ArrayList<>();

    Tracker(String name, boolean up) {
        this.name = Preconditions.checkNotNull(name, "name");
        this.up = up;
    }

    public final String name() {
        return name;
    }

    public final boolean isUp() {
        return up;
    }

    final void setState(boolean newUp) {
        if (newUp == up) {
            return;
        }
        up = newUp;
        for (VrrpRouter r : List.copyOf(routers)) {
            r.trackerChanged();
        }
    }

    final void attach(VrrpRouter router) {
        routers.add(router);
    }

    /** The weight when a router tracks this without giving one: 0 for interfaces, the script's weight for scripts. */
    abstract int defaultWeight();

    abstract boolean defaultReverse();

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + (up ? " up" : " down") + "]";
    }
}
