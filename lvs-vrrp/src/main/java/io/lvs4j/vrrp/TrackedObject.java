package io.lvs4j.vrrp;

/**
 * What a {@link VrrpRouter} tracks and how it stands: a {@code vrrp_script}'s last result or an
 * interface's link, with the weight and reverse the router tracks it with (weight 0: FAULT while
 * down, reversed: while up). Immutable; from {@link VrrpRouter#tracked()}.
 */
public final class TrackedObject {
    /** A script ({@link ScriptTracker}) or an interface ({@link InterfaceTracker}). */
    public enum Kind { SCRIPT, INTERFACE }

    private final String name;
    private final Kind kind;
    private final boolean up;
    private final int weight;
    private final boolean reverse;

    TrackedObject(String name, Kind kind, boolean up, int weight, boolean reverse) {
        this.name = name;
        this.kind = kind;
        this.up = up;
        this.weight = weight;
        this.reverse = reverse;
    }

    /** The script's or the interface's name. */
    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    /** The script's result (after rise and fall) or the interface's link: up or down. */
    public boolean isUp() {
        return up;
    }

    /** The weight it is tracked with, -254..254; 0 means FAULT while down. */
    public int weight() {
        return weight;
    }

    /** Whether the weight is negated (weight 0: FAULT while up). */
    public boolean reverse() {
        return reverse;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrackedObject t && name.equals(t.name) && kind == t.kind && up == t.up
                && weight == t.weight && reverse == t.reverse;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(name, kind, up, weight, reverse);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + name + (up ? " up" : " down") + " weight "
                + weight + (reverse ? " reverse" : "");
    }
}
