package io.lvs4j.vrrp;

import io.lvs4j.internal.Preconditions;
import io.lvs4j.vrrp.internal.Argv;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A check command VRRP instances and sync groups track by name (keepalived's {@code vrrp_script}):
 * run every {@link #interval} without a shell, killed after {@link #timeout} and then counted as
 * failed; exit status 0 is success. It is OK after {@link #rise} successes in a row and failed
 * after {@link #fall} failures in a row; before its first result it counts as OK unless
 * {@link #initFail}. A tracking instance's priority moves by {@link #weight} as {@link Track}
 * describes (weight 0: FAULT while failed). Immutable; defaults are keepalived's.
 *
 * <pre>{@code
 * VrrpScript chk = VrrpScript.builder("chk_nginx").command("/usr/bin/pgrep -x nginx")
 *         .interval(Duration.ofSeconds(2)).weight(-20).fall(2).rise(2).build();
 * }</pre>
 */
public final class VrrpScript {
    private static final Duration MAX_TIMER = Duration.ofSeconds(4294);

    private final String name;
    private final String command;
    private final Duration interval;
    private final Duration timeout;
    private final int weight;
    private final boolean reverse;
    private final int rise;
    private final int fall;
    private final String user;
    private final String group;
    private final boolean initFail;

    private VrrpScript(Builder b) {
        this.name = b.name;
        this.command = b.command;
        this.interval = b.interval;
        this.timeout = b.timeout;
        this.weight = b.weight;
        this.reverse = b.reverse;
        this.rise = b.rise;
        this.fall = b.fall;
        this.user = b.user;
        this.group = b.group;
        this.initFail = b.initFail;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public Builder toBuilder() {
        Builder b = new Builder(name).command(command).interval(interval).weight(weight).reverse(reverse).rise(rise)
                .fall(fall).initFail(initFail);
        b.timeout = timeout;
        b.user = user;
        b.group = group;
        return b;
    }

    public String name() {
        return name;
    }

    /**
     * The command line: words separated by blanks, quotes group words, a backslash escapes the next
     * character; run without a shell.
     */
    public String command() {
        return command;
    }

    /** How often it runs; 1 s. */
    public Duration interval() {
        return interval;
    }

    /** How long a run may take before it is killed and counted as failed; the interval unless given. */
    public Duration timeout() {
        return timeout != null ? timeout : interval;
    }

    /** -253..253; 0 (a tracking instance goes to FAULT while the script fails). */
    public int weight() {
        return weight;
    }

    /** Whether the weight applies the other way round (see {@link Track}). */
    public boolean reverse() {
        return reverse;
    }

    /** Successes in a row that make a failed script OK; 1. */
    public int rise() {
        return rise;
    }

    /** Failures in a row that make an OK script failed; 1. */
    public int fall() {
        return fall;
    }

    /** The user the command runs as (with {@code runuser}), if not the JVM's. */
    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    /** The group the command runs as, if not the user's. */
    public Optional<String> group() {
        return Optional.ofNullable(group);
    }

    /** Whether the script counts as failed until its first success. */
    public boolean initFail() {
        return initFail;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VrrpScript s && name.equals(s.name) && command.equals(s.command)
                && interval.equals(s.interval) && Objects.equals(timeout, s.timeout) && weight == s.weight
                && reverse == s.reverse && rise == s.rise && fall == s.fall && Objects.equals(user, s.user)
                && Objects.equals(group, s.group) && initFail == s.initFail;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, command, interval, timeout, weight, reverse, rise, fall, user, group, initFail);
    }

    @Override
    public String toString() {
        return "VrrpScript[" + name + " command=" + Preconditions.render(command) + " interval=" + interval
                + " timeout=" + timeout() + " weight=" + weight + (reverse ? " reverse" : "") + " rise=" + rise
                + " fall=" + fall + (user == null ? "" : " user=" + user + (group == null ? "" : ":" + group))
                + (initFail ? " init_fail" : "") + "]";
    }

    /** Builder: each setter checks its argument at once; {@link #build()} requires a command. */
    public static final class Builder {
        private final String name;
        private String command;
        private Duration interval = Duration.ofSeconds(1);
        private Duration timeout;
        private int weight;
        private boolean reverse;
        private int rise = 1;
        private int fall = 1;
        private String user;
        private String group;
        private boolean initFail;

        private Builder(String name) {
            Preconditions.checkNotNull(name, "vrrp_script");
            Preconditions.checkArgument(!name.isBlank(), "vrrp_script", name, "a non-blank name");
            this.name = name;
        }

        private String p(String setting) {
            return "vrrp_script " + name + " " + setting;
        }

        /** The command line (see {@link VrrpScript#command()}). */
        public Builder command(String command) {
            Preconditions.checkNotNull(command, p("script"));
            try {
                Argv.command(command);
            } catch (IllegalArgumentException e) {
                throw Preconditions.invalid(p("script"), command, "a program and its arguments, quotes balanced");
            }
            this.command = command;
            return this;
        }

        /** More than 0, up to 4294 s. */
        public Builder interval(Duration interval) {
            this.interval = checkTimer(interval, p("interval"));
            return this;
        }

        /** More than 0, up to 4294 s. */
        public Builder timeout(Duration timeout) {
            this.timeout = checkTimer(timeout, p("timeout"));
            return this;
        }

        /** -253..253. */
        public Builder weight(int weight) {
            this.weight = Preconditions.checkInRange(weight, -253, 253, p("weight"));
            return this;
        }

        public Builder reverse(boolean reverse) {
            this.reverse = reverse;
            return this;
        }

        /** 1..1000000. */
        public Builder rise(int rise) {
            this.rise = Preconditions.checkInRange(rise, 1, 1_000_000, p("rise"));
            return this;
        }

        /** 1..1000000. */
        public Builder fall(int fall) {
            this.fall = Preconditions.checkInRange(fall, 1, 1_000_000, p("fall"));
            return this;
        }

        public Builder user(String user) {
            this.user = checkAccount(user, p("user"));
            return this;
        }

        /** The group to run as; needs a {@link #user}. */
        public Builder group(String group) {
            this.group = checkAccount(group, p("group"));
            return this;
        }

        public Builder initFail(boolean initFail) {
            this.initFail = initFail;
            return this;
        }

        public VrrpScript build() {
            Preconditions.checkState(command != null, p("script"), null, "a command");
            Preconditions.checkState(group == null || user != null, p("group"), group, "a user too");
            return new VrrpScript(this);
        }

        private static String checkAccount(String name, String setting) {
            Preconditions.checkNotNull(name, setting);
            Preconditions.checkArgument(!name.isEmpty() && name.length() <= 32 && name.charAt(0) != '-'
                    && name.chars().noneMatch(c -> Character.isWhitespace(c) || c == ':'), setting, name,
                    "a user or group name");
            return name;
        }
    }

    static Duration checkTimer(Duration d, String name) {
        Preconditions.checkNotNull(d, name);
        Preconditions.checkArgument(!d.isNegative() && !d.isZero() && d.compareTo(MAX_TIMER) <= 0, name, d,
                "more than 0s, up to 4294s");
        return d;
    }
}
