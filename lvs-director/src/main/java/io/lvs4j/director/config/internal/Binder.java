package io.lvs4j.director.config.internal;

import io.lvs4j.AddressFamily;
import io.lvs4j.Forwarding;
import io.lvs4j.Protocol;
import io.lvs4j.Scheduler;
import io.lvs4j.SchedulerFlag;
import io.lvs4j.TunnelChecksum;
import io.lvs4j.TunnelType;
import io.lvs4j.director.config.BgpSpeakerConfig;
import io.lvs4j.SyncDaemon;
import io.lvs4j.director.config.GlobalDefs;
import io.lvs4j.director.config.LvsSyncDaemonConfig;
import io.lvs4j.director.config.GroupEntry;
import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.director.config.LvsMethod;
import io.lvs4j.director.config.RealServerConfig;
import io.lvs4j.director.config.SorryServer;
import io.lvs4j.director.config.VirtualServerConfig;
import io.lvs4j.director.config.VirtualServerGroupConfig;
import io.lvs4j.director.config.BfdCheck;
import io.lvs4j.director.config.CheckOptions;
import io.lvs4j.director.config.CheckerConfig;
import io.lvs4j.director.config.DnsCheck;
import io.lvs4j.director.config.FileCheck;
import io.lvs4j.director.config.HttpCheck;
import io.lvs4j.director.config.HttpUrl;
import io.lvs4j.director.config.MiscCheck;
import io.lvs4j.director.config.PingCheck;
import io.lvs4j.director.config.SmtpCheck;
import io.lvs4j.director.config.SslConfig;
import io.lvs4j.director.config.StatusRange;
import io.lvs4j.director.config.TcpCheck;
import io.lvs4j.director.config.UdpCheck;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.internal.UserDatabase;
import io.lvs4j.director.config.AuthenticationConfig;
import io.lvs4j.director.config.GarpConfig;
import io.lvs4j.director.config.TrackedObject;
import io.lvs4j.director.config.VirtualIpAddress;
import io.lvs4j.director.config.VrrpInstanceConfig;
import io.lvs4j.director.config.VrrpScriptConfig;
import io.lvs4j.director.config.VrrpSyncGroupConfig;
import io.lvs4j.vrrp.AuthType;
import io.lvs4j.vrrp.InitialState;
import io.lvs4j.vrrp.UnicastPeer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns statements into typed configuration, block by block, with keepalived 2.2's keywords.
 * Every bad value is an error at its word; unknown keywords and keywords lvs4j keeps only as
 * written are warnings at the keyword.
 */
public final class Binder {
    static final long TIMER_MAX = 4_294_000_000_000L; // keepalived's TIMER_MAXIMUM, in microseconds
    static final long LVS_MAX_TIMEOUT = 86400L * 31;

    private final Problems problems;
    private final Values v;

    private GlobalDefs globalDefs = GlobalDefs.EMPTY;
    private final List<VrrpScriptConfig> scripts = new ArrayList<>();
    private final List<VrrpInstanceConfig> instances = new ArrayList<>();
    private final List<VrrpSyncGroupConfig> syncGroups = new ArrayList<>();
    private final List<VirtualServerGroupConfig> groups = new ArrayList<>();
    private final List<VirtualServerConfig> servers = new ArrayList<>();
    private SslConfig ssl;
    private BgpSpeakerConfig bgpSpeaker;

    private final Map<Object, Token> locations = new java.util.IdentityHashMap<>();

    private final Map<Object, Map<String, Token>> keywords = new java.util.IdentityHashMap<>();

    /**
     * Where each virtual and real server, VRRP block ({@code vrrp_instance}, {@code vrrp_script},
     * {@code vrrp_sync_group}) and tracked object was read, for later located messages.
     */
    public Map<Object, Token> locations() {
        return locations;
    }

    /** For each {@code vrrp_instance}: where each of its keywords was read (the last one given; unknown ones left out). */
    public Map<Object, Map<String, Token>> keywordLocations() {
        return keywords;
    }

    /**
     * A command the director would run: where its keyword is, what names it in messages, the
     * command line, and its own user and group (null: the script policy's).
     */
    public record ScriptSite(Token at, String what, String command, String user, String group) {}

    private final List<ScriptSite> scriptSites = new ArrayList<>();

    /** The commands of the configuration bound, in file order: vrrp_script, notify, MISC_CHECK, quorum and notify_up/down. */
    public List<ScriptSite> scriptSites() {
        return scriptSites;
    }

    public Binder(Problems problems) {
        this.problems = problems;
        this.v = new Values(problems);
    }

    // ---------------------------------------------------------------- keyword tables

    static final Set<String> ROOT_NOT_ACTED = Set.of("net_namespace", "net_namespace_ipvs", "namespace_with_ipsets",
            "use_pid_dir", "instance", "child_wait_time", "linkbeat_use_polling", "static_ipaddress", "static_routes",
            "static_rules", "track_group", "garp_group", "linkbeat_interfaces", "vrrp_track_process", "track_file",
            "bfd_instance", "interface_up_down_delays", "vrrp_garp_group", "track_process");

    static final Set<String> GLOBAL_OTHER = Set.of("process_names", "process_name", "vrrp_process_name",
            "checker_process_name", "lvs_process_name", "bfd_process_name", "smtp_helo_name", "startup_script",
            "startup_script_timeout", "shutdown_script", "shutdown_script_timeout", "max_auto_priority",
            "min_auto_priority_delay", "smtp_alert_vrrp", "smtp_alert_checker", "checker_log_all_failures",
            "dynamic_interfaces", "no_email_faults", "default_interface", "disable_local_igmp", "vrrp_down_timer_adverts",
            "vrrp_garp_extra_if", "vrrp_vmac_garp_intvl",
            "vrrp_iptables",
            "vrrp_ipsets", "nftables", "nftables_priority", "nftables_ifindex", "nftables_ipvs",
            "nftables_ipvs_priority", "nftables_ipvs_start_fwmark", "nftables_counters", "vrrp_check_unicast_src",
            "vrrp_skip_check_adv_addr", "vrrp_priority", "vrrp_no_swap", "vrrp_rt_priority", "vrrp_cpu_affinity",
            "vrrp_rlimit_rttime", "vrrp_rlimit_rtime", "notify_fifo", "notify_fifo_script", "vrrp_notify_fifo",
            "vrrp_notify_fifo_script", "vrrp_notify_priority_changes", "fifo_write_vrrp_states_on_reload",
            "lvs_notify_fifo", "lvs_notify_fifo_script", "checker_priority", "checker_no_swap", "checker_rt_priority",
            "checker_cpu_affinity", "checker_rlimit_rttime", "checker_rlimit_rtime", "bfd_priority", "bfd_no_swap",
            "bfd_rt_priority", "bfd_cpu_affinity", "bfd_rlimit_rttime", "bfd_rlimit_rtime", "snmp_socket",
            "enable_traps", "enable_snmp_vrrp", "enable_snmp_keepalived", "enable_snmp_rfc", "enable_snmp_rfcv2",
            "enable_snmp_rfcv3", "enable_snmp_checker", "enable_dbus", "dbus_service_name",
            "vrrp_netlink_cmd_rcv_bufs", "vrrp_netlink_cmd_rcv_bufs_force", "vrrp_netlink_monitor_rcv_bufs",
            "vrrp_netlink_monitor_rcv_bufs_force", "process_monitor_rcv_bufs", "process_monitor_rcv_bufs_force",
            "lvs_netlink_cmd_rcv_bufs", "lvs_netlink_cmd_rcv_bufs_force", "lvs_netlink_monitor_rcv_bufs",
            "lvs_netlink_monitor_rcv_bufs_force", "rs_init_notifies", "no_checker_emails", "vrrp_rx_bufs_policy",
            "vrrp_rx_bufs_multiplier", "vrrp_startup_delay", "log_unknown_vrids", "vmac_prefix", "vmac_addr_prefix",
            "umask", "random_seed", "reload_check_config", "reload_time_file", "reload_repeat", "reload_file",
            "include_check", "config_save_dir", "tmp_config_directory", "data_use_instance",
            "linkbeat_use_polling");

    /**
     * Keywords of {@link #INSTANCE_OTHER} that lvs4j acts on: typed in {@link VrrpInstanceConfig.Options},
     * no warning for them. {@code unicast_ttl}, {@code use_vmac}, {@code vmac_xmit_base}: {@link VrrpMapper};
     * {@code strict_mode}: {@link StrictMode}.
     */
    static final Set<String> INSTANCE_ACTED = Set.of("unicast_ttl", "strict_mode", "use_vmac", "vmac_xmit_base");

    static final Set<String> INSTANCE_OTHER = Set.of("unicast_fault_no_peer", "check_unicast_src", "native_ipv6", "vrf",
            "track_process", "track_bfd", "track_src_ip", "unicast_ttl", "promote_secondaries",
            "linkbeat_use_polling", "skip_check_adv_addr", "strict_mode", "debug", "notify_master_rx_lower_pri",
            "notify_priority_changes", "lvs_sync_daemon_interface", "down_timer_adverts", "garp_extra_if",
            "vmac_garp_intvl", "kernel_rx_buf_size", "use_vmac", "vmac_xmit_base");

    static final Set<String> SYNC_GROUP_OTHER = Set.of("track_file", "track_process", "track_bfd",
            "sync_group_tracking_weight", "notify_priority_changes");

    static final List<String> NOTIFY = List.of("notify_master", "notify_backup", "notify_fault", "notify_stop",
            "notify_deleted", "notify");

    static final List<String> SCHEDULERS = List.of("rr", "wrr", "lc", "wlc", "lblc", "sh", "mh", "dh", "fo", "ovf",
            "lblcr", "sed", "nq", "twos");

    // ---------------------------------------------------------------- root

    /** The top level: its blocks add what they read to the binder's lists. */
    private static final class RootBlock extends KeywordTable.BlockBuilder {}

    private static final KeywordTable<RootBlock> ROOT = KeywordTable.<RootBlock>of("the top level")
            .on((b, r, n) -> {
                if (b.block(n)) {
                    b.globalDefs = b.globalDefs(n);
                }
            }, "global_defs")
            .on(topBlock(true, true, Binder::vrrpScript, b -> b.scripts), "vrrp_script")
            .on(topBlock(true, true, Binder::vrrpInstance, b -> b.instances), "vrrp_instance")
            .on(topBlock(true, true, Binder::syncGroup, b -> b.syncGroups), "vrrp_sync_group")
            .on(topBlock(true, false, Binder::group, b -> b.groups), "virtual_server_group")
            .on(topBlock(false, true, Binder::virtualServer, b -> b.servers), "virtual_server")
            .on((b, r, n) -> {
                if (b.block(n)) {
                    b.ssl = b.ssl(n);
                }
            }, "SSL")
            .on((b, r, n) -> {
                if (b.block(n)) {
                    if (b.bgpSpeaker != null || b.bgpSeen) {
                        b.problems.error(n.keyword(), "bgp_speaker: a second one (expected: one bgp_speaker block)");
                    } else {
                        b.bgpSeen = true;
                        b.bgpSpeaker = b.bgpSpeaker(n);
                    }
                }
            }, "bgp_speaker")
            .on((b, r, n) -> b.notActed(n), ROOT_NOT_ACTED)
            .build();

    /**
     * A top-level block's handler: its name (with {@code named}) and its block required, then read
     * and, unless in error (null), added to the binder's list of them, with its location ({@code located}).
     */
    private static <T> KeywordTable.Handler<RootBlock> topBlock(boolean named, boolean located,
            java.util.function.BiFunction<Binder, Node, T> read, java.util.function.Function<Binder, List<T>> into) {
        return (b, r, n) -> {
            if ((!named || b.named(n)) && b.block(n)) {
                T t = read.apply(b, n);
                if (t != null) {
                    if (located) {
                        b.locations.put(t, n.keyword());
                    }
                    into.apply(b).add(t);
                }
            }
        };
    }

    public KeepalivedConfig bind(List<Node> roots) {
        RootBlock root = new RootBlock();
        for (Node n : roots) {
            ROOT.bind(this, root, n);
        }
        checkCrossReferences();
        checkAuthenticationVersions();
        return new KeepalivedConfig(globalDefs, scripts, instances, syncGroups, groups, servers, ssl, bgpSpeaker);
    }

    private void checkCrossReferences() {
        Set<String> groupNames = new HashSet<>();
        for (VirtualServerGroupConfig g : groups) {
            groupNames.add(g.name());
        }
        // virtual servers naming an unknown group were reported when read (see groupRefs)
        for (Map.Entry<Token, String> e : groupRefs.entrySet()) {
            if (!groupNames.contains(e.getValue())) {
                problems.error(e.getKey(), Preconditions.message("virtual_server group", e.getValue(),
                        groupNames.isEmpty() ? "a virtual_server_group defined in the configuration"
                                : Preconditions.oneOf(groupNames)));
            }
        }
        Set<String> instanceNames = new HashSet<>();
        for (VrrpInstanceConfig i : instances) {
            instanceNames.add(i.name());
        }
        // an instance in two sync groups: the director refuses it at start (VrrpUnit), so it is an error here
        Map<String, SyncGroupBlock> groupOf = new HashMap<>();
        for (Member m : syncMembers) {
            if (!instanceNames.contains(m.instance())) {
                problems.error(m.at(), Preconditions.message("vrrp_sync_group group", m.instance(),
                        "a vrrp_instance defined in the configuration"));
                continue;
            }
            SyncGroupBlock first = groupOf.putIfAbsent(m.instance(), m.group());
            if (first != null && first != m.group()) {
                problems.error(m.at(), Preconditions.message("vrrp_sync_group " + m.group().name + " group",
                        m.instance(), "an instance in no other sync group"));
            }
        }
        if (globalDefs.lvsSyncDaemon() != null && syncInstanceAt != null
                && !instanceNames.contains(globalDefs.lvsSyncDaemon().instance())) {
            problems.error(syncInstanceAt, Preconditions.message("lvs_sync_daemon instance",
                    globalDefs.lvsSyncDaemon().instance(), instanceNames.isEmpty()
                            ? "a vrrp_instance defined in the configuration" : Preconditions.oneOf(instanceNames)));
        }
        Set<String> scriptNames = new HashSet<>();
        for (VrrpScriptConfig s : scripts) {
            scriptNames.add(s.name());
        }
        for (Map.Entry<Token, String> e : scriptRefs.entrySet()) {
            if (!scriptNames.contains(e.getValue())) {
                problems.warning(e.getKey(), Preconditions.message("track_script", e.getValue(),
                        "a vrrp_script defined in the configuration") + " - ignored, as keepalived does");
            }
        }
    }

    /**
     * keepalived ignores the authentication of a VRRPv3 instance ("VRRP version 3 does not support
     * authentication. Ignoring."): so does the mapping onto the engine ({@link VrrpMapper}), after
     * this located warning. The version is known only now: global_defs may come after the instance.
     */
    private void checkAuthenticationVersions() {
        int defaultVersion = globalDefs.vrrpVersion() == null ? 2 : globalDefs.vrrpVersion();
        for (VrrpInstanceConfig i : instances) {
            Token at = authAt.get(i.name());
            if (i.authentication() != null && at != null && VrrpMapper.version(i, defaultVersion) == 3) {
                problems.warning(at, Preconditions.message("vrrp_instance " + i.name() + " authentication",
                        i.authentication().type().name(), "none for VRRPv3 (RFC 5798 removed it)")
                        + " - ignored, as keepalived does");
            }
        }
    }

    /** Where each instance's authentication block is, by instance name. */
    private final Map<String, Token> authAt = new HashMap<>();
    private final Map<Token, String> groupRefs = new LinkedHashMap<>();
    /** A {@code vrrp_sync_group}'s member as read: where, which instance, in which group. */
    private record Member(Token at, String instance, SyncGroupBlock group) {}

    private final List<Member> syncMembers = new ArrayList<>();
    private final Map<Token, String> scriptRefs = new LinkedHashMap<>();

    private boolean block(Node n) {
        if (!n.hasBlock()) {
            problems.error(n.keyword(), n.name() + ": missing block (expected: '{' after " + n.name() + ")");
            return false;
        }
        return true;
    }

    private boolean named(Node n) {
        if (n.args().isEmpty()) {
            problems.error(n.keyword(), n.name() + ": missing name (expected: a name after " + n.name() + ")");
            return false;
        }
        return true;
    }

    void unknown(Node n, String where) {
        problems.warning(n.keyword(), Preconditions.message(where, n.name(), "a keyword keepalived 2.2 knows here")
                + " - ignored, as keepalived does");
    }

    private void notActed(Node n) {
        problems.warning(n.keyword(), n.name() + ": accepted by keepalived but not acted on by lvs4j yet");
    }

    private void noBlock(Node n) {
        if (n.hasBlock()) {
            problems.error(n.keyword(), n.name() + ": unexpected block (expected: no '{' after " + n.name() + ")");
        }
    }

    private List<Node> children(Node n) {
        return n.children() == null ? List.of() : n.children();
    }

    /** The words of a value block ({@code { a b \n c }}) or, without a block, the line's arguments. */
    private List<List<Token>> valueLines(Node n) {
        List<List<Token>> lines = new ArrayList<>();
        if (!n.hasBlock()) {
            problems.error(n.keyword(), n.name() + ": missing block (expected: '{' after " + n.name() + ")");
            return lines;
        }
        for (Node c : n.children()) {
            List<Token> line = new ArrayList<>();
            line.add(c.keyword());
            line.addAll(c.args());
            lines.add(line);
            if (c.hasBlock()) {
                problems.error(c.keyword(), c.name() + ": unexpected block (expected: values only inside " + n.name() + ")");
            }
        }
        return lines;
    }

    /** lvs4j's own global_defs keyword: where lvs4j run serves HTTP (as its --http). */
    static final String LVS4J_HTTP = "lvs4j_http";
    private static final String HTTP_EXPECTED = "PORT, ADDR:PORT or [V6ADDR]:PORT, a numeric address, port 1..65535";
    private static final java.util.regex.Pattern HTTP_ADDRESS = java.util.regex.Pattern.compile(
            "(?:(?:(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9]):"
            + "|\\[[0-9a-fA-F:.]*:[0-9a-fA-F:.]*\\]:)?([0-9]{1,5})");

    /** Whether lvs4j run serves {@code text}: the bracketed IPv6 address a valid one too, not only its characters. */
    static boolean isHttpAddress(String text) {
        java.util.regex.Matcher m = HTTP_ADDRESS.matcher(text);
        if (!m.matches()) {
            return false;
        }
        int port = Integer.parseInt(m.group(1));
        return port >= 1 && port <= 65535
                && (!text.startsWith("[") || Values.parseAddress(text.substring(1, text.indexOf(']'))) != null);
    }

    /**
     * {@code KEYWORD COMMAND...}: the command line, kept as a command the director would run (named
     * {@code what} in messages); null when missing (an error at the keyword).
     */
    private String command(Node n, String what) {
        if (!v.has(n, 0, "a command")) {
            return null;
        }
        String command = n.joinedArgs(0);
        scriptSites.add(new ScriptSite(n.keyword(), what, command, null, null));
        return command;
    }

    /** A {@code notify*} keyword of the block named {@code block}: its command, by keyword, into {@code notify}. */
    private void notifyCommand(Node n, String block, Map<String, String> notify) {
        String command = command(n, block + " " + n.name());
        if (command != null) {
            notify.put(n.name(), command);
        }
    }

    /** {@code weight N [reverse]} (vrrp_script, FILE_CHECK): whether {@code reverse} follows (another word is an error). */
    private boolean reverse(Node n) {
        if (n.args().size() > 1) {
            if (n.arg(1).text().equals("reverse")) {
                return true;
            }
            problems.invalid(n.keyword(), n.arg(1), "reverse or nothing");
        }
        return false;
    }

    /** {@code [vrrp_]version 2|3}; null when in error. */
    private Integer vrrpVersion(Node n) {
        String s = v.oneOf(n, 0, List.of("2", "3"));
        return s == null ? null : Integer.valueOf(s);
    }

    private static Map<String, List<String>> putOther(Map<String, List<String>> other, Node n) {
        List<String> args = new ArrayList<>();
        for (Token t : n.args()) {
            args.add(t.text());
        }
        other.put(n.name(), List.copyOf(args));
        return other;
    }

    // ---------------------------------------------------------------- global_defs

    /**
     * {@code vrrp_mcast_group4}/{@code 6} and an instance's {@code mcast_dst_ip}: lvs4j sends to the
     * RFC's group only, so another group is refused (it would change what goes on the wire).
     */
    private void multicastGroup(Node n, java.net.InetAddress group) {
        java.net.InetAddress a = v.address(n, 0);
        if (a != null && !a.equals(group)) {
            problems.invalid(n.keyword(), n.arg(0), group.getHostAddress()
                    + ", not supported: lvs4j sends its multicast adverts to the RFC's group only");
        }
    }

    /** {@code [vrrp_]lower_prio_no_advert [BOOL]}: only off is supported (lvs4j answers a lower-priority master). */
    private void lowerPrioNoAdvert(Node n) {
        Boolean on = v.bool(n, 0);
        if (Boolean.TRUE.equals(on)) {
            problems.error(n.keyword(), n.name() + ": not supported (expected: off, or left out): a master "
                    + "lvs4j runs always answers a lower-priority advert with its own, as keepalived does by default");
        }
    }

    private static final String SYNC_EXPECTED =
            "INTERFACE [[inst] VRRP_INSTANCE] [id N] [maxlen N] [port N] [ttl N] [group ADDRESS]";
    private static final List<String> SYNC_OPTIONS = List.of("id", "maxlen", "port", "ttl", "group");
    /** Where lvs_sync_daemon names its instance, checked once every instance is read. */
    private Token syncInstanceAt;

    /**
     * {@code lvs_sync_daemon}, each value checked as {@link SyncDaemon.Builder} checks it (what the
     * director builds from it), at its word.
     */
    private LvsSyncDaemonConfig syncDaemon(Node n) {
        List<Token> a = n.args();
        if (a.isEmpty() || a.size() == 2 && a.get(1).text().equals("inst")) {
            problems.error(n.keyword(), "lvs_sync_daemon: missing " + (a.isEmpty() ? "interface" : "instance")
                    + " (expected: " + SYNC_EXPECTED + ")");
            return null;
        }
        // keepalived 2.2.7: the instance is optional ("inst" before it too); without one the daemon
        // runs as master and backup both, from the start, whatever VRRP does
        Token instance = null;
        int at = 0; // the last word before the options
        if (a.size() >= 3 && a.get(1).text().equals("inst")) {
            instance = a.get(2);
            at = 2;
        } else if (a.size() >= 2 && !SYNC_OPTIONS.contains(a.get(1).text())) {
            instance = a.get(1);
            at = 1;
        }
        boolean ok = true;
        SyncDaemon.Builder b;
        try {
            b = SyncDaemon.builder(SyncDaemon.Role.MASTER, a.get(0).text());
        } catch (IllegalArgumentException e) {
            problems.error(a.get(0), "lvs_sync_daemon " + e.getMessage());
            return null;
        }
        Integer id = null;
        Integer maxlen = null;
        Integer port = null;
        Integer ttl = null;
        String group = null;
        for (int i = at + 1; i < a.size(); i += 2) {
            Token k = a.get(i);
            String key = k.text();
            if (!SYNC_OPTIONS.contains(key)) {
                problems.invalid(n.keyword(), k, "one of id, maxlen, port, ttl, group");
                ok = false;
                continue;
            }
            if (i + 1 >= a.size()) {
                problems.error(k, "lvs_sync_daemon " + key + ": missing value (expected: "
                        + (key.equals("group") ? "a multicast address" : "a number") + ")");
                ok = false;
                break;
            }
            Token val = a.get(i + 1);
            try {
                if (key.equals("group")) {
                    b.group(val.text());
                    group = val.text();
                    continue;
                }
                Long num = Values.parseLong(val.text());
                if (num == null || num < Integer.MIN_VALUE || num > Integer.MAX_VALUE) {
                    problems.error(val, Preconditions.message("lvs_sync_daemon " + key, val.text(), "a number"));
                    ok = false;
                    continue;
                }
                int x = (int) (long) num;
                switch (key) {
                    case "id" -> {
                        b.syncId(x);
                        id = x;
                    }
                    case "maxlen" -> {
                        b.maxLength(x);
                        maxlen = x;
                    }
                    case "port" -> {
                        b.port(x);
                        port = x;
                    }
                    default -> {
                        b.ttl(x);
                        ttl = x;
                    }
                }
            } catch (IllegalArgumentException e) {
                problems.error(val, "lvs_sync_daemon " + e.getMessage());
                ok = false;
            }
        }
        if (!ok) {
            return null;
        }
        syncInstanceAt = instance;
        return new LvsSyncDaemonConfig(a.get(0).text(), instance == null ? null : instance.text(), id, maxlen, port,
                ttl, group);
    }

    /** {@code global_defs}'s settings as read. */
    private static final class GlobalBlock extends KeywordTable.BlockBuilder {
        String routerId;
        final List<String> emails = new ArrayList<>();
        String from;
        String smtpServer;
        Duration smtpTimeout;
        Boolean smtpAlert;
        Integer tcp;
        Integer tcpfin;
        Integer udp;
        boolean flush;
        boolean strict;
        boolean security;
        String scriptUser;
        Integer vrrpVersion;
        Boolean higherPrio;
        LvsSyncDaemonConfig syncDaemon;
        GlobalDefs.FlushOnStop flushOnStop;
        String http;
        final Garp garp = new Garp();
        boolean minGarp;
        String vmacPrefix;
        final Map<String, List<String>> other = new LinkedHashMap<>();
    }

    // the instances' garp_* defaults: they change what goes on the wire, so they are acted on
    private static final KeywordTable<GlobalBlock> GLOBAL_DEFS = Garp.on(
            KeywordTable.<GlobalBlock>of("global_defs"), "vrrp_", g -> g.garp)
            .on((b, g, n) -> g.routerId = b.v.string(n, 0, "a name"), "router_id")
            .on((b, g, n) -> {
                for (List<Token> line : b.valueLines(n)) {
                    for (Token t : line) {
                        g.emails.add(t.text());
                    }
                }
            }, "notification_email")
            .on((b, g, n) -> g.from = b.v.string(n, 0, "an e-mail address"), "notification_email_from")
            .on((b, g, n) -> {
                if (b.v.has(n, 0, "an IP address or host name [port]")) {
                    g.smtpServer = n.joinedArgs(0);
                }
            }, "smtp_server")
            .on((b, g, n) -> g.smtpTimeout = b.v.timer(n, 0, 1_000_000, TIMER_MAX), "smtp_connect_timeout")
            .on((b, g, n) -> g.smtpAlert = b.v.bool(n, 0), "smtp_alert")
            .on(Binder::lvsTimeouts, "lvs_timeouts")
            .on((b, g, n) -> g.flush = true, "lvs_flush")
            .on((b, g, n) -> {
                g.strict = true;
                StrictMode.requireFirewall(b.problems, n.keyword(), "vrrp_strict");
            }, "vrrp_strict")
            .on((b, g, n) -> g.security = true, "enable_script_security")
            .on((b, g, n) -> {
                if (b.account(n)) {
                    g.scriptUser = n.joinedArgs(0);
                }
            }, "script_user")
            .on((b, g, n) -> {
                // an lvs4j extension (lvs4j run's --http)
                if (b.v.has(n, 0, HTTP_EXPECTED)) {
                    if (n.args().size() > 1) {
                        b.problems.invalid(n.keyword(), n.arg(1), "one argument: " + HTTP_EXPECTED);
                    } else if (!isHttpAddress(n.arg(0).text())) {
                        b.problems.invalid(n.keyword(), n.arg(0), HTTP_EXPECTED);
                    } else {
                        g.http = n.arg(0).text();
                    }
                }
            }, LVS4J_HTTP)
            .on((b, g, n) -> g.syncDaemon = b.syncDaemon(n), "lvs_sync_daemon")
            // keepalived: one announcement on becoming master, no second round, no refresh
            .on((b, g, n) -> g.minGarp = Boolean.TRUE.equals(b.v.bool(n, 0)), "vrrp_min_garp")
            .on((b, g, n) -> {
                // the pause between the announcements of a round: lvs4j sends them back to back,
                // which is keepalived's default (0); another pause is not supported
                Duration d = b.v.timer(n, 0, 0, TIMER_MAX);
                if (d != null && !d.isZero()) {
                    b.problems.invalid(n.keyword(), n.arg(0), "0, not supported: lvs4j sends a round's "
                            + "announcements back to back");
                }
            }, "vrrp_garp_interval", "vrrp_gna_interval")
            .on((b, g, n) -> b.multicastGroup(n, io.lvs4j.vrrp.VrrpInstance.GROUP_IPV4), "vrrp_mcast_group4")
            .on((b, g, n) -> b.multicastGroup(n, io.lvs4j.vrrp.VrrpInstance.GROUP_IPV6), "vrrp_mcast_group6")
            .on((b, g, n) -> b.lowerPrioNoAdvert(n), "vrrp_lower_prio_no_advert")
            .on((b, g, n) -> {
                if (n.args().isEmpty()) {
                    g.flushOnStop = GlobalDefs.FlushOnStop.ALL;
                } else if (n.args().size() > 1) {
                    b.problems.invalid(n.keyword(), n.arg(1), "at most one argument: VS");
                } else if (n.arg(0).text().equals("VS")) {
                    g.flushOnStop = GlobalDefs.FlushOnStop.VIRTUAL_SERVERS;
                } else {
                    b.problems.invalid(n.keyword(), n.arg(0), "nothing (the whole table) or VS");
                }
            }, "lvs_flush_on_stop", "lvs_flush_onstop")
            // the instances' default: it changes what goes on the wire, so it is acted on
            .on((b, g, n) -> g.higherPrio = b.v.bool(n, 0), "vrrp_higher_prio_send_advert")
            // the version of instances that give none: it changes what goes on the wire
            .on((b, g, n) -> g.vrrpVersion = b.vrrpVersion(n), "vrrp_version")
            .on((b, g, n) -> {
                // the default use_vmac name is PREFIX.VRID (VrrpMapper): one word, or nothing is kept
                if (b.v.has(n, 0, "a name prefix")) {
                    if (n.args().size() > 1) {
                        b.problems.invalid(n.keyword(), n.arg(1), "one name prefix");
                    } else {
                        g.vmacPrefix = n.arg(0).text();
                    }
                }
            }, "vmac_prefix")
            // kept as written in otherSettings
            .on((b, g, n) -> {
                putOther(g.other, n);
                b.notActed(n);
            }, GLOBAL_OTHER.stream().filter(k -> !k.equals("vmac_prefix")).toList())
            .build();

    /** {@code lvs_timeouts [tcp N] [tcpfin N] [udp N]}, in seconds. */
    private void lvsTimeouts(GlobalBlock g, Node n) {
        for (int i = 0; i < n.args().size(); i += 2) {
            Token k = n.arg(i);
            if (!List.of("tcp", "tcpfin", "udp").contains(k.text())) {
                problems.invalid(n.keyword(), k, "one of tcp, tcpfin, udp");
                continue;
            }
            if (i + 1 >= n.args().size()) {
                problems.error(k, "lvs_timeouts " + k.text() + ": missing value (expected: 0.." + LVS_MAX_TIMEOUT + ")");
                break;
            }
            Long t = v.integer(k, n.arg(i + 1), 0, LVS_MAX_TIMEOUT);
            if (t != null) {
                switch (k.text()) {
                    case "tcp":
                        g.tcp = (int) (long) t;
                        break;
                    case "tcpfin":
                        g.tcpfin = (int) (long) t;
                        break;
                    default:
                        g.udp = (int) (long) t;
                }
            }
        }
    }

    private GlobalDefs globalDefs(Node block) {
        GlobalBlock g = new GlobalBlock();
        for (Node n : children(block)) {
            GLOBAL_DEFS.bind(this, g, n);
        }
        return new GlobalDefs(g.routerId, g.emails, g.from, g.smtpServer, g.smtpTimeout, g.smtpAlert, g.tcp, g.tcpfin,
                g.udp, g.flush, g.strict, g.security, g.scriptUser, g.vrrpVersion, g.higherPrio, g.syncDaemon,
                g.flushOnStop, g.http, g.garp.config(g.minGarp), g.vmacPrefix, g.other);
    }

    // ---------------------------------------------------------------- vrrp

    /**
     * {@code KEYWORD USER [GROUP]} (script_user, a vrrp_script's or MISC_CHECK's user): both must
     * exist on this host, as keepalived requires (it refuses the setting, and the script or
     * checker with it, as a configuration error); false when they do not.
     */
    private boolean account(Node n) {
        if (!v.has(n, 0, "a user name [group name]")) {
            return false;
        }
        if (n.args().size() > 2) {
            problems.invalid(n.keyword(), n.arg(2), "a user name [group name]");
            return false;
        }
        if (UserDatabase.user(n.arg(0).text()).isEmpty()) {
            problems.invalid(n.keyword(), n.arg(0), "a user on this host");
            return false;
        }
        if (n.args().size() > 1 && UserDatabase.group(n.arg(1).text()).isEmpty()) {
            problems.invalid(n.keyword(), n.arg(1), "a group on this host");
            return false;
        }
        return true;
    }

    /** {@code vrrp_script}'s settings as read. */
    private static final class ScriptBlock extends KeywordTable.BlockBuilder {
        String script;
        Token scriptAt;
        Duration interval;
        Duration timeout;
        Integer weight;
        boolean reverse;
        Integer rise;
        Integer fall;
        String user;
        String group;
        boolean initFail;
    }

    private static final KeywordTable<ScriptBlock> VRRP_SCRIPT = KeywordTable.<ScriptBlock>of("vrrp_script")
            .on((b, s, n) -> {
                if (b.v.has(n, 0, "a command")) {
                    s.script = n.joinedArgs(0);
                    s.scriptAt = n.keyword();
                }
            }, "script")
            .on((b, s, n) -> s.interval = b.v.timer(n, 0, 1_000_000, TIMER_MAX), "interval")
            .on((b, s, n) -> s.timeout = b.v.timer(n, 0, 1_000_000, TIMER_MAX), "timeout")
            .on((b, s, n) -> {
                s.weight = b.v.int32(n, 0, -253, 253);
                s.reverse |= b.reverse(n);
            }, "weight")
            .on((b, s, n) -> s.rise = b.v.int32(n, 0, 1, Integer.MAX_VALUE), "rise")
            .on((b, s, n) -> s.fall = b.v.int32(n, 0, 1, Integer.MAX_VALUE), "fall")
            .on((b, s, n) -> {
                if (b.account(n)) {
                    s.user = n.arg(0).text();
                    s.group = n.args().size() > 1 ? n.arg(1).text() : null;
                }
            }, "user")
            .on((b, s, n) -> s.initFail = true, "init_fail")
            .build();

    private VrrpScriptConfig vrrpScript(Node block) {
        String name = block.arg(0).text();
        ScriptBlock s = new ScriptBlock();
        for (Node n : children(block)) {
            noBlock(n);
            VRRP_SCRIPT.bind(this, s, n);
        }
        if (s.script == null) {
            // keepalived drops such a script with a warning; instances tracking it ignore it
            problems.warning(block.keyword(), "vrrp_script " + name
                    + ": missing script (expected: a script keyword in the block) - dropped, as keepalived does");
            return null;
        }
        scriptSites.add(new ScriptSite(s.scriptAt, "vrrp_script " + name, s.script, s.user, s.group));
        return new VrrpScriptConfig(name, s.script, s.interval, s.timeout, s.weight, s.reverse, s.rise, s.fall, s.user,
                s.group, s.initFail);
    }

    /** {@code vrrp_instance}'s settings as read; {@code at} is where each keyword was (for located messages later). */
    private static final class InstanceBlock extends KeywordTable.BlockBuilder {
        final String name;
        InitialState state;
        String iface;
        Integer vrid;
        boolean vridSeen;
        Integer priority;
        Duration advert;
        Integer version;
        AuthenticationConfig auth;
        final List<VirtualIpAddress> vips = new ArrayList<>();
        final List<VirtualIpAddress> excluded = new ArrayList<>();
        final List<String> routes = new ArrayList<>();
        final List<String> rules = new ArrayList<>();
        InetAddress unicastSrc;
        final List<UnicastPeer> peers = new ArrayList<>();
        InetAddress mcastSrc;
        boolean nopreempt;
        Duration preemptDelay;
        final List<TrackedObject> trackIf = new ArrayList<>();
        final List<TrackedObject> trackScript = new ArrayList<>();
        final List<TrackedObject> trackFile = new ArrayList<>();
        boolean dontTrackPrimary;
        final Map<String, String> notify = new HashMap<>();
        Boolean smtpAlert;
        Boolean accept;
        Boolean higherPrio;
        final Garp garp = new Garp();
        /** The last unicast_ttl, strict_mode and use_vmac: checked once the block is read ({@link #options}). */
        Node unicastTtl;
        Node strictMode;
        Node useVmac;
        boolean vmacXmitBase;
        Token blockAt;
        final Map<String, List<String>> other = new LinkedHashMap<>();

        InstanceBlock(String name) {
            this.name = name;
        }
    }

    private static final KeywordTable<InstanceBlock> VRRP_INSTANCE = Garp.on(
            KeywordTable.<InstanceBlock>of("vrrp_instance"), "", i -> i.garp)
            .on((b, i, n) -> {
                String s = b.v.oneOf(n, 0, List.of("MASTER", "BACKUP"));
                if (s != null) {
                    i.state = InitialState.valueOf(s);
                }
            }, "state")
            .on((b, i, n) -> i.iface = b.v.string(n, 0, "an interface name"), "interface")
            .on((b, i, n) -> {
                i.vrid = b.v.int32(n, 0, 1, 255);
                i.vridSeen = true;
            }, "virtual_router_id")
            .on((b, i, n) -> i.priority = b.v.int32(n, 0, 1, 255), "priority")
            .on((b, i, n) -> i.advert = b.v.timer(n, 0, 10_000, 255_000_000), "advert_int")
            .on((b, i, n) -> i.version = b.vrrpVersion(n), "version")
            .on((b, i, n) -> {
                i.auth = b.authentication(n);
                b.authAt.put(i.name, n.keyword());
            }, "authentication")
            .on((b, i, n) -> i.vips.addAll(b.vips(n)), "virtual_ipaddress")
            .on((b, i, n) -> i.excluded.addAll(b.vips(n)), "virtual_ipaddress_excluded")
            .on((b, i, n) -> {
                for (List<Token> line : b.valueLines(n)) {
                    i.routes.add(join(line));
                }
            }, "virtual_routes")
            .on((b, i, n) -> {
                for (List<Token> line : b.valueLines(n)) {
                    i.rules.add(join(line));
                }
            }, "virtual_rules")
            .on((b, i, n) -> i.unicastSrc = b.v.address(n, 0), "unicast_src_ip")
            .on((b, i, n) -> i.mcastSrc = b.v.address(n, 0), "mcast_src_ip")
            .on((b, i, n) -> {
                for (List<Token> line : b.valueLines(n)) {
                    InetAddress a = b.v.address(n.keyword(), line.get(0));
                    UnicastPeer peer = b.peerOptions(a, line);
                    if (peer != null) {
                        i.peers.add(peer);
                    }
                }
            }, "unicast_peer")
            .on((b, i, n) -> i.nopreempt = true, "nopreempt")
            .on((b, i, n) -> i.nopreempt = false, "preempt")
            .on((b, i, n) -> i.preemptDelay = b.v.timer(n, 0, 0, 1000_000_000L), "preempt_delay")
            .on((b, i, n) -> i.trackIf.addAll(b.tracked(n, false)), "track_interface")
            .on((b, i, n) -> i.trackScript.addAll(b.tracked(n, true)), "track_script")
            .on((b, i, n) -> i.trackFile.addAll(b.tracked(n, false)), "track_file")
            .on((b, i, n) -> i.dontTrackPrimary = true, "dont_track_primary")
            .on((b, i, n) -> i.smtpAlert = b.v.bool(n, 0), "smtp_alert")
            .on((b, i, n) -> i.accept = Boolean.TRUE, "accept")
            .on((b, i, n) -> i.accept = Boolean.FALSE, "no_accept")
            .on((b, i, n) -> i.higherPrio = b.v.bool(n, 0), "higher_prio_send_advert")
            .on((b, i, n) -> b.lowerPrioNoAdvert(n), "lower_prio_no_advert")
            .on((b, i, n) -> {
                java.net.InetAddress a = b.v.address(n, 0);
                if (a != null) {
                    b.multicastGroup(n, a instanceof java.net.Inet6Address ? io.lvs4j.vrrp.VrrpInstance.GROUP_IPV6
                            : io.lvs4j.vrrp.VrrpInstance.GROUP_IPV4);
                }
            }, "mcast_dst_ip")
            .on((b, i, n) -> b.problems.error(n.keyword(), "old_unicast_checksum: not supported (expected: left out): "
                    + "lvs4j's unicast adverts carry the RFC checksum, as keepalived's do without this keyword"),
                    "old_unicast_checksum")
            .on((b, i, n) -> b.problems.error(n.keyword(), n.name() + ": not supported (expected: left out): lvs4j "
                    + "creates no ipvlan device and no macvlan per address (use_vmac on the instance is supported)"),
                    "use_vmac_addr", "use_ipvlan")
            .on((b, i, n) -> b.notifyCommand(n, "vrrp_instance " + i.name, i.notify), NOTIFY)
            // INSTANCE_ACTED: the last one given counts, checked once the block is read
            .on((b, i, n) -> i.unicastTtl = n, "unicast_ttl")
            .on((b, i, n) -> i.strictMode = n, "strict_mode")
            .on((b, i, n) -> i.useVmac = n, "use_vmac")
            .on((b, i, n) -> i.vmacXmitBase = true, "vmac_xmit_base")
            .on((b, i, n) -> {
                putOther(i.other, n);
                b.notActed(n);
            }, INSTANCE_OTHER.stream().filter(k -> !INSTANCE_ACTED.contains(k)).toList())
            .build();

    private VrrpInstanceConfig vrrpInstance(Node in) {
        InstanceBlock i = new InstanceBlock(in.arg(0).text());
        i.blockAt = in.keyword();
        for (Node n : children(in)) {
            VRRP_INSTANCE.bind(this, i, n);
        }
        if (i.vrid == null) {
            if (!i.vridSeen) {
                problems.error(in.keyword(), "vrrp_instance " + i.name
                        + ": missing virtual_router_id (expected: virtual_router_id 1..255 in the block)");
            }
            return null;
        }
        VrrpInstanceConfig c = new VrrpInstanceConfig(i.name, i.state, i.iface, i.vrid, i.priority, i.advert,
                i.version, i.auth, i.vips, i.excluded, i.routes, i.rules, i.unicastSrc, i.peers, i.mcastSrc,
                i.nopreempt, i.preemptDelay, i.trackIf, i.trackScript, i.trackFile, i.dontTrackPrimary, i.notify,
                i.smtpAlert, i.accept, i.garp.config(false), i.higherPrio, options(i), i.other);
        keywords.put(c, i.at);
        return c;
    }

    /**
     * The instance's {@link VrrpInstanceConfig.Options}: {@code unicast_ttl N} (1..255),
     * {@code strict_mode [BOOL]} (a bad value is an error at the block and counts as off),
     * {@code use_vmac [NAME]} (keepalived's second argument, its own MAC address, is an error).
     */
    private VrrpInstanceConfig.Options options(InstanceBlock i) {
        String where = "vrrp_instance " + i.name;
        Integer ttl = null;
        if (i.unicastTtl != null) {
            Node n = i.unicastTtl;
            int t;
            try {
                t = n.args().size() == 1 ? Integer.parseInt(n.arg(0).text()) : -1;
            } catch (NumberFormatException e) {
                t = -1;
            }
            if (t < 1 || t > 255) {
                problems.error(n.keyword(), Preconditions.message(where + " unicast_ttl", argText(n), "1..255"));
            } else {
                ttl = t;
            }
        }
        Boolean strict = null;
        if (i.strictMode != null) {
            strict = strictMode(i.strictMode, where, i.blockAt);
        }
        boolean useVmac = false;
        String vmacName = null;
        boolean xmitBase = i.vmacXmitBase;
        if (i.useVmac != null) {
            Node n = i.useVmac;
            if (n.args().size() > 1) {
                problems.error(n.keyword(), Preconditions.message(where + " use_vmac", argText(n),
                        "at most an interface name: a MAC address of one's own is not supported"));
                xmitBase = false; // the instance is in error: no warning that vmac_xmit_base lacks use_vmac
            } else {
                useVmac = true;
                vmacName = n.args().isEmpty() ? null : n.arg(0).text();
            }
        }
        if (ttl == null && strict == null && !useVmac && !xmitBase) {
            return VrrpInstanceConfig.Options.NONE;
        }
        return new VrrpInstanceConfig.Options(ttl, strict, useVmac, vmacName, xmitBase);
    }

    /** {@code strict_mode [on|off|true|false|yes|no]}: no argument is on; a bad one an error at {@code block}, off. */
    private Boolean strictMode(Node n, String where, Token block) {
        if (n.args().isEmpty()) {
            return Boolean.TRUE;
        }
        String text = n.arg(0).text();
        switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "on", "true", "yes":
                return Boolean.TRUE;
            case "off", "false", "no":
                return Boolean.FALSE;
            default:
                problems.error(block, where + " strict_mode: \"" + text
                        + "\" (expected: on or off, true or false, yes or no)");
                return Boolean.FALSE;
        }
    }

    private static String argText(Node n) {
        StringBuilder t = new StringBuilder();
        for (Token a : n.args()) {
            t.append(t.length() == 0 ? "" : " ").append(a.text());
        }
        return t.toString();
    }

    private static String join(List<Token> line) {
        StringBuilder sb = new StringBuilder();
        for (Token t : line) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(t.text());
        }
        return sb.toString();
    }

    private AuthenticationConfig authentication(Node block) {
        if (!block(block)) {
            return null;
        }
        AuthBlock a = new AuthBlock();
        for (Node n : children(block)) {
            AUTHENTICATION.bind(this, a, n);
        }
        if (a.type == null) {
            problems.error(block.keyword(), "authentication: missing auth_type (expected: auth_type PASS|AH)");
            return null;
        }
        return new AuthenticationConfig(a.type, a.pass);
    }

    private List<VirtualIpAddress> vips(Node n) {
        List<VirtualIpAddress> r = new ArrayList<>();
        for (List<Token> line : valueLines(n)) {
            Token a = line.get(0);
            String text = a.text();
            int prefix = -1;
            int slash = text.indexOf('/');
            InetAddress addr;
            if (slash >= 0) {
                addr = Values.parseAddress(text.substring(0, slash));
                Long p = Values.parseLong(text.substring(slash + 1));
                int max = addr != null && !Values.isV4(addr) ? 128 : 32;
                if (addr == null || p == null || p < 0 || p > max) {
                    problems.invalid(n.keyword(), a, "an IP address with an optional /prefix length");
                    continue;
                }
                prefix = (int) (long) p;
            } else {
                addr = v.address(n.keyword(), a);
                if (addr == null) {
                    continue;
                }
            }
            InetAddress brd = null;
            String dev = null;
            String scope = null;
            String label = null;
            List<String> otherOptions = new ArrayList<>();
            for (int i = 1; i < line.size(); i++) {
                Token o = line.get(i);
                String val = i + 1 < line.size() ? line.get(i + 1).text() : null;
                switch (o.text()) {
                    case "brd":
                    case "broadcast":
                        if (val == null) {
                            problems.error(o, n.name() + " brd: missing value (expected: an IP address)");
                            break;
                        }
                        brd = v.address(o, line.get(++i));
                        break;
                    case "dev":
                        if (val == null) {
                            problems.error(o, n.name() + " dev: missing value (expected: an interface name)");
                            break;
                        }
                        dev = val;
                        i++;
                        break;
                    case "scope":
                        if (val == null) {
                            problems.error(o, n.name() + " scope: missing value (expected: a scope)");
                            break;
                        }
                        scope = val;
                        i++;
                        break;
                    case "label":
                        if (val == null) {
                            problems.error(o, n.name() + " label: missing value (expected: a label)");
                            break;
                        }
                        label = val;
                        i++;
                        break;
                    case "no_track":
                    case "home":
                    case "-nodad":
                    case "nodad":
                    case "noprefixroute":
                    case "autojoin":
                        otherOptions.add(o.text());
                        break;
                    case "preferred_lft":
                    case "track_group":
                        otherOptions.add(o.text());
                        if (val != null) {
                            otherOptions.add(val);
                            i++;
                        }
                        break;
                    default:
                        problems.invalid(n.keyword(), o, "one of brd, dev, scope, label, no_track, preferred_lft, home, nodad, noprefixroute, autojoin, track_group");
                }
            }
            r.add(new VirtualIpAddress(addr, prefix, brd, dev, scope, label, otherOptions));
        }
        return r;
    }

    private List<TrackedObject> tracked(Node n, boolean scripts) {
        List<TrackedObject> r = new ArrayList<>();
        for (List<Token> line : valueLines(n)) {
            Token name = line.get(0);
            Integer weight = null;
            boolean reverse = false;
            for (int i = 1; i < line.size(); i++) {
                Token o = line.get(i);
                if (o.text().equals("weight") && i + 1 < line.size()) {
                    Long w = v.integer(o, line.get(++i), -254, 254);
                    weight = w == null ? null : (int) (long) w;
                } else if (o.text().equals("reverse")) {
                    reverse = true;
                } else {
                    problems.invalid(n.keyword(), o, "weight N [reverse]");
                }
            }
            if (scripts) {
                scriptRefs.put(name, name.text());
            }
            TrackedObject t = new TrackedObject(name.text(), weight, reverse);
            locations.put(t, name);
            r.add(t);
        }
        return r;
    }

    /** {@code vrrp_sync_group}'s settings as read. */
    private static final class SyncGroupBlock extends KeywordTable.BlockBuilder {
        final String name;
        final List<String> members = new ArrayList<>();
        final Map<String, String> notify = new HashMap<>();
        Boolean smtpAlert;
        final List<TrackedObject> trackScript = new ArrayList<>();
        final List<TrackedObject> trackIf = new ArrayList<>();
        boolean global;

        SyncGroupBlock(String name) {
            this.name = name;
        }
    }

    private static final KeywordTable<SyncGroupBlock> SYNC_GROUP = KeywordTable.<SyncGroupBlock>of("vrrp_sync_group")
            .on((b, g, n) -> {
                for (List<Token> line : b.valueLines(n)) {
                    for (Token t : line) {
                        g.members.add(t.text());
                        b.syncMembers.add(new Member(t, t.text(), g));
                    }
                }
            }, "group")
            .on((b, g, n) -> g.smtpAlert = b.v.bool(n, 0), "smtp_alert")
            .on((b, g, n) -> g.trackScript.addAll(b.tracked(n, true)), "track_script")
            .on((b, g, n) -> g.trackIf.addAll(b.tracked(n, false)), "track_interface")
            .on((b, g, n) -> g.global = true, "global_tracking")
            .on((b, g, n) -> b.notifyCommand(n, "vrrp_sync_group " + g.name, g.notify),
                    NOTIFY.stream().filter(k -> !k.equals("notify_deleted")).toList())
            .on((b, g, n) -> b.notActed(n), SYNC_GROUP_OTHER)
            .build();

    private VrrpSyncGroupConfig syncGroup(Node block) {
        SyncGroupBlock g = new SyncGroupBlock(block.arg(0).text());
        for (Node n : children(block)) {
            SYNC_GROUP.bind(this, g, n);
        }
        return new VrrpSyncGroupConfig(g.name, g.members, g.notify, g.smtpAlert, g.trackScript, g.trackIf, g.global);
    }

    /**
     * A unicast peer and the options after its address: {@code min_ttl N} and {@code max_ttl M}
     * (0..255), the bounds of the TTL (hop limit) its adverts may arrive with, as keepalived 2.2.7
     * reads them. A bad or missing value, or min_ttl above max_ttl (keepalived: "all packets will be
     * discarded"), is a located error; another word is warned about and the rest of the line
     * ignored, as keepalived does. Null when {@code address} is null or an option is in error.
     */
    private UnicastPeer peerOptions(InetAddress address, List<Token> line) {
        Integer min = null;
        Integer max = null;
        Token minAt = null;
        boolean bad = false;
        for (int i = 1; i < line.size(); i += 2) {
            Token option = line.get(i);
            boolean isMin = option.text().equals("min_ttl");
            if (!isMin && !option.text().equals("max_ttl")) {
                problems.warning(option, "unicast_peer: " + Preconditions.render(option.text())
                        + " (expected: min_ttl or max_ttl) - the rest of the line ignored, as keepalived does");
                break;
            }
            if (i + 1 >= line.size()) {
                problems.error(option, Preconditions.message(option.text(), null, "0..255"));
                bad = true;
                break;
            }
            Long ttl = v.integer(option, line.get(i + 1), 0, 255);
            if (ttl == null) {
                bad = true;
            } else if (isMin) {
                min = (int) (long) ttl;
                minAt = line.get(i + 1);
            } else {
                max = (int) (long) ttl;
            }
        }
        if (address == null || bad) {
            return null;
        }
        UnicastPeer.Builder b = UnicastPeer.builder(address);
        if (min != null) {
            b.minTtl(min);
        }
        if (max != null) {
            b.maxTtl(max);
        }
        try {
            return b.build();
        } catch (IllegalStateException e) {
            problems.error(minAt, e.getMessage());
            return null;
        }
    }

    // ---------------------------------------------------------------- LVS

    /** {@code SSL}'s settings as read. */
    private static final class SslBlock extends KeywordTable.BlockBuilder {
        String password;
        String ca;
        String cert;
        String key;
    }

    private static final KeywordTable<SslBlock> SSL = KeywordTable.<SslBlock>of("SSL")
            .on((b, s, n) -> s.password = b.v.string(n, 0, "a password"), "password")
            .on((b, s, n) -> {
                s.ca = b.v.string(n, 0, "a file name");
                // keepalived 2.2.7 loads the file but never asks OpenSSL to verify the peer
                b.problems.warning(n.keyword(), "ca: \"" + s.ca + "\" is read but SSL_GET does not verify the real "
                        + "server's certificate against it, as keepalived 2.2.7 does not (lvs4j's typed "
                        + "Checks.http(...).tls().trustCertificates(file) verifies)");
            }, "ca")
            .on((b, s, n) -> s.cert = b.v.string(n, 0, "a file name"), "certificate")
            .on((b, s, n) -> s.key = b.v.string(n, 0, "a file name"), "key")
            .build();

    private SslConfig ssl(Node block) {
        SslBlock s = new SslBlock();
        for (Node n : children(block)) {
            SSL.bind(this, s, n);
        }
        if (s.cert != null && s.key == null) {
            problems.error(s.at.get("certificate"), Preconditions.message("certificate", s.cert,
                    "with a key, the client certificate's private key file"));
        } else if (s.key != null && s.cert == null) {
            problems.error(s.at.get("key"), Preconditions.message("key", s.key,
                    "with a certificate, the client certificate the key belongs to"));
        }
        return new SslConfig(s.password, s.ca, s.cert, s.key);
    }

    /** {@code authentication}'s settings as read. */
    private static final class AuthBlock extends KeywordTable.BlockBuilder {
        AuthType type;
        String pass;
    }

    private static final KeywordTable<AuthBlock> AUTHENTICATION = KeywordTable.<AuthBlock>of("authentication")
            .on((b, a, n) -> {
                String s = b.v.oneOf(n, 0, List.of("PASS", "AH"));
                if (s != null) {
                    a.type = AuthType.valueOf(s);
                }
            }, "auth_type")
            .on((b, a, n) -> {
                a.pass = b.v.string(n, 0, "a password");
                if (a.pass != null && a.pass.length() > 8) {
                    b.problems.warning(n.arg(0), "auth_pass: longer than 8 characters - truncated to 8, as keepalived does");
                    a.pass = a.pass.substring(0, 8);
                }
            }, "auth_pass")
            .build();

    private VirtualServerGroupConfig group(Node g) {
        String name = g.arg(0).text();
        List<GroupEntry> entries = new ArrayList<>();
        for (Node n : children(g)) {
            noBlock(n);
            if (n.name().equals("fwmark")) {
                Long mark = v.integer(n, 0, 1, 0xFFFF_FFFFL);
                AddressFamily fam = null;
                if (n.args().size() > 1) {
                    String f = v.oneOf(n, 1, List.of("inet", "inet6"));
                    if (f == null) {
                        continue;
                    }
                    fam = f.equals("inet") ? AddressFamily.INET : AddressFamily.INET6;
                }
                if (mark != null) {
                    entries.add(GroupEntry.fwmark(mark, fam));
                }
                continue;
            }
            GroupEntry e = groupRange(n);
            if (e != null) {
                entries.add(e);
            }
        }
        if (entries.isEmpty()) {
            problems.error(g.keyword(), "virtual_server_group " + name
                    + ": no entries (expected: addresses, ranges or fwmarks in the block)");
            return null;
        }
        return new VirtualServerGroupConfig(name, entries);
    }

    /** {@code ADDR [PORT]}, {@code A.B.C.D-E}, {@code A.B.C.D-E.F.G.H}, {@code A.B.C.D/nn}, IPv6 likewise. */
    private GroupEntry groupRange(Node n) {
        Token t = n.keyword();
        String s = t.text();
        String expected = "an address, a range like 192.0.2.1-10 or 192.0.2.1-192.0.2.10, a prefix like 192.0.2.8/29, or fwmark N";
        Integer port = v.port(n, 0);
        if (port == null) {
            return null;
        }
        int slash = s.indexOf('/');
        int dash = s.indexOf('-');
        try {
            if (slash >= 0) {
                InetAddress a = Values.parseAddress(s.substring(0, slash));
                Long len = Values.parseLong(s.substring(slash + 1));
                int bits = a == null ? 0 : a.getAddress().length * 8;
                if (a == null || len == null || len < 1 || len > bits) {
                    problems.error(t, Preconditions.message("virtual_server_group", s, expected));
                    return null;
                }
                BigInteger v0 = new BigInteger(1, a.getAddress());
                BigInteger hostMask = BigInteger.ONE.shiftLeft(bits - (int) (long) len).subtract(BigInteger.ONE);
                if (!v0.and(hostMask).equals(BigInteger.ZERO)) {
                    problems.error(t, Preconditions.message("virtual_server_group", s, "no host bits set after the /prefix"));
                    return null;
                }
                return GroupEntry.range(a, toAddress(v0.or(hostMask), a.getAddress().length), port);
            }
            if (dash >= 0) {
                InetAddress a = Values.parseAddress(s.substring(0, dash));
                String endText = s.substring(dash + 1);
                if (a == null) {
                    problems.error(t, Preconditions.message("virtual_server_group", s, expected));
                    return null;
                }
                boolean v4 = Values.isV4(a);
                InetAddress end;
                if ((v4 && endText.indexOf('.') >= 0) || (!v4 && endText.indexOf(':') >= 0)) {
                    end = Values.parseAddress(endText);
                    if (end == null || Values.isV4(end) != v4) {
                        problems.error(t, Preconditions.message("virtual_server_group", s, expected));
                        return null;
                    }
                    if (new BigInteger(1, end.getAddress()).compareTo(new BigInteger(1, a.getAddress())) < 0) {
                        problems.error(t, Preconditions.message("virtual_server_group", s, "a range whose end is not below its start"));
                        return null;
                    }
                } else {
                    byte[] b = a.getAddress();
                    long last;
                    long start;
                    if (v4) {
                        Long e = Values.parseLong(endText);
                        if (e == null || e < 0 || e > 255) {
                            problems.error(t, Preconditions.message("virtual_server_group", s, expected));
                            return null;
                        }
                        last = e;
                        start = b[3] & 0xFF;
                        b[3] = (byte) last;
                    } else {
                        Long e = endText.isEmpty() || endText.length() > 4 ? null : parseHex(endText);
                        if (e == null) {
                            problems.error(t, Preconditions.message("virtual_server_group", s, expected));
                            return null;
                        }
                        last = e;
                        start = ((b[14] & 0xFF) << 8) | (b[15] & 0xFF);
                        b[14] = (byte) (last >> 8);
                        b[15] = (byte) last;
                    }
                    if (start >= last) {
                        problems.error(t, Preconditions.message("virtual_server_group", s, "a range end greater than its start"));
                        return null;
                    }
                    end = InetAddress.getByAddress(b);
                }
                return GroupEntry.range(a, end, port);
            }
            InetAddress a = Values.parseAddress(s);
            if (a == null) {
                problems.error(t, Preconditions.message("virtual_server_group", s, expected));
                return null;
            }
            return GroupEntry.range(a, a, port);
        } catch (UnknownHostException e) {
            problems.error(t, Preconditions.message("virtual_server_group", s, expected));
            return null;
        }
    }

    private static Long parseHex(String s) {
        long r = 0;
        for (char c : s.toCharArray()) {
            int d = Character.digit(c, 16);
            if (d < 0) {
                return null;
            }
            r = r * 16 + d;
        }
        return r;
    }

    private static InetAddress toAddress(BigInteger value, int len) throws UnknownHostException {
        byte[] raw = value.toByteArray();
        byte[] b = new byte[len];
        int copy = Math.min(raw.length, len);
        System.arraycopy(raw, raw.length - copy, b, len - copy, copy);
        return InetAddress.getByAddress(b);
    }

    /**
     * An instance's six {@code garp_*} settings, or in global_defs their {@code vrrp_garp_*}
     * defaults for every instance: one reader for both blocks.
     */
    private static final class Garp {
        private Duration delay;
        private Integer repeat;
        private Duration refresh;
        private Integer refreshRepeat;
        private Duration lowerDelay;
        private Integer lowerRepeat;

        /**
         * {@code table} with the six keywords, each {@code prefix} (global_defs' {@code vrrp_}) and its
         * name, read into {@code garp}'s of the block.
         */
        static <B extends KeywordTable.BlockBuilder> KeywordTable.Builder<B> on(KeywordTable.Builder<B> table,
                String prefix, java.util.function.Function<B, Garp> garp) {
            return table
                    .on((b, x, n) -> garp.apply(x).delay = b.v.timer(n, 0, 0, 255_000_000), prefix + "garp_master_delay")
                    .on((b, x, n) -> garp.apply(x).repeat = b.v.int32(n, 0, 1, 255), prefix + "garp_master_repeat")
                    .on((b, x, n) -> garp.apply(x).refresh = b.v.timer(n, 0, 0, TIMER_MAX), prefix + "garp_master_refresh")
                    .on((b, x, n) -> garp.apply(x).refreshRepeat = b.v.int32(n, 0, 1, 255),
                            prefix + "garp_master_refresh_repeat")
                    .on((b, x, n) -> garp.apply(x).lowerDelay = b.v.timer(n, 0, 0, 255_000_000),
                            prefix + "garp_lower_prio_delay")
                    .on((b, x, n) -> garp.apply(x).lowerRepeat = b.v.int32(n, 0, 1, 255), prefix + "garp_lower_prio_repeat");
        }

        /** The settings; with {@code vrrp_min_garp}, one announcement and no delay unless given. */
        GarpConfig config(boolean minGarp) {
            return new GarpConfig(delay != null || !minGarp ? delay : Duration.ZERO,
                    repeat != null || !minGarp ? repeat : Integer.valueOf(1), refresh, refreshRepeat, lowerDelay,
                    lowerRepeat);
        }
    }

    /** A {@code virtual_server}'s settings as read. */
    private static final class Vs extends KeywordTable.BlockBuilder {
        InetAddress address;
        int port;
        long fwmark;
        String group;
        Protocol protocol;
        Scheduler scheduler;
        Set<SchedulerFlag> flags = EnumSet.noneOf(SchedulerFlag.class);
        boolean ops;
        boolean hashed;
        LvsMethod method;
        Integer persistenceTimeout;
        String granularity;
        String engine;
        AddressFamily family;
        Integer quorum;
        Integer hysteresis;
        String quorumUp;
        String quorumDown;
        InetAddress sorryAddress;
        int sorryPort;
        boolean sorryInhibit;
        LvsMethod sorryMethod;
        boolean haSuspend;
        boolean alpha;
        boolean omega;
        boolean inhibit;
        Integer weight;
        Duration delayLoop;
        Duration connectTimeout;
        Integer retry;
        Duration delayBeforeRetry;
        Duration warmup;
        String virtualhost;
        Boolean smtpAlert;
        List<RealServerConfig> realServers = new ArrayList<>();
        Token weightAt;
        VirtualServerConfig.Announce announce;
    }

    private static final KeywordTable<Vs> VIRTUAL_SERVER = KeywordTable.<Vs>of("virtual_server")
            .on((b, vs, n) -> {
                String f = b.v.oneOf(n, 0, List.of("inet", "inet6"));
                if (f != null) {
                    vs.family = f.equals("inet") ? AddressFamily.INET : AddressFamily.INET6;
                }
            }, "ip_family")
            .on((b, vs, n) -> vs.retry = b.v.int32(n, 0, 1, Integer.MAX_VALUE), "retry")
            .on((b, vs, n) -> vs.delayBeforeRetry = b.v.timer(n, 0, 0, TIMER_MAX), "delay_before_retry")
            .on((b, vs, n) -> vs.warmup = b.v.timer(n, 0, 0, TIMER_MAX), "warmup")
            .on((b, vs, n) -> vs.connectTimeout = b.v.timer(n, 0, 1, TIMER_MAX), "connect_timeout")
            .on((b, vs, n) -> vs.delayLoop = b.v.timer(n, 0, 1, TIMER_MAX), "delay_loop")
            .on((b, vs, n) -> vs.inhibit = true, "inhibit_on_failure")
            .on((b, vs, n) -> {
                String s = b.v.oneOf(n, 0, SCHEDULERS);
                if (s != null) {
                    vs.scheduler = Scheduler.of(s);
                }
            }, "lb_algo", "lvs_sched")
            .on((b, vs, n) -> {
                vs.hashed = true;
                b.problems.warning(n.keyword(), "hashed: accepted by keepalived but has no effect");
            }, "hashed")
            .on((b, vs, n) -> vs.ops = true, "ops")
            .on((b, vs, n) -> vs.flags.add(SchedulerFlag.of(n.name())), "flag-1", "flag-2", "flag-3")
            .on((b, vs, n) -> {
                SchedulerFlag f = SchedulerFlag.of(n.name());
                if (vs.scheduler != f.onlyFor()) {
                    b.problems.error(n.keyword(), Preconditions.message(n.name(),
                            vs.scheduler == null ? "no lvs_sched" : "lvs_sched " + vs.scheduler,
                            "lvs_sched " + f.onlyFor() + " before " + n.name() + ", as keepalived requires"));
                } else {
                    vs.flags.add(f);
                }
            }, "sh-port", "sh-fallback", "mh-port", "mh-fallback")
            .on((b, vs, n) -> {
                LvsMethod m = b.method(n, vs.method);
                if (m != null) {
                    vs.method = m;
                }
            }, "lb_kind", "lvs_method")
            .on((b, vs, n) -> {
                vs.engine = b.v.string(n, 0, "a persistence engine name such as sip");
                if (vs.engine != null && vs.engine.length() > 15) {
                    b.problems.invalid(n.keyword(), n.arg(0), "at most 15 characters");
                    vs.engine = null;
                }
            }, "persistence_engine")
            .on((b, vs, n) -> {
                if (n.args().isEmpty()) {
                    vs.persistenceTimeout = 360;
                } else {
                    Integer t = b.v.int32(n, 0, 1, LVS_MAX_TIMEOUT);
                    if (t != null) {
                        vs.persistenceTimeout = t;
                    }
                }
            }, "persistence_timeout")
            .on((b, vs, n) -> vs.granularity = b.granularity(n, vs), "persistence_granularity")
            .on((b, vs, n) -> {
                if (!b.v.has(n, 0, "one of TCP, UDP, SCTP")) {
                    return;
                }
                String p = n.arg(0).text().toUpperCase(java.util.Locale.ROOT);
                if (List.of("TCP", "UDP", "SCTP").contains(p)) {
                    vs.protocol = Protocol.valueOf(p);
                } else {
                    b.problems.invalid(n.keyword(), n.arg(0), "one of TCP, UDP, SCTP");
                }
            }, "protocol")
            .on((b, vs, n) -> vs.haSuspend = true, "ha_suspend")
            .on((b, vs, n) -> vs.smtpAlert = b.v.bool(n, 0), "smtp_alert")
            .on((b, vs, n) -> vs.virtualhost = b.v.string(n, 0, "a host name"), "virtualhost")
            .on((b, vs, n) -> b.notActed(n), "snmp_name")
            .on((b, vs, n) -> vs.alpha = true, "alpha")
            .on((b, vs, n) -> vs.omega = true, "omega")
            .on((b, vs, n) -> vs.quorumUp = b.command(n, "virtual_server quorum_up"), "quorum_up")
            .on((b, vs, n) -> vs.quorumDown = b.command(n, "virtual_server quorum_down"), "quorum_down")
            .on((b, vs, n) -> vs.quorum = b.v.int32(n, 0, 1, Integer.MAX_VALUE), "quorum")
            .on((b, vs, n) -> vs.hysteresis = b.v.int32(n, 0, 0, Integer.MAX_VALUE), "hysteresis")
            .on((b, vs, n) -> {
                vs.weight = b.v.int32(n, 0, 1, Integer.MAX_VALUE);
                vs.weightAt = n.args().isEmpty() ? n.keyword() : n.arg(0);
            }, "weight")
            .on((b, vs, n) -> {
                InetAddress a = b.v.address(n, 0);
                Integer p = b.v.port(n, 1);
                if (a != null && p != null) {
                    vs.sorryAddress = a;
                    vs.sorryPort = p;
                    vs.sorryMethod = null;
                }
            }, "sorry_server")
            .on((b, vs, n) -> vs.sorryInhibit |= b.afterSorryServer(vs, n), "sorry_server_inhibit")
            .on((b, vs, n) -> {
                if (b.afterSorryServer(vs, n)) {
                    LvsMethod m = b.method(n, vs.method);
                    if (m != null) {
                        vs.sorryMethod = m;
                    }
                }
            }, "sorry_server_lvs_method")
            .on(Binder::announce, "announce")
            .on((b, vs, n) -> {
                if (!n.args().isEmpty()) {
                    b.problems.invalid(n.keyword(), n.arg(0), "nothing after no_announce");
                }
                vs.announce = new VirtualServerConfig.Announce(false, List.of());
            }, "no_announce")
            .on((b, vs, n) -> {
                RealServerConfig rs = b.realServer(n, vs);
                if (rs != null) {
                    b.locations.put(rs, n.keyword());
                    vs.realServers.add(rs);
                }
            }, "real_server")
            .build();

    /** Whether {@code n} ({@code sorry_server_*}) follows a sorry_server, as it must (else an error at it). */
    private boolean afterSorryServer(Vs vs, Node n) {
        if (vs.sorryAddress == null) {
            problems.error(n.keyword(), n.name() + ": no sorry_server (expected: sorry_server before it)");
            return false;
        }
        return true;
    }

    /** {@code announce [ADDRESS...]}: the service's addresses for route health injection (lvs4j's own). */
    private void announce(Vs vs, Node n) {
        List<InetAddress> as = new ArrayList<>();
        for (Token t : n.args()) {
            InetAddress a = v.address(n.keyword(), t);
            if (a == null) {
                continue;
            }
            if (a.isAnyLocalAddress() || a.isMulticastAddress() || a.isLoopbackAddress() || as.contains(a)) {
                problems.invalid(n.keyword(), t, "a unicast address, not loopback, each once");
                continue;
            }
            as.add(a);
        }
        if (vs.fwmark != 0 && as.isEmpty() && n.args().isEmpty()) {
            problems.error(n.keyword(), "announce: no address for fwmark " + vs.fwmark
                    + " (expected: announce ADDRESS... for a fwmark service)");
        }
        vs.announce = new VirtualServerConfig.Announce(true, as);
    }

    // ---------------------------------------------------------------- bgp_speaker (lvs4j's own)

    private boolean bgpSeen;

    /** {@code bgp_speaker}'s settings as read; {@code ok} false once one of them is in error. */
    private static final class BgpBlock extends KeywordTable.BlockBuilder {
        InetAddress routerId;
        Long localAs;
        Integer listenPort;
        String device;
        Duration stopDrain;
        Duration partialTableDelay;
        final List<BgpSpeakerConfig.Neighbor> neighbors = new ArrayList<>();
        boolean ok = true;
    }

    private static final KeywordTable<BgpBlock> BGP_SPEAKER = KeywordTable.<BgpBlock>of("bgp_speaker")
            .on((b, g, n) -> {
                InetAddress a = b.v.address(n, 0);
                if (a != null && (!(a instanceof java.net.Inet4Address) || a.isAnyLocalAddress())) {
                    b.problems.invalid(n.keyword(), n.arg(0), "a non-zero IPv4 address");
                    a = null;
                }
                g.routerId = a;
                g.ok &= a != null;
            }, "router_id")
            .on((b, g, n) -> {
                g.localAs = b.asNumber(n);
                g.ok &= g.localAs != null;
            }, "local_as")
            .on((b, g, n) -> {
                Long p = b.v.integer(n, 0, 0, 65535);
                g.listenPort = p == null ? null : (int) (long) p;
                g.ok &= p != null;
            }, "listen_port")
            .on((b, g, n) -> {
                g.device = b.v.string(n, 0, "an interface name");
                if (g.device != null && (g.device.isEmpty() || g.device.length() > 15 || g.device.indexOf('/') >= 0)) {
                    b.problems.invalid(n.keyword(), n.arg(0), "an interface name (1..15 characters, no '/')");
                    g.device = null;
                }
            }, "device")
            .on((b, g, n) -> g.stopDrain = b.v.timer(n, 0, 0, 3_600_000_000L), "stop_drain")
            .on((b, g, n) -> g.partialTableDelay = b.v.timer(n, 0, 0, 3_600_000_000L), "partial_table_delay")
            .on((b, g, n) -> {
                BgpSpeakerConfig.Neighbor nb = b.neighbor(n, g.neighbors);
                if (nb != null) {
                    g.neighbors.add(nb);
                } else {
                    g.ok = false;
                }
            }, "neighbor")
            .otherwise((b, g, n) -> {
                b.problems.error(n.keyword(), Preconditions.message("bgp_speaker", n.name(),
                        "one of router_id, local_as, listen_port, device, stop_drain, partial_table_delay, neighbor"));
                g.ok = false;
            })
            .build();

    private BgpSpeakerConfig bgpSpeaker(Node b) {
        BgpBlock g = new BgpBlock();
        for (Node n : children(b)) {
            if (!n.name().equals("neighbor")) {
                noBlock(n);
            }
            BGP_SPEAKER.bind(this, g, n);
        }
        InetAddress routerId = g.routerId;
        Long localAs = g.localAs;
        Integer listenPort = g.listenPort;
        List<BgpSpeakerConfig.Neighbor> neighbors = g.neighbors;
        boolean ok = g.ok;
        if (routerId == null && ok) {
            problems.error(b.keyword(), "bgp_speaker router_id: missing (expected: router_id IPV4_ADDRESS)");
            ok = false;
        }
        if (localAs == null && ok) {
            problems.error(b.keyword(), "bgp_speaker local_as: missing (expected: local_as 1..4294967295)");
            ok = false;
        }
        if (neighbors.isEmpty() && ok) {
            problems.error(b.keyword(), "bgp_speaker neighbor: none (expected: at least one neighbor block)");
            ok = false;
        }
        if (ok && listenPort != null && listenPort == 0) {
            for (BgpSpeakerConfig.Neighbor nb : neighbors) {
                if (nb.passive()) {
                    problems.error(b.keyword(), "bgp_speaker listen_port: 0 (expected: a port to listen on, neighbor "
                            + io.lvs4j.internal.Addresses.format(nb.address()) + " is passive)");
                    ok = false;
                    break;
                }
            }
        }
        return ok ? new BgpSpeakerConfig(routerId, localAs, listenPort, g.device, g.stopDrain,
                g.partialTableDelay, neighbors) : null;
    }

    private Long asNumber(Node n) {
        Long as = v.integer(n, 0, 1, 0xFFFF_FFFFL);
        if (as != null && as == 23456) {
            problems.invalid(n.keyword(), n.arg(0), "an AS number other than 23456 (AS_TRANS)");
            return null;
        }
        return as;
    }

    /** A {@code neighbor} block's settings as read; {@code ok} false once one of them is in error. */
    private static final class NeighborBlock extends KeywordTable.BlockBuilder {
        final Node block;
        final InetAddress address;
        Long remoteAs;
        Integer hold;
        Integer port;
        String password;
        InetAddress local;
        boolean passive;
        boolean ok = true;

        NeighborBlock(Node block, InetAddress address) {
            this.block = block;
            this.address = address;
        }
    }

    private static final KeywordTable<NeighborBlock> NEIGHBOR = KeywordTable.<NeighborBlock>of("neighbor")
            .on((b, nb, c) -> {
                nb.remoteAs = b.asNumber(c);
                nb.ok &= nb.remoteAs != null;
            }, "remote_as")
            .on((b, nb, c) -> {
                Integer h = b.v.int32(c, 0, 0, 65535);
                if (h != null && h > 0 && h < 3) {
                    b.problems.invalid(c.keyword(), c.arg(0), "0 or 3..65535 (seconds)");
                    h = null;
                }
                nb.hold = h;
                nb.ok &= h != null;
            }, "hold_time")
            .on((b, nb, c) -> {
                Long p = b.v.integer(c, 0, 1, 65535);
                nb.port = p == null ? null : (int) (long) p;
                nb.ok &= p != null;
            }, "port")
            .on((b, nb, c) -> {
                String password = b.v.string(c, 0, "a TCP MD5 key (1..80 bytes)");
                if (password != null && (password.isEmpty()
                        || password.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 80)) {
                    b.problems.error(c.arg(0), "neighbor " + nb.block.arg(0).text()
                            + " password: (hidden) (expected: 1..80 bytes)");
                    password = null;
                }
                nb.password = password;
                nb.ok &= password != null;
            }, "password")
            .on((b, nb, c) -> {
                InetAddress a = b.v.address(c, 0);
                if (a != null && ((a instanceof java.net.Inet4Address) != (nb.address instanceof java.net.Inet4Address)
                        || a.isAnyLocalAddress() || a.isMulticastAddress())) {
                    b.problems.invalid(c.keyword(), c.arg(0), "a unicast address of the neighbor's family");
                    a = null;
                }
                nb.local = a;
                nb.ok &= a != null;
            }, "local_address")
            .on((b, nb, c) -> nb.passive = true, "passive")
            .otherwise((b, nb, c) -> {
                b.problems.error(c.keyword(), Preconditions.message("neighbor", c.name(),
                        "one of remote_as, hold_time, port, password, local_address, passive"));
                nb.ok = false;
            })
            .build();

    private BgpSpeakerConfig.Neighbor neighbor(Node n, List<BgpSpeakerConfig.Neighbor> before) {
        if (!block(n)) {
            return null;
        }
        InetAddress address = v.address(n, 0);
        if (address == null) {
            return null;
        }
        if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
            problems.invalid(n.keyword(), n.arg(0), "a unicast address");
            return null;
        }
        for (BgpSpeakerConfig.Neighbor x : before) {
            if (x.address().equals(address)) {
                problems.invalid(n.keyword(), n.arg(0), "each neighbor address once");
                return null;
            }
        }
        NeighborBlock nb = new NeighborBlock(n, address);
        for (Node c : children(n)) {
            noBlock(c);
            NEIGHBOR.bind(this, nb, c);
        }
        Long remoteAs = nb.remoteAs;
        boolean ok = nb.ok;
        if (remoteAs == null && ok) {
            problems.error(n.keyword(), "neighbor " + n.arg(0).text()
                    + " remote_as: missing (expected: remote_as 1..4294967295)");
            ok = false;
        }
        return ok ? new BgpSpeakerConfig.Neighbor(address, remoteAs, nb.hold, nb.port, nb.password, nb.local, nb.passive)
                : null;
    }

    private VirtualServerConfig virtualServer(Node node) {
        Vs vs = new Vs();
        if (!v.has(node, 0, "an IP address [port], fwmark N or group NAME")) {
            return null;
        }
        Token first = node.arg(0);
        if (first.text().equals("group")) {
            vs.group = v.string(node, 1, "a virtual_server_group name");
            if (vs.group == null) {
                return null;
            }
            groupRefs.put(node.arg(1), vs.group);
        } else if (first.text().equals("fwmark")) {
            Long mark = v.integer(node, 1, 1, 0xFFFF_FFFFL);
            if (mark == null) {
                return null;
            }
            vs.fwmark = mark;
        } else {
            vs.address = v.address(node.keyword(), first);
            Integer port = v.port(node, 1);
            if (vs.address == null || port == null) {
                return null;
            }
            vs.port = port;
        }
        for (Node n : children(node)) {
            if (!n.name().equals("real_server") && !isChecker(n.name())) {
                noBlock(n);
            }
            VIRTUAL_SERVER.bind(this, vs, n);
        }
        if (vs.granularity != null && vs.persistenceTimeout == null) {
            vs.persistenceTimeout = 360;
        }
        SorryServer sorry = vs.sorryAddress == null ? null
                : new SorryServer(vs.sorryAddress, vs.sorryPort, vs.sorryInhibit, vs.sorryMethod);
        try {
            VirtualServerConfig c = new VirtualServerConfig(vs.address, vs.port, vs.fwmark, vs.group, vs.protocol,
                    vs.scheduler, vs.flags, vs.ops, vs.hashed, vs.method, vs.persistenceTimeout, vs.granularity,
                    vs.engine, vs.family, vs.quorum, vs.hysteresis, vs.quorumUp, vs.quorumDown, sorry, vs.haSuspend,
                    vs.alpha, vs.omega, vs.inhibit, vs.weight, vs.delayLoop, vs.connectTimeout, vs.retry,
                    vs.delayBeforeRetry, vs.warmup, vs.virtualhost, vs.smtpAlert, vs.realServers, vs.announce);
            if (vs.weightAt != null) {
                locations.put(new LvsMapper.WeightOf(c), vs.weightAt);
            }
            return c;
        } catch (IllegalArgumentException e) {
            problems.error(node.keyword(), e.getMessage());
            return null;
        }
    }

    private String granularity(Node n, Vs vs) {
        if (!v.has(n, 0, "a netmask (IPv4) or prefix length 1..128 (IPv6)")) {
            return null;
        }
        Token t = n.arg(0);
        boolean v4 = vs.family == AddressFamily.INET
                || (vs.family == null && vs.address != null ? Values.isV4(vs.address) : t.text().indexOf('.') >= 0);
        if (vs.family == AddressFamily.INET6 || (vs.address != null && !Values.isV4(vs.address))) {
            v4 = false;
        }
        if (v4) {
            InetAddress m = Values.parseAddress(t.text());
            if (m == null || !Values.isV4(m)) {
                problems.invalid(n.keyword(), t, "an IPv4 netmask such as 255.255.255.0");
                return null;
            }
            return t.text();
        }
        Long len = v.integer(n.keyword(), t, 1, 128);
        return len == null ? null : Long.toString(len);
    }

    /** {@code NAT|DR|TUN [type ipip|gue|gre] [port N] [nocsum|csum|remcsum]}; tunnel options keep the previous ones. */
    private LvsMethod method(Node n, LvsMethod previous) {
        String kind = v.oneOf(n, 0, List.of("NAT", "DR", "TUN"));
        if (kind == null) {
            return null;
        }
        Forwarding f = kind.equals("NAT") ? Forwarding.MASQ : kind.equals("DR") ? Forwarding.ROUTE : Forwarding.TUNNEL;
        TunnelType type = TunnelType.IPIP;
        int port = 0;
        TunnelChecksum csum = TunnelChecksum.NONE;
        if (previous != null) {
            type = previous.tunnelType();
            port = previous.tunnelPort();
            csum = previous.checksum();
        }
        if (n.args().size() > 1) {
            type = TunnelType.IPIP;
            port = 0;
            csum = TunnelChecksum.NONE;
        }
        for (int i = 1; i < n.args().size(); i++) {
            Token o = n.arg(i);
            switch (o.text()) {
                case "type": {
                    if (i + 1 >= n.args().size()) {
                        problems.error(o, n.name() + " type: missing value (expected: one of ipip, gue, gre)");
                        return null;
                    }
                    Token t = n.arg(++i);
                    if (!List.of("ipip", "gue", "gre").contains(t.text())) {
                        problems.invalid(n.keyword(), t, "one of ipip, gue, gre");
                        return null;
                    }
                    type = TunnelType.of(t.text());
                    break;
                }
                case "port": {
                    if (i + 1 >= n.args().size()) {
                        problems.error(o, n.name() + " port: missing value (expected: 1..65535)");
                        return null;
                    }
                    Long p = v.integer(o, n.arg(++i), 1, 65535);
                    if (p == null) {
                        return null;
                    }
                    port = (int) (long) p;
                    break;
                }
                case "nocsum":
                    csum = TunnelChecksum.NONE;
                    break;
                case "csum":
                    csum = TunnelChecksum.CSUM;
                    break;
                case "remcsum":
                    csum = TunnelChecksum.REMCSUM;
                    break;
                default:
                    problems.invalid(n.keyword(), o, "one of type, port, nocsum, csum, remcsum");
                    return null;
            }
        }
        if (n.args().size() > 1 && f != Forwarding.TUNNEL) {
            problems.error(n.arg(1), Preconditions.message(n.name(), n.joinedArgs(0), "tunnel options only with TUN"));
            return null;
        }
        if ((type == TunnelType.GUE) != (port != 0)) {
            problems.error(n.keyword(), Preconditions.message(n.name(), n.joinedArgs(0), "a port exactly when the tunnel type is gue"));
            return null;
        }
        if (type == TunnelType.IPIP && csum != TunnelChecksum.NONE) {
            problems.error(n.keyword(), Preconditions.message(n.name(), n.joinedArgs(0), "no checksum option for ipip tunnels"));
            return null;
        }
        if (type == TunnelType.GRE && csum == TunnelChecksum.REMCSUM) {
            problems.error(n.keyword(), Preconditions.message(n.name(), n.joinedArgs(0), "no remcsum for gre tunnels"));
            return null;
        }
        return new LvsMethod(f, type, port, csum);
    }

    /** A {@code real_server}'s settings as read (its checkers aside). */
    private static final class RealServerBlock extends KeywordTable.BlockBuilder {
        final Vs vs;
        Integer weight;
        Token weightAt;
        LvsMethod method;
        Integer upper;
        Integer lower;
        Boolean inhibit;
        String notifyUp;
        String notifyDown;
        Boolean alpha;
        Integer retry;
        Duration connectTimeout;
        Duration delayBeforeRetry;
        Duration warmup;
        Duration delayLoop;
        Boolean smtpAlert;
        String virtualhost;

        RealServerBlock(Vs vs) {
            this.vs = vs;
        }
    }

    private static final KeywordTable<RealServerBlock> REAL_SERVER = KeywordTable.<RealServerBlock>of("real_server")
            .on((b, r, n) -> {
                r.weight = b.v.int32(n, 0, 0, Integer.MAX_VALUE);
                r.weightAt = n.args().isEmpty() ? n.keyword() : n.arg(0);
            }, "weight")
            .on((b, r, n) -> {
                LvsMethod m = b.method(n, r.method != null ? r.method : r.vs.method);
                if (m != null) {
                    r.method = m;
                }
            }, "lvs_method")
            .on((b, r, n) -> r.upper = b.v.int32(n, 0, 0, Integer.MAX_VALUE), "uthreshold")
            .on((b, r, n) -> r.lower = b.v.int32(n, 0, 0, Integer.MAX_VALUE), "lthreshold")
            .on((b, r, n) -> r.inhibit = b.v.bool(n, 0), "inhibit_on_failure")
            .on((b, r, n) -> r.notifyUp = b.command(n, "real_server notify_up"), "notify_up")
            .on((b, r, n) -> r.notifyDown = b.command(n, "real_server notify_down"), "notify_down")
            .on((b, r, n) -> r.alpha = b.v.bool(n, 0), "alpha")
            .on((b, r, n) -> r.retry = b.v.int32(n, 0, 1, Integer.MAX_VALUE), "retry")
            .on((b, r, n) -> r.delayBeforeRetry = b.v.timer(n, 0, 0, TIMER_MAX), "delay_before_retry")
            .on((b, r, n) -> r.warmup = b.v.timer(n, 0, 0, TIMER_MAX), "warmup")
            .on((b, r, n) -> r.connectTimeout = b.v.timer(n, 0, 1, TIMER_MAX), "connect_timeout")
            .on((b, r, n) -> r.delayLoop = b.v.timer(n, 0, 1, TIMER_MAX), "delay_loop")
            .on((b, r, n) -> r.smtpAlert = b.v.bool(n, 0), "smtp_alert")
            .on((b, r, n) -> r.virtualhost = b.v.string(n, 0, "a host name"), "virtualhost")
            .on((b, r, n) -> b.notActed(n), "snmp_name")
            .build();

    private RealServerConfig realServer(Node node, Vs vs) {
        InetAddress address = v.address(node, 0);
        Integer port = v.port(node, 1);
        if (address == null || port == null) {
            return null;
        }
        if (!node.hasBlock()) {
            return RealServerConfig.of(address, port);
        }
        RealServerBlock r = new RealServerBlock(vs);
        List<CheckerConfig> checkers = new ArrayList<>();
        for (Node n : children(node)) {
            if (isChecker(n.name())) {
                CheckerConfig c = checker(n);
                if (c != null) {
                    locations.put(c, n.keyword());
                    checkers.add(c);
                }
                continue;
            }
            noBlock(n);
            REAL_SERVER.bind(this, r, n);
        }
        RealServerConfig rs = new RealServerConfig(address, port, r.weight, r.method, r.upper, r.lower, r.inhibit,
                r.notifyUp, r.notifyDown, r.alpha, r.retry, r.connectTimeout, r.delayBeforeRetry, r.warmup, r.delayLoop,
                r.smtpAlert, r.virtualhost, checkers);
        if (r.weightAt != null) {
            locations.put(new LvsMapper.WeightOf(rs), r.weightAt);
        }
        return rs;
    }

    // ---------------------------------------------------------------- checkers

    /** The options every checker shares, as read: the connection's and the policy's; {@code type} names the block. */
    private static class Common extends KeywordTable.BlockBuilder {
        final String type;
        InetAddress connectIp;
        Integer connectPort;
        InetAddress bindTo;
        String bindIf;
        Integer bindPort;
        Long fwmark;
        Duration connectTimeout;
        Integer retry;
        Duration delayBeforeRetry;
        Duration warmup;
        Duration delayLoop;
        Boolean alpha;
        Boolean logAllFailures;

        Common(String type) {
            this.type = type;
        }

        CheckOptions options() {
            return new CheckOptions(connectIp, connectPort, bindTo, bindIf, bindPort, fwmark, connectTimeout, retry,
                    delayBeforeRetry, warmup, delayLoop, alpha, logAllFailures);
        }
    }

    /** The connection's options: in every checker but MISC_CHECK, FILE_CHECK and BFD_CHECK. */
    private static final KeywordTable<Common> CONNECTION = KeywordTable.<Common>of("checker")
            .on((b, o, n) -> o.connectIp = b.v.address(n, 0), "connect_ip")
            .on((b, o, n) -> o.connectPort = b.v.int32(n, 0, 1, 65535), "connect_port")
            .on((b, o, n) -> o.bindTo = b.v.address(n, 0), "bindto")
            .on((b, o, n) -> o.bindPort = b.v.int32(n, 0, 1, 65535), "bind_port")
            .on((b, o, n) -> o.bindIf = b.v.string(n, 0, "an interface name"), "bind_if")
            .on((b, o, n) -> o.connectTimeout = b.v.timer(n, 0, 1, TIMER_MAX), "connect_timeout")
            .on((b, o, n) -> o.fwmark = b.v.integer(n, 0, 0, 0xFFFF_FFFFL), "fwmark")
            .build();

    /** The policy's options: in every checker but FILE_CHECK and BFD_CHECK. */
    private static final KeywordTable<Common> POLICY = KeywordTable.<Common>of("checker")
            .on((b, o, n) -> o.retry = b.v.int32(n, 0, 0, Integer.MAX_VALUE), "retry")
            .on((b, o, n) -> o.delayBeforeRetry = b.v.timer(n, 0, 0, TIMER_MAX), "delay_before_retry")
            .on((b, o, n) -> o.warmup = b.v.timer(n, 0, 0, TIMER_MAX), "warmup")
            .on((b, o, n) -> o.delayLoop = b.v.timer(n, 0, 1, TIMER_MAX), "delay_loop")
            .on((b, o, n) -> o.alpha = b.v.bool(n, 0), "alpha")
            .on((b, o, n) -> o.logAllFailures = b.v.bool(n, 0), "log_all_failures")
            .build();

    /** keepalived 2.2 knows {@code nb_get_retry} in HTTP_GET and SSL_GET only: elsewhere it is ignored. */
    private static final KeywordTable.Handler<Common> NB_GET_RETRY_IGNORED = (b, o, n) -> b.problems.warning(
            n.keyword(), Preconditions.message(o.type, n.name(),
                    "retry; keepalived 2.2 only knows nb_get_retry in HTTP_GET/SSL_GET") + " - ignored, as keepalived does");

    /** A table for checker {@code type}: the policy's options, the connection's too with {@code connection}. */
    private static <B extends Common> KeywordTable.Builder<B> checkerTable(String type, boolean connection) {
        KeywordTable.Builder<B> t = KeywordTable.of(type);
        if (connection) {
            t.include(CONNECTION);
        }
        return t.include(POLICY);
    }

    /** One checker type: its keywords, and how its block as read becomes its config (null: an error was reported). */
    private record CheckerKind<B extends Common>(KeywordTable<B> table, java.util.function.Function<String, B> block,
            Finish<B> finish) {
        @FunctionalInterface
        interface Finish<B> {
            CheckerConfig config(Binder binder, B block, Node node);
        }

        CheckerConfig read(Binder binder, Node c) {
            B b = block.apply(c.name());
            for (Node n : binder.children(c)) {
                if (!n.name().equals("url") && !n.name().equals("host")) {
                    binder.noBlock(n);
                }
                table.bind(binder, b, n);
            }
            return finish.config(binder, b, c);
        }
    }

    /** {@code HTTP_GET}'s and {@code SSL_GET}'s own settings as read. */
    private static final class HttpBlock extends Common {
        String protocol;
        Boolean fastRecovery;
        boolean sni;
        String virtualhost;
        final List<HttpUrl> urls = new ArrayList<>();

        HttpBlock(String type) {
            super(type);
        }
    }

    private static CheckerKind<HttpBlock> http(String type) {
        return new CheckerKind<>(Binder.<HttpBlock>checkerTable(type, true)
                .on((b, h, n) -> {
                    b.problems.warning(n.keyword(), "nb_get_retry: deprecated (expected: retry) - read as retry");
                    h.retry = b.v.int32(n, 0, 0, Integer.MAX_VALUE);
                }, "nb_get_retry")
                .on((b, h, n) -> h.virtualhost = b.v.string(n, 0, "a host name"), "virtualhost")
                .on((b, h, n) -> h.protocol = b.v.oneOf(n, 0, HttpCheck.PROTOCOLS), "http_protocol")
                .on((b, h, n) -> h.sni = true, "enable_sni")
                .on((b, h, n) -> h.fastRecovery = b.v.bool(n, 0), "fast_recovery")
                .on((b, h, n) -> {
                    HttpUrl u = b.url(n);
                    if (u != null) {
                        h.urls.add(u);
                    }
                }, "url")
                .build(), HttpBlock::new, (b, h, c) -> new HttpCheck(h.type.equals("SSL_GET"), h.options(), h.protocol,
                        h.fastRecovery, h.sni, h.virtualhost, h.urls));
    }

    /** {@code SMTP_CHECK}'s own settings as read. */
    private static final class SmtpBlock extends Common {
        String heloName;

        SmtpBlock(String type) {
            super(type);
        }
    }

    /** {@code DNS_CHECK}'s own settings as read. */
    private static final class DnsBlock extends Common {
        String queryType;
        String name;

        DnsBlock(String type) {
            super(type);
        }
    }

    /** {@code MISC_CHECK}'s own settings as read. */
    private static final class MiscBlock extends Common {
        String path;
        Token pathAt;
        Duration timeout;
        boolean dynamic;
        String user;
        String group;

        MiscBlock(String type) {
            super(type);
        }
    }

    /** {@code UDP_CHECK}'s own settings as read. */
    private static final class UdpBlock extends Common {
        String payload;
        boolean requireReply;
        String replyPattern;
        Integer minReply;
        Integer maxReply;

        UdpBlock(String type) {
            super(type);
        }
    }

    /** {@code FILE_CHECK}'s own settings as read. */
    private static final class FileBlock extends Common {
        String trackFile;
        Integer weight;
        boolean reverse;
        boolean dynamic;

        FileBlock(String type) {
            super(type);
        }
    }

    /** {@code BFD_CHECK}'s own settings as read. */
    private static final class BfdBlock extends Common {
        String name;

        BfdBlock(String type) {
            super(type);
        }
    }

    /** Every checker type by its keyword. */
    private static final Map<String, CheckerKind<?>> CHECKERS = Map.of(
            "TCP_CHECK", new CheckerKind<>(Binder.<Common>checkerTable("TCP_CHECK", true)
                    .on(NB_GET_RETRY_IGNORED, "nb_get_retry")
                    .build(), Common::new, (b, o, c) -> new TcpCheck(o.options())),
            "PING_CHECK", new CheckerKind<>(Binder.<Common>checkerTable("PING_CHECK", true)
                    .on(NB_GET_RETRY_IGNORED, "nb_get_retry")
                    .build(), Common::new, (b, o, c) -> new PingCheck(o.options())),
            "HTTP_GET", http("HTTP_GET"),
            "SSL_GET", http("SSL_GET"),
            "SMTP_CHECK", new CheckerKind<>(Binder.<SmtpBlock>checkerTable("SMTP_CHECK", true)
                    .on((b, s, n) -> s.heloName = b.v.string(n, 0, "a host name"), "helo_name")
                    .on((b, s, n) -> b.problems.warning(n.keyword(),
                            "host: deprecated in SMTP_CHECK (expected: a separate SMTP_CHECK per host) - ignored"), "host")
                    .on(NB_GET_RETRY_IGNORED, "nb_get_retry")
                    .build(), SmtpBlock::new, (b, s, c) -> new SmtpCheck(s.options(), s.heloName)),
            "DNS_CHECK", new CheckerKind<>(Binder.<DnsBlock>checkerTable("DNS_CHECK", true)
                    .on((b, d, n) -> d.queryType = b.v.oneOf(n, 0, DnsCheck.QUERY_TYPES), "type")
                    .on((b, d, n) -> d.name = b.v.string(n, 0, "a domain name"), "name")
                    .on(NB_GET_RETRY_IGNORED, "nb_get_retry")
                    .build(), DnsBlock::new, (b, d, c) -> new DnsCheck(d.options(), d.queryType, d.name)),
            "MISC_CHECK", new CheckerKind<>(Binder.<MiscBlock>checkerTable("MISC_CHECK", false)
                    .on((b, m, n) -> {
                        if (b.v.has(n, 0, "a command")) {
                            m.path = n.joinedArgs(0);
                            m.pathAt = n.keyword();
                        }
                    }, "misc_path")
                    .on((b, m, n) -> m.timeout = b.v.timer(n, 0, 1_000_000, TIMER_MAX), "misc_timeout")
                    .on((b, m, n) -> m.dynamic = true, "misc_dynamic")
                    .on((b, m, n) -> {
                        if (b.account(n)) {
                            m.user = n.arg(0).text();
                            m.group = n.args().size() > 1 ? n.arg(1).text() : null;
                        }
                    }, "user")
                    .on(NB_GET_RETRY_IGNORED, "nb_get_retry")
                    .build(), MiscBlock::new, Binder::miscCheck),
            "UDP_CHECK", new CheckerKind<>(Binder.<UdpBlock>checkerTable("UDP_CHECK", true)
                    .on((b, u, n) -> u.payload = b.hex(n, 0, false), "payload")
                    .on((b, u, n) -> {
                        u.requireReply = true;
                        u.replyPattern = n.args().isEmpty() ? null : b.hex(n, 0, true);
                    }, "require_reply")
                    .on((b, u, n) -> u.minReply = b.v.int32(n, 0, 0, 65535), "min_reply_length")
                    .on((b, u, n) -> u.maxReply = b.v.int32(n, 0, 0, 65535), "max_reply_length")
                    .on(NB_GET_RETRY_IGNORED, "nb_get_retry")
                    .build(), UdpBlock::new, (b, u, c) -> new UdpCheck(u.options(), u.payload, u.requireReply,
                            u.replyPattern, u.minReply, u.maxReply)),
            "FILE_CHECK", new CheckerKind<>(KeywordTable.<FileBlock>of("FILE_CHECK")
                    .on((b, f, n) -> f.trackFile = b.v.string(n, 0, "a track_file name"), "track_file", "file")
                    .on((b, f, n) -> {
                        f.weight = b.v.int32(n, 0, -2147483647L, 2147483647L);
                        f.reverse |= b.reverse(n);
                    }, "weight")
                    .on((b, f, n) -> f.dynamic = true, "dynamic")
                    .on(NB_GET_RETRY_IGNORED, "nb_get_retry")
                    .build(), FileBlock::new, (b, f, c) -> {
                        if (f.trackFile == null) {
                            b.problems.error(c.keyword(),
                                    "FILE_CHECK: missing track_file (expected: track_file NAME in the block)");
                            return null;
                        }
                        return new FileCheck(f.options(), f.trackFile, f.weight, f.reverse, f.dynamic);
                    }),
            "BFD_CHECK", new CheckerKind<>(KeywordTable.<BfdBlock>of("BFD_CHECK")
                    .on((b, f, n) -> f.name = b.v.string(n, 0, "a bfd_instance name"), "name")
                    .on((b, f, n) -> f.alpha = b.v.bool(n, 0), "alpha")
                    .on(NB_GET_RETRY_IGNORED, "nb_get_retry")
                    .build(), BfdBlock::new, (b, f, c) -> {
                        if (f.name == null) {
                            b.problems.error(c.keyword(),
                                    "BFD_CHECK: missing name (expected: name BFD_INSTANCE in the block)");
                            return null;
                        }
                        return new BfdCheck(f.options(), f.name);
                    }));

    private CheckerConfig miscCheck(MiscBlock m, Node c) {
        if (m.path == null) {
            problems.error(c.keyword(), "MISC_CHECK: missing misc_path (expected: misc_path COMMAND in the block)");
            return null;
        }
        scriptSites.add(new ScriptSite(m.pathAt, "MISC_CHECK", m.path, m.user, m.group));
        return new MiscCheck(m.options(), m.path, m.timeout, m.dynamic, m.user, m.group);
    }

    static boolean isChecker(String name) {
        return CHECKERS.containsKey(name);
    }

    private CheckerConfig checker(Node c) {
        return block(c) ? CHECKERS.get(c.name()).read(this, c) : null;
    }

    private String hex(Node n, int from, boolean wildcards) {
        if (!v.has(n, from, "hex digits")) {
            return null;
        }
        String s = n.joinedArgs(from);
        for (char ch : s.toCharArray()) {
            if (!(Character.digit(ch, 16) >= 0 || ch == ' ' || (wildcards && (ch == 'x' || ch == 'X')))) {
                problems.invalid(n.keyword(), n.arg(from), wildcards ? "hex digits or x" : "hex digits");
                return null;
            }
        }
        return s;
    }

    /** A {@code url} block's settings as read. */
    private static final class UrlBlock extends KeywordTable.BlockBuilder {
        String path;
        String digest;
        final List<StatusRange> codes = new ArrayList<>();
        String vhost;
        String regex;
        boolean noMatch;
        final List<String> regexOptions = new ArrayList<>();
        Long minOff;
        Long maxOff;
    }

    private static final KeywordTable<UrlBlock> URL = KeywordTable.<UrlBlock>of("url")
            .on((b, u, n) -> u.path = b.v.string(n, 0, "a URL path"), "path")
            .on((b, u, n) -> {
                String d = b.v.string(n, 0, "32 hex digits (an MD5 digest)");
                if (d != null && !(d.length() == 32 && d.chars().allMatch(ch -> Character.digit(ch, 16) >= 0))) {
                    b.problems.invalid(n.keyword(), n.arg(0), "32 hex digits (an MD5 digest)");
                    d = null;
                }
                u.digest = d;
            }, "digest")
            .on((b, u, n) -> {
                if (!b.v.has(n, 0, "status codes or ranges such as 200-299")) {
                    return;
                }
                for (Token t : n.args()) {
                    String s = t.text();
                    int dash = s.indexOf('-');
                    Long from = Values.parseLong(dash < 0 ? s : s.substring(0, dash));
                    Long to = dash < 0 ? from : Values.parseLong(s.substring(dash + 1));
                    if (from == null || to == null || from < 100 || to > 999 || from > to) {
                        b.problems.invalid(n.keyword(), t, "codes 100..999 or ranges such as 200-299");
                    } else {
                        u.codes.add(new StatusRange((int) (long) from, (int) (long) to));
                    }
                }
            }, "status_code")
            .on((b, u, n) -> u.vhost = b.v.string(n, 0, "a host name"), "virtualhost")
            .on((b, u, n) -> u.regex = b.v.string(n, 0, "a regular expression"), "regex")
            .on((b, u, n) -> u.noMatch = true, "regex_no_match")
            .on((b, u, n) -> {
                for (Token t : n.args()) {
                    u.regexOptions.add(t.text());
                }
            }, "regex_options")
            .on((b, u, n) -> u.minOff = b.v.integer(n, 0, 0, Integer.MAX_VALUE), "regex_min_offset")
            .on((b, u, n) -> u.maxOff = b.v.integer(n, 0, 0, Integer.MAX_VALUE), "regex_max_offset")
            .on((b, u, n) -> b.notActed(n), "regex_stack")
            .build();

    private HttpUrl url(Node block) {
        if (!block(block)) {
            return null;
        }
        UrlBlock u = new UrlBlock();
        for (Node n : children(block)) {
            noBlock(n);
            URL.bind(this, u, n);
        }
        if (u.path == null) {
            problems.error(block.keyword(), "url: missing path (expected: path PATH in the block)");
            return null;
        }
        return new HttpUrl(u.path, u.digest, u.codes, u.vhost, u.regex, u.noMatch, u.regexOptions, u.minOff, u.maxOff);
    }
}
