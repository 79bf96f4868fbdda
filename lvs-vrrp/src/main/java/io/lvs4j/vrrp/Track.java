package io.lvs4j.vrrp;

import io.lvs4j.internal.Preconditions;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Something a VRRP instance or sync group tracks, by name: an interface's link or a
 * {@link VrrpScript}. Without a weight a failure means FAULT for an interface, and the script's
 * own weight for a script. With a weight the priority moves as keepalived's: a positive weight is
 * added while up, a negative one while down, {@code reverse} inverts up and down; weight 0 means
 * FAULT while down (reversed: while up).
 */
public final class Track {
    private final String name;
    private final int weight;
    private final boolean weighted;
    private final boolean reverse;

    private Track(String name, boolean weighted, int weight, boolean reverse) {
        this.name = name;
        this.weighted = weighted;
        this.weight = weight;
        this.reverse = reverse;
    }

    static Track of(String setting, String name) {
        return new Track(checkName(setting, name), false, 0, false);
    }

    static Track of(String setting, String name, int weight, boolean reverse) {
        checkName(setting, name);
        Preconditions.checkInRange(weight, -254, 254, setting + " " + name + " weight");
        return new Track(name, true, weight, reverse);
    }

    private static String checkName(String setting, String name) {
        Preconditions.checkNotNull(name, setting);
        Preconditions.checkArgument(!name.isBlank(), setting, name, "a name");
        return name;
    }

    public String name() {
        return name;
    }

    /** The weight given, or empty for the tracked object's default. */
    public OptionalInt weight() {
        return weighted ? OptionalInt.of(weight) : OptionalInt.empty();
    }

    public boolean reverse() {
        return reverse;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Track t && name.equals(t.name) && weighted == t.weighted && weight == t.weight
                && reverse == t.reverse;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, weighted, weight, reverse);
    }

    @Override
    public String toString() {
        return name + (weighted ? " weight " + weight : "") + (reverse ? " reverse" : "");
    }
}
