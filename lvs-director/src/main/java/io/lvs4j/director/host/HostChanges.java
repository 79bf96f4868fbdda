package io.lvs4j.director.host;

import io.lvs4j.internal.Addresses;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.netlink.InterfaceAddress;
import io.lvs4j.netlink.InterfaceException;
import io.lvs4j.netlink.Rtnetlink;
import io.lvs4j.netlink.Sysctl;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a {@link RealServerSetup} or {@link DirectorSetup} changed on a host, in order, and its
 * undo. Only real changes are recorded: a sysctl that had the wanted value already, or an address
 * that was there already, is left alone by {@link #undo()}. {@link #undo()} restores the recorded
 * previous values in reverse order; it is idempotent, and so is {@link #close()}, which calls it.
 *
 * <p>{@link #toState()} and {@link #fromState(String)} carry the record between processes (the
 * command line's {@code realserver up} writes it, {@code realserver down} reads it).
 */
public final class HostChanges implements AutoCloseable {
    /** One recorded change. */
    record Step(Kind kind, String name, String previous, String applied) {
        enum Kind { SYSCTL, ADDRESS, LINK_UP }

        String describe() {
            return switch (kind) {
                case SYSCTL -> "sysctl " + name + ": " + previous + " -> " + applied;
                case ADDRESS -> "address " + applied + " added on " + name;
                case LINK_UP -> "link " + name + " set up";
            };
        }
    }

    private final String netns;
    private final List<Step> steps;
    private boolean undone;

    HostChanges(String netns, List<Step> steps) {
        this.netns = netns;
        this.steps = List.copyOf(steps);
    }

    /** The network namespace the changes were made in, or null for the caller's. */
    public String netns() {
        return netns;
    }

    /** True when nothing needed changing (everything was set already). */
    public boolean isEmpty() {
        return steps.isEmpty();
    }

    /** One line per change, in the order they were made, e.g. {@code sysctl net.ipv4.conf.all.arp_ignore: 0 -> 1}. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        for (Step s : steps) {
            out.add(s.describe());
        }
        return Collections.unmodifiableList(out);
    }

    /** Whether {@link #undo()} ran already. */
    public synchronized boolean isUndone() {
        return undone;
    }

    /**
     * Restores what was there before, last change first. An address already removed by someone
     * else is not an error. On failure the remaining steps are still tried and the exception
     * names every step that failed.
     */
    public synchronized void undo() throws HostSetupException {
        if (undone) {
            return;
        }
        undone = true;
        List<String> failures = new ArrayList<>();
        Exception first = null;
        for (int i = steps.size() - 1; i >= 0; i--) {
            try {
                undoStep(netns, steps.get(i));
            } catch (InterfaceException | RuntimeException e) {
                failures.add(e.getMessage());
                first = first == null ? e : first;
            }
        }
        if (!failures.isEmpty()) {
            throw new HostSetupException("undo: " + String.join("; ", failures), first);
        }
    }

    @Override
    public void close() throws HostSetupException {
        undo();
    }

    /**
     * These changes followed by {@code later}'s, as one record whose undo restores the state
     * before both (for a second {@code apply()} on the same host; same namespace required).
     */
    public HostChanges and(HostChanges later) {
        Preconditions.checkNotNull(later, "later");
        Preconditions.checkArgument(java.util.Objects.equals(netns, later.netns), "netns", later.netns,
                netns == null ? "the caller's namespace" : netns);
        List<Step> all = new ArrayList<>(steps);
        all.addAll(later.steps);
        return new HostChanges(netns, all);
    }

    /** A text record of the changes for {@link #fromState(String)}: one tab-separated line each. */
    public String toState() {
        StringBuilder sb = new StringBuilder("lvs4j-host-changes 1\n");
        sb.append("netns\t").append(netns == null ? "-" : netns).append('\n');
        for (Step s : steps) {
            sb.append(s.kind().name().toLowerCase()).append('\t').append(s.name()).append('\t')
                    .append(s.previous() == null ? "-" : s.previous()).append('\t').append(s.applied()).append('\n');
        }
        return sb.toString();
    }

    /** Reads {@link #toState()}'s text back; a malformed record is rejected with its line number. */
    public static HostChanges fromState(String text) {
        Preconditions.checkNotNull(text, "state");
        String[] lines = (text.endsWith("\n") ? text.substring(0, text.length() - 1) : text).split("\n", -1);
        Preconditions.checkArgument(lines[0].equals("lvs4j-host-changes 1"), "state line 1", lines[0],
                "lvs4j-host-changes 1");
        Preconditions.checkArgument(lines.length >= 2, "state line 2", null, "netns<TAB>NAME");
        String[] ns = lines[1].split("\t", -1);
        Preconditions.checkArgument(ns.length == 2 && ns[0].equals("netns"), "state line 2", lines[1], "netns<TAB>NAME");
        List<Step> steps = new ArrayList<>();
        for (int i = 2; i < lines.length; i++) {
            String[] f = lines[i].split("\t", -1);
            Step.Kind kind = null;
            if (f.length == 4) {
                for (Step.Kind k : Step.Kind.values()) {
                    if (k.name().toLowerCase().equals(f[0])) {
                        kind = k;
                    }
                }
            }
            Preconditions.checkArgument(kind != null, "state line " + (i + 1), lines[i],
                    "sysctl|address|link_up<TAB>NAME<TAB>PREVIOUS<TAB>APPLIED");
            steps.add(new Step(kind, f[1], f[2].equals("-") ? null : f[2], f[3]));
        }
        return new HostChanges(ns[1].equals("-") ? null : ns[1], steps);
    }

    @Override
    public String toString() {
        return "HostChanges" + (netns != null ? "[netns " + netns + "]" : "") + describe();
    }

    static void undoStep(String netns, Step s) throws InterfaceException {
        switch (s.kind()) {
            case SYSCTL -> Sysctl.write(netns, s.name(), s.previous());
            case ADDRESS -> {
                try (Rtnetlink rt = Rtnetlink.open(netns)) {
                    int index = rt.linkIndex(s.name());
                    String[] a = s.applied().split("/");
                    InetAddress address = Addresses.parse(a[0], "address");
                    try {
                        rt.removeAddress(InterfaceAddress.of(index, address, Integer.parseInt(a[1])));
                    } catch (InterfaceException e) {
                        if (e.errno() != 99) { // EADDRNOTAVAIL: gone already
                            throw e;
                        }
                    }
                }
            }
            case LINK_UP -> {
                try (Rtnetlink rt = Rtnetlink.open(netns)) {
                    rt.setLinkUp(rt.linkIndex(s.name()), false);
                }
            }
        }
    }
}
