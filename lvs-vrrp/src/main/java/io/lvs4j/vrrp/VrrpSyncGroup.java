package io.lvs4j.vrrp;

import io.lvs4j.internal.Preconditions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * VRRP instances that change state together (keepalived's {@code vrrp_sync_group}), immutable: a
 * member goes master only when every member would, a member preempted to backup takes the others
 * with it, and a member in FAULT takes them all to FAULT until every member's faults have cleared.
 * The group's tracked interfaces and scripts apply to every member; its notify commands run on the
 * group's transitions with {@code GROUP NAME STATE PRIORITY} appended to {@link #notifyAny}.
 *
 * <pre>{@code
 * VrrpSyncGroup g = VrrpSyncGroup.builder("G1").member("VI_1").member("VI_2")
 *         .notifyMaster("/usr/local/bin/group-master").build();
 * }</pre>
 */
public final class VrrpSyncGroup {
    private final String name;
    private final List<String> members;
    private final VrrpInstance.Notify notify;
    private final List<Track> trackedInterfaces;
    private final List<Track> trackedScripts;

    private VrrpSyncGroup(Builder b) {
        this.name = b.name;
        this.members = List.copyOf(b.members);
        this.notify = b.notify.copy();
        this.trackedInterfaces = List.copyOf(b.trackedInterfaces);
        this.trackedScripts = List.copyOf(b.trackedScripts);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.members.addAll(members);
        b.notify = notify.copy();
        b.trackedInterfaces.addAll(trackedInterfaces);
        b.trackedScripts.addAll(trackedScripts);
        return b;
    }

    public String name() {
        return name;
    }

    /** The member instances' names, at least two, each once. */
    public List<String> members() {
        return members;
    }

    public List<Track> trackedInterfaces() {
        return trackedInterfaces;
    }

    public List<Track> trackedScripts() {
        return trackedScripts;
    }

    public Optional<String> notifyMaster() {
        return Optional.ofNullable(notify.master);
    }

    public Optional<String> notifyBackup() {
        return Optional.ofNullable(notify.backup);
    }

    public Optional<String> notifyFault() {
        return Optional.ofNullable(notify.fault);
    }

    public Optional<String> notifyStop() {
        return Optional.ofNullable(notify.stop);
    }

    /** The command run on every transition, with {@code GROUP NAME STATE PRIORITY} appended. */
    public Optional<String> notifyAny() {
        return Optional.ofNullable(notify.any);
    }

    VrrpInstance.Notify notifyCommands() {
        return notify;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VrrpSyncGroup g && name.equals(g.name) && members.equals(g.members)
                && notify.equals(g.notify) && trackedInterfaces.equals(g.trackedInterfaces)
                && trackedScripts.equals(g.trackedScripts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, members, notify, trackedInterfaces, trackedScripts);
    }

    @Override
    public String toString() {
        return "VrrpSyncGroup[" + name + " " + members
                + (trackedInterfaces.isEmpty() ? "" : " track_interface=" + trackedInterfaces)
                + (trackedScripts.isEmpty() ? "" : " track_script=" + trackedScripts) + "]";
    }

    /** Builder: each setter checks its argument at once; {@link #build()} needs two members or more. */
    public static final class Builder {
        private final String name;
        private final List<String> members = new ArrayList<>();
        private VrrpInstance.Notify notify = new VrrpInstance.Notify();
        private final List<Track> trackedInterfaces = new ArrayList<>();
        private final List<Track> trackedScripts = new ArrayList<>();

        private Builder(String name) {
            Preconditions.checkNotNull(name, "vrrp_sync_group");
            Preconditions.checkArgument(!name.isBlank() && name.chars().noneMatch(Character::isWhitespace),
                    "vrrp_sync_group", name, "a name without blanks");
            this.name = name;
        }

        private String p(String setting) {
            return "vrrp_sync_group " + name + " " + setting;
        }

        /** Adds the instance of this name. */
        public Builder member(String instance) {
            Preconditions.checkNotNull(instance, p("group"));
            Preconditions.checkArgument(!instance.isBlank(), p("group"), instance, "an instance name");
            Preconditions.checkArgument(!members.contains(instance), p("group"), instance, "each instance once");
            members.add(instance);
            return this;
        }

        /** Adds the instances of these names, in order. */
        public Builder members(List<String> instances) {
            Preconditions.checkNotNull(instances, p("group"));
            for (String i : instances) {
                member(i);
            }
            return this;
        }

        /** Every member tracks the interface: FAULT while its link is down. */
        public Builder trackInterface(String interfaceName) {
            VirtualAddress.checkInterfaceName(interfaceName, p("track_interface"));
            trackedInterfaces.add(Track.of(p("track_interface"), interfaceName));
            return this;
        }

        /** Every member tracks the interface with a weight -254..254 (0: FAULT while down). */
        public Builder trackInterface(String interfaceName, int weight) {
            return trackInterface(interfaceName, weight, false);
        }

        /** Every member tracks the interface with a weight -254..254, reversed or not. */
        public Builder trackInterface(String interfaceName, int weight, boolean reverse) {
            VirtualAddress.checkInterfaceName(interfaceName, p("track_interface"));
            trackedInterfaces.add(Track.of(p("track_interface"), interfaceName, weight, reverse));
            return this;
        }

        /** Every member tracks the {@link VrrpScript} of this name with its weight. */
        public Builder trackScript(String script) {
            trackedScripts.add(Track.of(p("track_script"), script));
            return this;
        }

        /** Every member tracks the {@link VrrpScript} of this name with a weight -254..254 instead of its own. */
        public Builder trackScript(String script, int weight) {
            return trackScript(script, weight, false);
        }

        /** Every member tracks the {@link VrrpScript} of this name with a weight -254..254, reversed or not. */
        public Builder trackScript(String script, int weight, boolean reverse) {
            trackedScripts.add(Track.of(p("track_script"), script, weight, reverse));
            return this;
        }

        public Builder notifyMaster(String command) {
            notify.master = VrrpInstance.Notify.check(command, p("notify_master"));
            return this;
        }

        public Builder notifyBackup(String command) {
            notify.backup = VrrpInstance.Notify.check(command, p("notify_backup"));
            return this;
        }

        public Builder notifyFault(String command) {
            notify.fault = VrrpInstance.Notify.check(command, p("notify_fault"));
            return this;
        }

        public Builder notifyStop(String command) {
            notify.stop = VrrpInstance.Notify.check(command, p("notify_stop"));
            return this;
        }

        /** The command run on every transition, with {@code GROUP NAME STATE PRIORITY} appended ({@code notify}). */
        public Builder notifyAny(String command) {
            notify.any = VrrpInstance.Notify.check(command, p("notify"));
            return this;
        }

        /**
         * The group.
         *
         * @throws IllegalStateException with fewer than two members
         */
        public VrrpSyncGroup build() {
            Preconditions.checkState(new LinkedHashSet<>(members).size() >= 2, p("group"), members.size(),
                    "at least 2 instances");
            return new VrrpSyncGroup(this);
        }
    }
}
