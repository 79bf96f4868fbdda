package io.lvs4j.director;

import io.lvs4j.RealServer;
import io.lvs4j.ScriptPolicy;
import io.lvs4j.ServiceKey;
import io.lvs4j.SyncDaemon;
import io.lvs4j.Timeouts;
import io.lvs4j.VirtualService;
import io.lvs4j.health.ServiceHealth;
import io.lvs4j.internal.Addresses;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.vrrp.VrrpInstance;
import io.lvs4j.vrrp.VrrpScript;
import io.lvs4j.vrrp.VrrpSyncGroup;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What a {@link Director} runs, as one immutable value: the services with their checks, the VRRP
 * instances, scripts and sync groups, the IPVS timeouts, the sync daemon, flushing at start and
 * close, the script policy, route health injection, the instances whose addresses strict mode
 * firewalls, and the services' commands ({@code quorum_up}/{@code quorum_down}, the real servers'
 * {@code notify_up}/{@code notify_down}). {@link Director.Builder#config} starts a director with
 * it and {@link Director#apply} changes a running one to it. keepalived.conf's reader maps a file
 * onto this value ({@code KeepalivedConfig#toDirectorConfig()}); nothing here is keepalived syntax.
 *
 * <pre>{@code
 * DirectorConfig config = DirectorConfig.builder()
 *         .service(ServiceHealth.builder(web).check(Checks.tcp(), CheckPolicy.DEFAULT).build())
 *         .quorumDown(web.key(), DirectorConfig.Command.of("/usr/local/bin/page-oncall web"))
 *         .vrrpInstance(vi1)
 *         .build();
 * }</pre>
 */
public final class DirectorConfig {
    private static final DirectorConfig EMPTY = builder().build();

    private final List<ServiceHealth> services;
    private final Map<ServiceKey, Commands> commands;
    private final List<VrrpInstance> vrrpInstances;
    private final List<VrrpScript> vrrpScripts;
    private final List<VrrpSyncGroup> vrrpSyncGroups;
    private final Timeouts timeouts;
    private final Sync sync;
    private final boolean flushOnStart;
    private final boolean flushOnClose;
    private final ScriptPolicy scriptPolicy;
    private final RouteHealthInjection routeHealthInjection;
    private final Set<String> strictFirewall;

    private DirectorConfig(Builder b) {
        this.services = List.copyOf(b.services.values());
        Map<ServiceKey, Commands> c = new LinkedHashMap<>();
        b.commands.forEach((k, v) -> c.put(k, v.freeze()));
        this.commands = Collections.unmodifiableMap(c);
        this.vrrpInstances = List.copyOf(b.vrrpInstances);
        this.vrrpScripts = List.copyOf(b.vrrpScripts);
        this.vrrpSyncGroups = List.copyOf(b.vrrpSyncGroups);
        this.timeouts = b.timeouts;
        this.sync = b.sync;
        this.flushOnStart = b.flushOnStart;
        this.flushOnClose = b.flushOnClose;
        this.scriptPolicy = b.scriptPolicy;
        this.routeHealthInjection = b.routeHealthInjection;
        this.strictFirewall = Collections.unmodifiableSet(new LinkedHashSet<>(b.strictFirewall));
    }

    /** An empty configuration: no service, no VRRP, the defaults. */
    public static DirectorConfig empty() {
        return EMPTY;
    }

    /** A builder with nothing configured. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        services.forEach(sh -> b.services.put(sh.service().key(), sh));
        commands.forEach((k, v) -> b.commands.put(k, v.copy()));
        b.vrrpInstances.addAll(vrrpInstances);
        b.vrrpScripts.addAll(vrrpScripts);
        b.vrrpSyncGroups.addAll(vrrpSyncGroups);
        b.timeouts = timeouts;
        b.sync = sync;
        b.flushOnStart = flushOnStart;
        b.flushOnClose = flushOnClose;
        b.scriptPolicy = scriptPolicy;
        b.routeHealthInjection = routeHealthInjection;
        b.strictFirewall.addAll(strictFirewall);
        return b;
    }

    /** The services with their health settings, in the order given. */
    public List<ServiceHealth> services() {
        return services;
    }

    /** The command run when {@code service} regains quorum ({@code quorum_up}). */
    public Optional<Command> quorumUp(ServiceKey service) {
        Commands c = commands.get(service);
        return Optional.ofNullable(c == null ? null : c.quorumUp);
    }

    /** The command run when {@code service} loses quorum ({@code quorum_down}). */
    public Optional<Command> quorumDown(ServiceKey service) {
        Commands c = commands.get(service);
        return Optional.ofNullable(c == null ? null : c.quorumDown);
    }

    /** The command run when the real server at {@code address} and {@code port} of {@code service} comes up. */
    public Optional<Command> notifyUp(ServiceKey service, InetAddress address, int port) {
        Commands c = commands.get(service);
        return Optional.ofNullable(c == null ? null : c.notifyUp.get(Addresses.endpoint(address, port)));
    }

    /** The command run when the real server at {@code address} and {@code port} of {@code service} goes down. */
    public Optional<Command> notifyDown(ServiceKey service, InetAddress address, int port) {
        Commands c = commands.get(service);
        return Optional.ofNullable(c == null ? null : c.notifyDown.get(Addresses.endpoint(address, port)));
    }

    /** The VRRP instances, in the order given. */
    public List<VrrpInstance> vrrpInstances() {
        return vrrpInstances;
    }

    /** The scripts VRRP instances and sync groups track. */
    public List<VrrpScript> vrrpScripts() {
        return vrrpScripts;
    }

    /** The VRRP sync groups. */
    public List<VrrpSyncGroup> vrrpSyncGroups() {
        return vrrpSyncGroups;
    }

    /** The IPVS TCP, TCP FIN and UDP timeouts; {@link Timeouts#UNCHANGED} by default. */
    public Timeouts timeouts() {
        return timeouts;
    }

    /** The sync daemon (its role is the director's to choose); empty: none. */
    public Optional<SyncDaemon> syncDaemon() {
        return Optional.ofNullable(sync == null ? null : sync.template());
    }

    /** The VRRP instance the sync daemon follows; empty: master and backup both, or no sync daemon. */
    public Optional<String> syncDaemonInstance() {
        return Optional.ofNullable(sync == null ? null : sync.instance());
    }

    /** Whether the whole IPVS table is flushed at start. */
    public boolean flushOnStart() {
        return flushOnStart;
    }

    /** Whether the whole IPVS table is flushed at close. */
    public boolean flushOnClose() {
        return flushOnClose;
    }

    /** The user scripts run as, and whether unsafe scripts are refused. */
    public ScriptPolicy scriptPolicy() {
        return scriptPolicy;
    }

    /** Route health injection; empty: none. */
    public Optional<RouteHealthInjection> routeHealthInjection() {
        return Optional.ofNullable(routeHealthInjection);
    }

    /** The VRRP instances whose addresses strict mode firewalls while they hold them without accept mode. */
    public Set<String> strictFirewall() {
        return strictFirewall;
    }

    /** The sync daemon and its instance, as the director follows it (null: none). */
    Sync sync() {
        return sync;
    }

    /** The commands of every service that has some. */
    Map<ServiceKey, Commands> commands() {
        return commands;
    }

    /**
     * Equal when every setting is: the services by key, order and settings
     * ({@link ServiceHealth#sameSettings}), the rest by their own {@code equals}.
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof DirectorConfig c) || services.size() != c.services.size()) {
            return false;
        }
        for (int i = 0; i < services.size(); i++) {
            ServiceHealth a = services.get(i);
            ServiceHealth b = c.services.get(i);
            if (a != b && !a.sameSettings(b)) {
                return false;
            }
        }
        return commands.equals(c.commands) && vrrpInstances.equals(c.vrrpInstances)
                && vrrpScripts.equals(c.vrrpScripts) && vrrpSyncGroups.equals(c.vrrpSyncGroups)
                && timeouts.equals(c.timeouts) && Objects.equals(sync, c.sync) && flushOnStart == c.flushOnStart
                && flushOnClose == c.flushOnClose && scriptPolicy.equals(c.scriptPolicy)
                && Objects.equals(routeHealthInjection, c.routeHealthInjection)
                && strictFirewall.equals(c.strictFirewall);
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (ServiceHealth sh : services) {
            h = 31 * h + sh.service().hashCode();
        }
        return Objects.hash(h, commands, vrrpInstances, vrrpScripts, vrrpSyncGroups, timeouts, sync, flushOnStart,
                flushOnClose, scriptPolicy, routeHealthInjection, strictFirewall);
    }

    @Override
    public String toString() {
        return "DirectorConfig{services=" + services.size() + ", vrrpInstances="
                + vrrpInstances.stream().map(VrrpInstance::name).toList() + ", timeouts=" + timeouts
                + (sync == null ? "" : ", syncDaemon=" + sync) + ", flushOnStart=" + flushOnStart
                + ", flushOnClose=" + flushOnClose + ", scriptPolicy=" + scriptPolicy
                + (routeHealthInjection == null ? "" : ", routeHealthInjection=" + routeHealthInjection)
                + (strictFirewall.isEmpty() ? "" : ", strictFirewall=" + strictFirewall) + "}";
    }

    /**
     * A command a service runs ({@code quorum_up}, {@code notify_down}, ...): its line, split into
     * words when it runs as keepalived splits it (no shell; blanks separate, quotes group, and one
     * quoted string holding blanks is split again, so {@code "/bin/x a"} and {@code /bin/x a} run
     * alike, though they are not equal values), and the user (and group) it runs as; without a
     * user, the {@link ScriptPolicy}'s. keepalived.conf's reader gives the line as written.
     *
     * @param line the command line, not blank
     * @param user the user it runs as, or null: the script policy's
     * @param group the group it runs in (with a user only), or null: the user's primary group
     */
    public record Command(String line, String user, String group) {
        public Command {
            Preconditions.checkNotNull(line, "command");
            Preconditions.checkArgument(!line.isBlank(), "command", line, "a command line");
            Preconditions.checkArgument(user == null || !user.isBlank(), "user", user, "a user name");
            Preconditions.checkArgument(group == null || user != null && !group.isBlank(), "group", group,
                    "a group name, with a user");
        }

        /** {@code line}, run as the script policy's user. */
        public static Command of(String line) {
            return new Command(line, null, null);
        }

        /** This command, run as {@code user} in its primary group. */
        public Command runAs(String user) {
            Preconditions.checkNotNull(user, "user");
            return new Command(line, user, null);
        }

        /** This command, run as {@code user} in {@code group}. */
        public Command runAs(String user, String group) {
            Preconditions.checkNotNull(user, "user");
            Preconditions.checkNotNull(group, "group");
            return new Command(line, user, group);
        }

        @Override
        public String toString() {
            return line + (user == null ? "" : " (as " + user + (group == null ? "" : ":" + group) + ")");
        }
    }

    /**
     * The sync daemon as the director follows it: {@code template}'s settings, master while
     * {@code instance} is (null: master and backup both).
     */
    record Sync(SyncDaemon template, String instance) {}

    /** One service's commands; the real servers' by endpoint ({@link RealServer#endpoint()}). */
    static final class Commands {
        Command quorumUp;
        Command quorumDown;
        Map<String, Command> notifyUp = new HashMap<>();
        Map<String, Command> notifyDown = new HashMap<>();

        Commands copy() {
            Commands c = new Commands();
            c.quorumUp = quorumUp;
            c.quorumDown = quorumDown;
            c.notifyUp = new HashMap<>(notifyUp);
            c.notifyDown = new HashMap<>(notifyDown);
            return c;
        }

        Commands freeze() {
            Commands c = copy();
            c.notifyUp = Map.copyOf(notifyUp);
            c.notifyDown = Map.copyOf(notifyDown);
            return c;
        }

        /** The real server's notify command for an up ({@code true}) or down change, or null. */
        Command notifyCommand(String endpoint, boolean up) {
            return (up ? notifyUp : notifyDown).get(endpoint);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Commands c && Objects.equals(quorumUp, c.quorumUp)
                    && Objects.equals(quorumDown, c.quorumDown) && notifyUp.equals(c.notifyUp)
                    && notifyDown.equals(c.notifyDown);
        }

        @Override
        public int hashCode() {
            return Objects.hash(quorumUp, quorumDown, notifyUp, notifyDown);
        }
    }

    /**
     * Settings of a {@link DirectorConfig}: each is checked when set (null, a service or name given
     * twice), the references between them ({@code quorumUp} of a service, a sync group's members,
     * the sync daemon's instance, ...) in {@link #build()}.
     */
    public static final class Builder {
        private final Map<ServiceKey, ServiceHealth> services = new LinkedHashMap<>();
        private final Map<ServiceKey, Commands> commands = new LinkedHashMap<>();
        private final List<VrrpInstance> vrrpInstances = new ArrayList<>();
        private final List<VrrpScript> vrrpScripts = new ArrayList<>();
        private final List<VrrpSyncGroup> vrrpSyncGroups = new ArrayList<>();
        private Timeouts timeouts = Timeouts.UNCHANGED;
        private Sync sync;
        private boolean flushOnStart;
        private boolean flushOnClose;
        private ScriptPolicy scriptPolicy = ScriptPolicy.defaults();
        private RouteHealthInjection routeHealthInjection;
        private final Set<String> strictFirewall = new LinkedHashSet<>();

        private Builder() {}

        /** A service whose real servers are always in (no checks); each service once. */
        public Builder service(VirtualService service) {
            return service(ServiceHealth.builder(Preconditions.checkNotNull(service, "service")).build());
        }

        /** A service with its checks, inhibit, quorum and sorry server; each service once. */
        public Builder service(ServiceHealth service) {
            Preconditions.checkNotNull(service, "service");
            ServiceKey key = service.service().key();
            Preconditions.checkArgument(!services.containsKey(key), "service", key, "each service once");
            services.put(key, service);
            return this;
        }

        /** {@code quorum_up}: run when {@code service} (one of the {@link #service services}) regains quorum. */
        public Builder quorumUp(ServiceKey service, Command command) {
            Preconditions.checkNotNull(service, "service key");
            Preconditions.checkNotNull(command, "quorum up command");
            commands(service).quorumUp = command;
            return this;
        }

        /** {@code quorum_down}: run when {@code service} (one of the {@link #service services}) loses quorum. */
        public Builder quorumDown(ServiceKey service, Command command) {
            Preconditions.checkNotNull(service, "service key");
            Preconditions.checkNotNull(command, "quorum down command");
            commands(service).quorumDown = command;
            return this;
        }

        /**
         * {@code notify_up}: run when the real server at {@code address} and {@code port} (as the
         * service installs it) of {@code service} comes up.
         */
        public Builder notifyUp(ServiceKey service, InetAddress address, int port, Command command) {
            return putNotify(service, address, port, command, true);
        }

        /** {@code notify_down}: as {@link #notifyUp}, when the real server goes down. */
        public Builder notifyDown(ServiceKey service, InetAddress address, int port, Command command) {
            return putNotify(service, address, port, command, false);
        }

        private Builder putNotify(ServiceKey service, InetAddress address, int port, Command command, boolean up) {
            Preconditions.checkNotNull(service, "service key");
            Preconditions.checkNotNull(address, "address");
            Preconditions.checkInRange(port, 0, 65535, "port");
            Preconditions.checkNotNull(command, up ? "notify up command" : "notify down command");
            Commands c = commands(service);
            (up ? c.notifyUp : c.notifyDown).put(Addresses.endpoint(address, port), command);
            return this;
        }

        /** The commands of {@code service}, made when it has none yet. */
        private Commands commands(ServiceKey service) {
            return commands.computeIfAbsent(service, k -> new Commands());
        }

        /** A VRRP instance (VIPs, priority, tracking, notify commands); names are unique. */
        public Builder vrrpInstance(VrrpInstance instance) {
            addNamed(vrrpInstances, instance, VrrpInstance::name, "vrrp_instance");
            return this;
        }

        /** A script VRRP instances and sync groups track by name; names are unique. */
        public Builder vrrpScript(VrrpScript script) {
            addNamed(vrrpScripts, script, VrrpScript::name, "vrrp_script");
            return this;
        }

        /** VRRP instances that change state together; names are unique. */
        public Builder vrrpSyncGroup(VrrpSyncGroup group) {
            addNamed(vrrpSyncGroups, group, VrrpSyncGroup::name, "vrrp_sync_group");
            return this;
        }

        private static <T> void addNamed(List<T> items, T item, Function<T, String> name, String setting) {
            Preconditions.checkNotNull(item, setting);
            String n = name.apply(item);
            for (T t : items) {
                Preconditions.checkArgument(!name.apply(t).equals(n), setting, n, "each name once");
            }
            items.add(item);
        }

        /** The IPVS TCP, TCP FIN and UDP timeouts ({@code lvs_timeouts}); 0 leaves one unchanged. */
        public Builder timeouts(Timeouts timeouts) {
            this.timeouts = Preconditions.checkNotNull(timeouts, "timeouts");
            return this;
        }

        /**
         * A sync daemon that follows {@code vrrpInstance} (one of the {@link #vrrpInstance
         * instances}): master while the instance is master, backup otherwise. The daemon's role in
         * {@code daemon} is ignored.
         */
        public Builder syncDaemon(SyncDaemon daemon, String vrrpInstance) {
            Preconditions.checkNotNull(daemon, "sync daemon");
            Preconditions.checkNotNull(vrrpInstance, "vrrp instance");
            this.sync = new Sync(daemon, vrrpInstance);
            return this;
        }

        /** A sync daemon as master and backup both, from the start. */
        public Builder syncDaemon(SyncDaemon daemon) {
            this.sync = new Sync(Preconditions.checkNotNull(daemon, "sync daemon"), null);
            return this;
        }

        /** Whether to flush the whole IPVS table at start ({@code lvs_flush}); off by default. */
        public Builder flushOnStart(boolean flush) {
            this.flushOnStart = flush;
            return this;
        }

        /**
         * Whether {@link Director#close()} flushes the whole IPVS table ({@code lvs_flush_onstop});
         * wins over {@link Director.Builder#keepRulesOnClose}. Off by default.
         */
        public Builder flushOnClose(boolean flush) {
            this.flushOnClose = flush;
            return this;
        }

        /**
         * The user scripts that name none of their own run as (notify commands, quorum commands,
         * MISC_CHECKs, vrrp_scripts), and whether unsafe scripts are refused
         * ({@code script_user}, {@code enable_script_security}); {@link ScriptPolicy#defaults()} by default.
         */
        public Builder scriptPolicy(ScriptPolicy policy) {
            this.scriptPolicy = Preconditions.checkNotNull(policy, "script policy");
            return this;
        }

        /** The script policy as set so far. */
        ScriptPolicy scriptPolicy() {
            return scriptPolicy;
        }

        /** Whether a VRRP instance was given (the director's default of {@code exclusive}). */
        boolean hasVrrp() {
            return !vrrpInstances.isEmpty();
        }

        /**
         * Route health injection: announces each virtual service's address over BGP while the
         * service has quorum (see {@link RouteHealthInjection}).
         */
        public Builder routeHealthInjection(RouteHealthInjection settings) {
            this.routeHealthInjection = Preconditions.checkNotNull(settings, "routeHealthInjection");
            return this;
        }

        /**
         * Strict mode's firewall ({@code vrrp_strict}, or an instance's {@code strict_mode}): while
         * {@code vrrpInstance} (one of the {@link #vrrpInstance instances}) holds its addresses
         * without accept mode, the traffic to and from them is dropped (nftables table {@code lvs4j}).
         */
        public Builder strictFirewall(String vrrpInstance) {
            Preconditions.checkNotNull(vrrpInstance, "vrrp instance");
            Preconditions.checkArgument(strictFirewall.add(vrrpInstance), "strict firewall instance", vrrpInstance,
                    "each instance once");
            return this;
        }

        /**
         * The configuration.
         *
         * @throws IllegalArgumentException if a command names a service (or real server) that is
         *     not configured, a sync group a member that is not an instance, or the sync daemon or
         *     the strict firewall an instance that is not configured
         */
        public DirectorConfig build() {
            VrrpUnit.specs(vrrpInstances, vrrpSyncGroups, vrrpScripts); // checks the sync groups
            Set<String> names = new LinkedHashSet<>();
            vrrpInstances.forEach(i -> names.add(i.name()));
            if (sync != null && sync.instance() != null) {
                Preconditions.checkArgument(names.contains(sync.instance()), "sync daemon instance", sync.instance(),
                        "one of the vrrp instances " + names);
            }
            for (String s : strictFirewall) {
                Preconditions.checkArgument(names.contains(s), "strict firewall instance", s,
                        "one of the vrrp instances " + names);
            }
            for (Map.Entry<ServiceKey, Commands> e : commands.entrySet()) {
                ServiceHealth sh = services.get(e.getKey());
                Preconditions.checkArgument(sh != null, "command's service", e.getKey(), "one of the services");
                Set<String> endpoints = new java.util.HashSet<>();
                sh.service().realServers().forEach(r -> endpoints.add(r.endpoint()));
                if (sh.sorryServer() != null) {
                    endpoints.add(sh.sorryServer().endpoint());
                }
                for (String ep : e.getValue().notifyUp.keySet()) {
                    Preconditions.checkArgument(endpoints.contains(ep), "notify up real server", ep,
                            "one of " + e.getKey() + "'s real servers");
                }
                for (String ep : e.getValue().notifyDown.keySet()) {
                    Preconditions.checkArgument(endpoints.contains(ep), "notify down real server", ep,
                            "one of " + e.getKey() + "'s real servers");
                }
            }
            return new DirectorConfig(this);
        }
    }
}
