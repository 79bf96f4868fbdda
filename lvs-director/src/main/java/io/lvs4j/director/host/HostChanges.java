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

    /**
     * Reads {@link #toState()}'s text back; a malformed record is rejected naming its line
     * ({@code state line 3: ...}). See {@link #fromState(String, String)} for what a record may hold.
     */
    public static HostChanges fromState(String text) {
        return parse(null, text);
    }

    /**
     * Reads {@link #toState()}'s text back from the file {@code source}; a record that is malformed
     * or holds a change lvs4j never makes is rejected naming the place, in the form {@code
     * source:3: sysctl: "kernel.core_pattern" (expected: one of net.ipv4.ip_forward, ...)}.
     *
     * <p>Undoing a record writes its sysctls and removes its addresses as root, so only what
     * {@link RealServerSetup} and {@link DirectorSetup} change is accepted: the sysctls in
     * {@link #SYSCTLS} and {@code net.ipv4.conf.INTERFACE.send_redirects}, with integer values;
     * addresses /32 or /128 on {@code lo}; the links {@code tunl0} and {@code ip6tnl0} set up.
     */
    public static HostChanges fromState(String source, String text) {
        Preconditions.checkNotNull(source, "source");
        return parse(source, text);
    }

    /**
     * The sysctls lvs4j sets on a host (besides {@code net.ipv4.conf.INTERFACE.send_redirects}),
     * the only ones a state record may name.
     */
    static final List<String> SYSCTLS = List.of("net.ipv4.ip_forward", "net.ipv6.conf.all.forwarding",
            "net.ipv4.conf.all.arp_ignore", "net.ipv4.conf.lo.arp_ignore", "net.ipv4.conf.all.arp_announce",
            "net.ipv4.conf.lo.arp_announce", "net.ipv4.conf.all.rp_filter", "net.ipv4.conf.tunl0.rp_filter",
            "net.ipv4.vs.sloppy_tcp");
    private static final String SEND_REDIRECTS = "net.ipv4.conf.INTERFACE.send_redirects";
    private static final List<String> LINKS = List.of("tunl0", "ip6tnl0");

    /** Whether lvs4j sets {@code name} (so a record may restore it). */
    static boolean knownSysctl(String name) {
        if (SYSCTLS.contains(name)) {
            return true;
        }
        String dotted = between(name, "net.ipv4.conf.", ".send_redirects");
        if (dotted != null) {
            return dotted.indexOf('.') < 0 && interfaceName(dotted);
        }
        String slashed = between(name, "net/ipv4/conf/", "/send_redirects");
        return slashed != null && interfaceName(slashed);
    }

    private static String between(String s, String prefix, String suffix) {
        return s.length() > prefix.length() + suffix.length() && s.startsWith(prefix) && s.endsWith(suffix)
                ? s.substring(prefix.length(), s.length() - suffix.length()) : null;
    }

    /** A Linux interface name: 1 to 15 printable characters, no '/', ':' or blank, not "." or "..". */
    private static boolean interfaceName(String n) {
        if (n.isEmpty() || n.length() > 15 || n.equals(".") || n.equals("..")) {
            return false;
        }
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (c <= ' ' || c >= 127 || c == '/' || c == ':') {
                return false;
            }
        }
        return true;
    }

    private static boolean integer(String v) {
        int start = v.startsWith("-") ? 1 : 0;
        if (v.length() == start || v.length() > 11) {
            return false;
        }
        for (int i = start; i < v.length(); i++) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static String at(String source, int line) {
        return source == null ? "state line " + line : source + ":" + line;
    }

    private static HostChanges parse(String source, String text) {
        Preconditions.checkNotNull(text, "state");
        String[] lines = (text.endsWith("\n") ? text.substring(0, text.length() - 1) : text).split("\n", -1);
        Preconditions.checkArgument(lines[0].equals("lvs4j-host-changes 1"), at(source, 1), lines[0],
                "lvs4j-host-changes 1");
        Preconditions.checkArgument(lines.length >= 2, at(source, 2), null, "netns<TAB>NAME");
        String[] ns = lines[1].split("\t", -1);
        Preconditions.checkArgument(ns.length == 2 && ns[0].equals("netns"), at(source, 2), lines[1], "netns<TAB>NAME");
        String netns = ns[1].equals("-") ? null : ns[1];
        if (netns != null) {
            try {
                Applier.checkNetns(netns);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at(source, 2) + ": " + e.getMessage(), e);
            }
        }
        List<Step> steps = new ArrayList<>();
        for (int i = 2; i < lines.length; i++) {
            String where = at(source, i + 1);
            String[] f = lines[i].split("\t", -1);
            Step.Kind kind = null;
            if (f.length == 4) {
                for (Step.Kind k : Step.Kind.values()) {
                    if (k.name().toLowerCase().equals(f[0])) {
                        kind = k;
                    }
                }
            }
            Preconditions.checkArgument(kind != null, where, lines[i],
                    "sysctl|address|link_up<TAB>NAME<TAB>PREVIOUS<TAB>APPLIED");
            String previous = f[2].equals("-") ? null : f[2];
            switch (kind) {
                case SYSCTL -> {
                    List<String> known = new ArrayList<>(SYSCTLS);
                    known.add(SEND_REDIRECTS);
                    Preconditions.checkArgument(knownSysctl(f[1]), where + ": sysctl", f[1], Preconditions.oneOf(known));
                    Preconditions.checkArgument(previous != null && integer(previous), where + ": previous value",
                            f[2], "an integer");
                    Preconditions.checkArgument(integer(f[3]), where + ": applied value", f[3], "an integer");
                }
                case ADDRESS -> {
                    Preconditions.checkArgument(f[1].equals("lo"), where + ": address interface", f[1], "lo");
                    Preconditions.checkArgument(previous == null, where + ": previous address", f[2], "-");
                    Preconditions.checkArgument(hostAddress(f[3]), where + ": address", f[3],
                            "an IPv4 address/32 or an IPv6 address/128");
                }
                case LINK_UP -> {
                    Preconditions.checkArgument(LINKS.contains(f[1]), where + ": link", f[1], Preconditions.oneOf(LINKS));
                    Preconditions.checkArgument("down".equals(previous) && f[3].equals("up"), where + ": link state",
                            f[2] + "\t" + f[3], "down<TAB>up");
                }
            }
            steps.add(new Step(kind, f[1], previous, f[3]));
        }
        return new HostChanges(netns, steps);
    }

    /** {@code ADDR/32} for an IPv4 literal or {@code ADDR/128} for an IPv6 one. */
    private static boolean hostAddress(String s) {
        int slash = s.indexOf('/');
        if (slash < 0) {
            return false;
        }
        String prefix = s.substring(slash + 1);
        InetAddress a;
        try {
            a = Addresses.parse(s.substring(0, slash), "address");
        } catch (IllegalArgumentException e) {
            return false;
        }
        return prefix.equals(a instanceof java.net.Inet4Address ? "32" : "128");
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
