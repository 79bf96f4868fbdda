package io.lvs4j.director.config.internal;

import io.lvs4j.AddressFamily;
import io.lvs4j.SchedulerFlag;
import io.lvs4j.director.config.BgpSpeakerConfig;
import io.lvs4j.director.config.GlobalDefs;
import io.lvs4j.director.config.LvsSyncDaemonConfig;
import io.lvs4j.director.config.GroupEntry;
import io.lvs4j.director.config.KeepalivedConfig;
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
import io.lvs4j.director.config.SmtpCheck;
import io.lvs4j.director.config.SslConfig;
import io.lvs4j.director.config.StatusRange;
import io.lvs4j.director.config.UdpCheck;
import io.lvs4j.internal.Addresses;
import io.lvs4j.director.config.TrackedObject;
import io.lvs4j.director.config.VirtualIpAddress;
import io.lvs4j.director.config.VrrpInstanceConfig;
import io.lvs4j.director.config.VrrpScriptConfig;
import io.lvs4j.director.config.VrrpSyncGroupConfig;
import io.lvs4j.vrrp.UnicastPeer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Renders a configuration as keepalived.conf text that reads back to an equal configuration. */
public final class Writer {
    private final StringBuilder sb = new StringBuilder();
    private int indent;

    private Writer() {}

    public static String write(KeepalivedConfig c) {
        Writer w = new Writer();
        w.sb.append("! written by lvs4j\n");
        w.global(c.globalDefs());
        for (VrrpScriptConfig s : c.vrrpScripts()) {
            w.script(s);
        }
        for (VrrpInstanceConfig i : c.vrrpInstances()) {
            w.instance(i);
        }
        for (VrrpSyncGroupConfig g : c.vrrpSyncGroups()) {
            w.syncGroup(g);
        }
        if (c.ssl() != null) {
            w.ssl(c.ssl());
        }
        for (VirtualServerGroupConfig g : c.virtualServerGroups()) {
            w.group(g);
        }
        for (VirtualServerConfig vs : c.virtualServers()) {
            w.virtualServer(vs);
        }
        if (c.bgpSpeaker() != null) {
            w.bgp(c.bgpSpeaker());
        }
        return w.sb.toString();
    }

    // ---------------------------------------------------------------- primitives

    private void line(String text) {
        for (int i = 0; i < indent; i++) {
            sb.append("    ");
        }
        sb.append(text).append('\n');
    }

    private void open(String text) {
        line(text + " {");
        indent++;
    }

    private void close() {
        indent--;
        line("}");
    }

    /** A word as keepalived reads it back: double-quoted if it has blanks, braces or comment starts. */
    static String word(String s) {
        if (s.isEmpty() || s.chars().anyMatch(c -> c == ' ' || c == '\t' || c == '{' || c == '}' || c == '#' || c == '!')) {
            return '"' + s + '"';
        }
        return s;
    }

    private void kv(String key, Object value) {
        if (value != null) {
            line(key + " " + (value instanceof String ? word((String) value) : value instanceof Duration
                    ? seconds((Duration) value) : value instanceof InetAddress ? addr((InetAddress) value) : value.toString()));
        }
    }

    /** A command line: written as read, its words already quoted where they need it. */
    private void command(String key, String value) {
        if (value != null) {
            line(key + " " + value);
        }
    }

    private void flag(String key, boolean on) {
        if (on) {
            line(key);
        }
    }

    private void bool(String key, Boolean value) {
        if (value != null) {
            line(key + " " + (value ? "true" : "false"));
        }
    }

    static String seconds(Duration d) {
        long micros = d.toNanos() / 1000;
        if (micros % 1_000_000 == 0) {
            return Long.toString(micros / 1_000_000);
        }
        String frac = String.format("%06d", micros % 1_000_000).replaceAll("0+$", "");
        return micros / 1_000_000 + "." + frac;
    }

    static String addr(InetAddress a) {
        return Addresses.format(a);
    }

    // ---------------------------------------------------------------- blocks

    private void global(GlobalDefs g) {
        if (g.equals(GlobalDefs.EMPTY)) {
            return;
        }
        open("global_defs");
        kv("router_id", g.routerId());
        if (!g.notificationEmail().isEmpty()) {
            open("notification_email");
            for (String e : g.notificationEmail()) {
                line(word(e));
            }
            close();
        }
        kv("notification_email_from", g.notificationEmailFrom());
        command("smtp_server", g.smtpServer());
        kv("smtp_connect_timeout", g.smtpConnectTimeout());
        bool("smtp_alert", g.smtpAlert());
        if (g.lvsTimeoutTcp() != null || g.lvsTimeoutTcpFin() != null || g.lvsTimeoutUdp() != null) {
            StringBuilder t = new StringBuilder("lvs_timeouts");
            if (g.lvsTimeoutTcp() != null) {
                t.append(" tcp ").append(g.lvsTimeoutTcp());
            }
            if (g.lvsTimeoutTcpFin() != null) {
                t.append(" tcpfin ").append(g.lvsTimeoutTcpFin());
            }
            if (g.lvsTimeoutUdp() != null) {
                t.append(" udp ").append(g.lvsTimeoutUdp());
            }
            line(t.toString());
        }
        flag("lvs_flush", g.lvsFlush());
        flag("vrrp_strict", g.vrrpStrict());
        flag("enable_script_security", g.enableScriptSecurity());
        kv("script_user", g.scriptUser());
        kv("vrrp_version", g.vrrpVersion());
        bool("vrrp_higher_prio_send_advert", g.vrrpHigherPrioSendAdvert());
        if (g.lvsSyncDaemon() != null) {
            LvsSyncDaemonConfig d = g.lvsSyncDaemon();
            StringBuilder t = new StringBuilder("lvs_sync_daemon ").append(word(d.interfaceName()));
            if (d.instance() != null) {
                t.append(' ').append(word(d.instance()));
            }
            optional(t, "id", d.syncId());
            optional(t, "maxlen", d.maxLength());
            optional(t, "port", d.port());
            optional(t, "ttl", d.ttl());
            optional(t, "group", d.group());
            line(t.toString());
        }
        if (g.lvsFlushOnStop() != null) {
            line(g.lvsFlushOnStop() == GlobalDefs.FlushOnStop.ALL ? "lvs_flush_on_stop" : "lvs_flush_on_stop VS");
        }
        kv("lvs4j_http", g.lvs4jHttp());
        kv("vrrp_garp_master_delay", g.vrrpGarp().masterDelay());
        kv("vrrp_garp_master_repeat", g.vrrpGarp().masterRepeat());
        kv("vrrp_garp_master_refresh", g.vrrpGarp().masterRefresh());
        kv("vrrp_garp_master_refresh_repeat", g.vrrpGarp().masterRefreshRepeat());
        kv("vrrp_garp_lower_prio_delay", g.vrrpGarp().lowerPrioDelay());
        kv("vrrp_garp_lower_prio_repeat", g.vrrpGarp().lowerPrioRepeat());
        Map<String, List<String>> other = new HashMap<>(g.otherSettings());
        if (g.vmacPrefix() != null) {
            other.put("vmac_prefix", List.of(g.vmacPrefix()));
        }
        other(other);
        close();
    }

    private static void optional(StringBuilder t, String key, Object value) {
        if (value != null) {
            t.append(' ').append(key).append(' ').append(word(String.valueOf(value)));
        }
    }

    /** The instance's typed options among its other keywords: they are written in one sorted run, as read. */
    private static Map<String, List<String>> withOptions(VrrpInstanceConfig.Options o, Map<String, List<String>> other) {
        Map<String, List<String>> all = new HashMap<>(other);
        if (o.unicastTtl() != null) {
            all.put("unicast_ttl", List.of(o.unicastTtl().toString()));
        }
        if (o.strictMode() != null) {
            all.put("strict_mode", o.strictMode() ? List.of() : List.of("off"));
        }
        if (o.useVmac()) {
            all.put("use_vmac", o.vmacName() == null ? List.of() : List.of(o.vmacName()));
        }
        if (o.vmacXmitBase()) {
            all.put("vmac_xmit_base", List.of());
        }
        return all;
    }

    private void other(Map<String, List<String>> other) {
        for (Map.Entry<String, List<String>> e : new TreeMap<>(other).entrySet()) {
            StringBuilder t = new StringBuilder(e.getKey());
            for (String a : e.getValue()) {
                t.append(' ').append(word(a));
            }
            line(t.toString());
        }
    }

    private void script(VrrpScriptConfig s) {
        open("vrrp_script " + word(s.name()));
        command("script", s.script());
        kv("interval", s.interval());
        kv("timeout", s.timeout());
        if (s.weight() != null) {
            line("weight " + s.weight() + (s.weightReverse() ? " reverse" : ""));
        }
        kv("rise", s.rise());
        kv("fall", s.fall());
        if (s.user() != null) {
            line("user " + word(s.user()) + (s.group() != null ? " " + word(s.group()) : ""));
        }
        flag("init_fail", s.initFail());
        close();
    }

    private void tracked(String key, List<TrackedObject> list) {
        if (list.isEmpty()) {
            return;
        }
        open(key);
        for (TrackedObject t : list) {
            line(word(t.name()) + (t.weight() != null ? " weight " + t.weight() : "") + (t.reverse() ? " reverse" : ""));
        }
        close();
    }

    private void notify(Map<String, String> scripts) {
        for (Map.Entry<String, String> e : new TreeMap<>(scripts).entrySet()) {
            command(e.getKey(), e.getValue());
        }
    }

    private void vips(String key, List<VirtualIpAddress> list) {
        if (list.isEmpty()) {
            return;
        }
        open(key);
        for (VirtualIpAddress v : list) {
            StringBuilder t = new StringBuilder(addr(v.address()));
            if (v.prefixLength() >= 0) {
                t.append('/').append(v.prefixLength());
            }
            if (v.broadcast() != null) {
                t.append(" brd ").append(addr(v.broadcast()));
            }
            if (v.device() != null) {
                t.append(" dev ").append(word(v.device()));
            }
            if (v.scope() != null) {
                t.append(" scope ").append(word(v.scope()));
            }
            if (v.label() != null) {
                t.append(" label ").append(word(v.label()));
            }
            for (String o : v.otherOptions()) {
                t.append(' ').append(word(o));
            }
            line(t.toString());
        }
        close();
    }

    private void rawLines(String key, List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        open(key);
        for (String l : lines) {
            line(l);
        }
        close();
    }

    private void instance(VrrpInstanceConfig i) {
        open("vrrp_instance " + word(i.name()));
        if (i.state() != null) {
            line("state " + i.state());
        }
        kv("interface", i.interfaceName());
        line("virtual_router_id " + i.virtualRouterId());
        kv("priority", i.priority());
        kv("advert_int", i.advertInterval());
        kv("version", i.version());
        if (i.authentication() != null) {
            open("authentication");
            line("auth_type " + i.authentication().type());
            kv("auth_pass", i.authentication().password());
            close();
        }
        vips("virtual_ipaddress", i.virtualIpAddresses());
        vips("virtual_ipaddress_excluded", i.excludedVirtualIpAddresses());
        rawLines("virtual_routes", i.virtualRoutes());
        rawLines("virtual_rules", i.virtualRules());
        kv("unicast_src_ip", i.unicastSourceIp());
        if (!i.unicastPeers().isEmpty()) {
            open("unicast_peer");
            for (UnicastPeer p : i.unicastPeers()) {
                line(addr(p.address()) + (p.acceptsAnyTtl() ? "" : " min_ttl " + p.minTtl() + " max_ttl " + p.maxTtl()));
            }
            close();
        }
        kv("mcast_src_ip", i.multicastSourceIp());
        flag("nopreempt", i.nopreempt());
        kv("preempt_delay", i.preemptDelay());
        tracked("track_interface", i.trackInterfaces());
        tracked("track_script", i.trackScripts());
        tracked("track_file", i.trackFiles());
        flag("dont_track_primary", i.dontTrackPrimary());
        notify(i.notifyScripts());
        bool("smtp_alert", i.smtpAlert());
        if (i.accept() != null) {
            line(i.accept() ? "accept" : "no_accept");
        }
        kv("garp_master_delay", i.garp().masterDelay());
        kv("garp_master_repeat", i.garp().masterRepeat());
        kv("garp_master_refresh", i.garp().masterRefresh());
        kv("garp_master_refresh_repeat", i.garp().masterRefreshRepeat());
        kv("garp_lower_prio_delay", i.garp().lowerPrioDelay());
        kv("garp_lower_prio_repeat", i.garp().lowerPrioRepeat());
        bool("higher_prio_send_advert", i.higherPrioSendAdvert());
        other(withOptions(i.options(), i.otherSettings()));
        close();
    }

    private void syncGroup(VrrpSyncGroupConfig g) {
        open("vrrp_sync_group " + word(g.name()));
        if (!g.instances().isEmpty()) {
            open("group");
            for (String m : g.instances()) {
                line(word(m));
            }
            close();
        }
        notify(g.notifyScripts());
        bool("smtp_alert", g.smtpAlert());
        tracked("track_script", g.trackScripts());
        tracked("track_interface", g.trackInterfaces());
        flag("global_tracking", g.globalTracking());
        close();
    }

    private void bgp(BgpSpeakerConfig b) {
        open("bgp_speaker");
        kv("router_id", b.routerId());
        kv("local_as", b.localAs());
        kv("listen_port", b.listenPort());
        kv("device", b.device());
        kv("stop_drain", b.stopDrain());
        kv("partial_table_delay", b.partialTableDelay());
        for (BgpSpeakerConfig.Neighbor n : b.neighbors()) {
            open("neighbor " + addr(n.address()));
            kv("remote_as", n.remoteAs());
            kv("hold_time", n.holdTime());
            kv("port", n.port());
            kv("password", n.password());
            kv("local_address", n.localAddress());
            flag("passive", n.passive());
            close();
        }
        close();
    }

    private void ssl(SslConfig s) {
        open("SSL");
        kv("password", s.password());
        kv("ca", s.ca());
        kv("certificate", s.certificate());
        kv("key", s.key());
        close();
    }

    private void group(VirtualServerGroupConfig g) {
        open("virtual_server_group " + word(g.name()));
        for (GroupEntry e : g.entries()) {
            if (e.isFwmark()) {
                line("fwmark " + e.fwmark() + (e.fwmarkFamily() == null ? ""
                        : e.fwmarkFamily() == AddressFamily.INET ? " inet" : " inet6"));
            } else {
                String range = e.first().equals(e.last()) ? addr(e.first()) : addr(e.first()) + "-" + addr(e.last());
                line(range + (e.port() != 0 ? " " + e.port() : ""));
            }
        }
        close();
    }

    private void virtualServer(VirtualServerConfig vs) {
        open("virtual_server " + vs.keyText());
        if (vs.ipFamily() != null) {
            line("ip_family " + (vs.ipFamily() == AddressFamily.INET ? "inet" : "inet6"));
        }
        if (vs.scheduler() != null) {
            line("lvs_sched " + vs.scheduler().kernelName());
        }
        for (SchedulerFlag f : SchedulerFlag.values()) {
            if (vs.schedulerFlags().contains(f)) {
                line(f.ipvsadmName());
            }
        }
        flag("ops", vs.ops());
        flag("hashed", vs.hashed());
        if (vs.method() != null) {
            line("lvs_method " + vs.method().keepalivedText());
        }
        if (vs.protocol() != null) {
            line("protocol " + vs.protocol());
        }
        kv("persistence_timeout", vs.persistenceTimeout());
        kv("persistence_granularity", vs.persistenceGranularity());
        kv("persistence_engine", vs.persistenceEngine());
        kv("quorum", vs.quorum());
        kv("hysteresis", vs.hysteresis());
        command("quorum_up", vs.quorumUp());
        command("quorum_down", vs.quorumDown());
        flag("ha_suspend", vs.haSuspend());
        flag("alpha", vs.alpha());
        flag("omega", vs.omega());
        flag("inhibit_on_failure", vs.inhibitOnFailure());
        kv("weight", vs.weight());
        kv("delay_loop", vs.delayLoop());
        kv("connect_timeout", vs.connectTimeout());
        kv("retry", vs.retry());
        kv("delay_before_retry", vs.delayBeforeRetry());
        kv("warmup", vs.warmup());
        kv("virtualhost", vs.virtualhost());
        bool("smtp_alert", vs.smtpAlert());
        if (vs.announce() != null) {
            StringBuilder a = new StringBuilder(vs.announce().enabled() ? "announce" : "no_announce");
            for (InetAddress x : vs.announce().addresses()) {
                a.append(' ').append(addr(x));
            }
            line(a.toString());
        }
        SorryServer s = vs.sorryServer();
        if (s != null) {
            line("sorry_server " + addr(s.address()) + (s.port() != 0 ? " " + s.port() : ""));
            flag("sorry_server_inhibit", s.inhibit());
            if (s.method() != null) {
                line("sorry_server_lvs_method " + s.method().keepalivedText());
            }
        }
        for (RealServerConfig rs : vs.realServers()) {
            realServer(rs);
        }
        close();
    }

    private void realServer(RealServerConfig rs) {
        open("real_server " + addr(rs.address()) + (rs.port() != 0 ? " " + rs.port() : ""));
        kv("weight", rs.weight());
        if (rs.method() != null) {
            line("lvs_method " + rs.method().keepalivedText());
        }
        kv("uthreshold", rs.upperThreshold());
        kv("lthreshold", rs.lowerThreshold());
        bool("inhibit_on_failure", rs.inhibitOnFailure());
        command("notify_up", rs.notifyUp());
        command("notify_down", rs.notifyDown());
        bool("alpha", rs.alpha());
        kv("retry", rs.retry());
        kv("connect_timeout", rs.connectTimeout());
        kv("delay_before_retry", rs.delayBeforeRetry());
        kv("warmup", rs.warmup());
        kv("delay_loop", rs.delayLoop());
        bool("smtp_alert", rs.smtpAlert());
        kv("virtualhost", rs.virtualhost());
        for (CheckerConfig c : rs.checkers()) {
            checker(c);
        }
        close();
    }

    private void options(CheckOptions o) {
        kv("connect_ip", o.connectIp());
        kv("connect_port", o.connectPort());
        kv("bindto", o.bindTo());
        kv("bind_if", o.bindInterface());
        kv("bind_port", o.bindPort());
        kv("fwmark", o.fwmark());
        kv("connect_timeout", o.connectTimeout());
        kv("retry", o.retry());
        kv("delay_before_retry", o.delayBeforeRetry());
        kv("warmup", o.warmup());
        kv("delay_loop", o.delayLoop());
        bool("alpha", o.alpha());
        bool("log_all_failures", o.logAllFailures());
    }

    private void checker(CheckerConfig c) {
        open(c.type().keyword());
        options(c.options());
        if (c instanceof HttpCheck) {
            HttpCheck h = (HttpCheck) c;
            kv("http_protocol", h.httpProtocol());
            bool("fast_recovery", h.fastRecovery());
            flag("enable_sni", h.enableSni());
            kv("virtualhost", h.virtualhost());
            for (HttpUrl u : h.urls()) {
                open("url");
                kv("path", u.path());
                kv("digest", u.digest());
                if (!u.statusCodes().isEmpty()) {
                    StringBuilder t = new StringBuilder("status_code");
                    for (StatusRange r : u.statusCodes()) {
                        t.append(' ').append(r);
                    }
                    line(t.toString());
                }
                kv("virtualhost", u.virtualhost());
                kv("regex", u.regex());
                flag("regex_no_match", u.regexNoMatch());
                if (!u.regexOptions().isEmpty()) {
                    line("regex_options " + String.join(" ", u.regexOptions()));
                }
                kv("regex_min_offset", u.regexMinOffset());
                kv("regex_max_offset", u.regexMaxOffset());
                close();
            }
        } else if (c instanceof MiscCheck) {
            MiscCheck m = (MiscCheck) c;
            command("misc_path", m.path());
            kv("misc_timeout", m.timeout());
            flag("misc_dynamic", m.dynamic());
            if (m.user() != null) {
                line("user " + word(m.user()) + (m.group() != null ? " " + word(m.group()) : ""));
            }
        } else if (c instanceof SmtpCheck) {
            kv("helo_name", ((SmtpCheck) c).heloName());
        } else if (c instanceof DnsCheck) {
            kv("type", ((DnsCheck) c).queryType());
            kv("name", ((DnsCheck) c).name());
        } else if (c instanceof UdpCheck) {
            UdpCheck u = (UdpCheck) c;
            command("payload", u.payload());
            if (u.requireReply()) {
                line("require_reply" + (u.requireReplyPattern() != null ? " " + u.requireReplyPattern() : ""));
            }
            kv("min_reply_length", u.minReplyLength());
            kv("max_reply_length", u.maxReplyLength());
        } else if (c instanceof FileCheck) {
            FileCheck f = (FileCheck) c;
            kv("track_file", f.trackFile());
            if (f.weight() != null) {
                line("weight " + f.weight() + (f.reverse() ? " reverse" : ""));
            }
            flag("dynamic", f.dynamic());
        } else if (c instanceof BfdCheck) {
            kv("name", ((BfdCheck) c).name());
        }
        close();
    }
}
