package io.lvs4j.cli;

import static io.lvs4j.cli.MainRun.lvs4j;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lvs4j config check|render}: exit statuses, located problems on stderr, rules on stdout. */
class ConfigCommandTest {
    @TempDir
    Path dir;

    private Path file(String text) throws Exception {
        return Files.writeString(dir.resolve("keepalived.conf"), text);
    }

    @Test
    void check_validFile_exits0_warningsOnStderr() throws Exception {
        Path f = file("virtual_server 192.0.2.1 80 {\n    protocol TCP\n    frobnicate 1\n"
                + "    real_server 10.0.0.1 80 {\n    }\n}\n");
        MainRun r = lvs4j("config", "check", f.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains(f + ":3:5: warning: virtual_server: \"frobnicate\" (expected: a keyword");
    }

    /** A script {@code name} with {@code mode} in a directory of its own with {@code dirMode}. */
    private Path script(String name, String dirMode, String mode) throws Exception {
        Path d = Files.createDirectories(dir.resolve(name + ".d"));
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString(dirMode));
        Path s = Files.writeString(d.resolve(name), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString(mode));
        return s;
    }

    private String scriptsConf(boolean security, Path chk, Path misc, Path quorum) {
        return "global_defs {\n    script_user root\n" + (security ? "    enable_script_security\n" : "") + "}\n"
                + "vrrp_script chk {\n    script \"" + chk + " arg\"\n}\n"
                + "virtual_server 192.0.2.1 80 {\n    protocol TCP\n    lvs_sched rr\n    lvs_method NAT\n    quorum_up " + quorum + "\n"
                + "    real_server 10.0.0.1 80 {\n        MISC_CHECK {\n            misc_path " + misc + "\n"
                + "        }\n    }\n}\n";
    }

    @Test
    void check_scriptSecurity_changeableScriptsReportedAtTheirKeyword() throws Exception {
        assumeTrue(Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0), "files owned by root");
        Path worldWritable = script("chk.sh", "rwxr-xr-x", "rwxrwxrwx");
        Path inOpenDir = script("misc.sh", "rwxrwxrwx", "rwxr-xr-x"); // a directory anyone can change
        Path safe = script("quorum.sh", "rwxr-xr-x", "rwxr-xr-x");
        Path f = file(scriptsConf(true, worldWritable, inOpenDir, safe));
        MainRun r = lvs4j("config", "check", f.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.err().lines()).containsExactly(
                f + ":6:5: warning: Unsafe permissions found for vrrp_script chk - disabling: " + worldWritable + ": "
                        + worldWritable + " is writable by every user (mode 0777)",
                f + ":15:13: warning: Unsafe permissions found for MISC_CHECK - disabling: " + inOpenDir + ": "
                        + inOpenDir.getParent() + " is writable by every user (mode 0777)");
    }

    @Test
    void check_noScriptSecurity_changeableScriptWarnedAsNotSecure() throws Exception {
        assumeTrue(Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0), "files owned by root");
        Path worldWritable = script("chk.sh", "rwxr-xr-x", "rwxrwxrwx");
        Path safe = script("safe.sh", "rwxr-xr-x", "rwxr-xr-x");
        Path f = file(scriptsConf(false, worldWritable, safe, safe));
        MainRun r = lvs4j("config", "check", f.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.err().lines()).containsExactly(f + ":5:5: warning: WARNING - vrrp_script chk is not secure "
                + "(enable_script_security would disable it): " + worldWritable + ": " + worldWritable
                + " is writable by every user (mode 0777)");
    }

    @Test
    void render_scripts_notChecked() throws Exception {
        Path worldWritable = script("chk.sh", "rwxr-xr-x", "rwxrwxrwx");
        Path f = file(scriptsConf(true, worldWritable, worldWritable, worldWritable));
        MainRun r = lvs4j("config", "render", f.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
    }

    @Test
    void check_quiet_printsNothing() throws Exception {
        Path f = file("virtual_server 192.0.2.1 80 {\n    frobnicate 1\n    real_server 10.0.0.1 80 {\n    }\n}\n");
        MainRun r = lvs4j("config", "check", "-q", f.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
    }

    @Test
    void check_errors_everyOneLocated_exit2() throws Exception {
        Path f = file("virtual_server 192.0.2.1 80 {\n    lb_algo wrrr\n    protocol XX\n"
                + "    real_server 10.0.0.1 80 {\n        weight 70000\n    }\n}\n");
        MainRun r = lvs4j("config", "check", f.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines()).contains(
                f + ":2:13: lb_algo: \"wrrr\" (expected: one of rr, wrr, lc, wlc, lblc, sh, mh, dh, fo, ovf, lblcr, sed, nq, twos)",
                f + ":3:14: protocol: \"XX\" (expected: one of TCP, UDP, SCTP)",
                f + ":5:16: weight: 70000 (expected: 0..65535 in lvs4j, though keepalived and the kernel take up to 2147483647)",
                "lvs4j: " + f + ": 3 errors");
    }

    /**
     * A file the typed VRRP builders refuse: {@code config check} reports it as {@code run} does at
     * start (the same mapping), located, exit 2, before anything starts.
     */
    @Test
    void check_vrrpInstanceTheBuildersRefuse_sameLocatedErrorAsRun_exit2() throws Exception {
        // keepalived refuses it too: "No VIP specified; at least one is required" for VRRPv3
        Path f = file("vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    version 3\n}\n");
        String located = f + ":1:1: vrrp_instance VI_1 virtual_ipaddress: \"[]\" (expected: at least one address)";
        MainRun check = lvs4j("config", "check", f.toString());
        assertThat(check.exit()).isEqualTo(2);
        assertThat(check.err().lines()).containsExactly(located, "lvs4j: " + f + ": 1 error");
        MainRun run = lvs4j("run", f.toString());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err().lines()).contains(located).doesNotContain("Exception");
    }

    /** What keepalived corrects with a warning is a located warning, not a failure at start. */
    @Test
    void check_nopreemptWithStateMaster_locatedWarning_exit0() throws Exception {
        Path f = file("vrrp_instance VI_1 {\n    state MASTER\n    nopreempt\n    interface eth0\n"
                + "    virtual_router_id 51\n    virtual_ipaddress {\n        192.0.2.100/24\n    }\n}\n");
        MainRun r = lvs4j("config", "check", f.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEqualTo(f + ":3:5: warning: vrrp_instance VI_1 nopreempt: with state MASTER"
                + " (expected: state BACKUP) - cleared, as keepalived does\n");
    }

    @Test
    void check_missingFile_exit1() {
        MainRun r = lvs4j("config", "check", dir.resolve("none.conf").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("lvs4j: " + dir.resolve("none.conf") + ": no such file\n");
    }

    @Test
    void render_errors_nothingOnStdout_exit2() throws Exception {
        Path f = file("virtual_server 192.0.2.1 80 {\n    protocol TCP\n    real_server 10.0.0.1 80 {\n"
                + "        weight 70000\n    }\n}\n");
        MainRun r = lvs4j("config", "render", f.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains(f + ":4:16: weight: 70000 (expected: 0..65535");
    }

    /**
     * lab/oracle/keepalived-sample.conf: what keepalived 2.2.7 installed at start, before its failing
     * TCP_CHECK removed 198.51.100.12 (the first ipvsadm -Sn of lab/oracle/transcript-keepalived.txt).
     */
    @Test
    void render_labSample_isWhatKeepalivedInstalled() {
        MainRun r = lvs4j("config", "render", "-q", Path.of("../lab/oracle/keepalived-sample.conf").toString());
        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("""
                -A -t 192.0.2.50:80 -s wrr -p 120
                -a -t 192.0.2.50:80 -r 198.51.100.11:80 -m -w 3
                -a -t 192.0.2.50:80 -r 198.51.100.12:80 -m -w 2
                -a -t 192.0.2.50:80 -r 198.51.100.254:80 -m -w 1
                -A -u 192.0.2.51:53 -s rr
                -a -u 192.0.2.51:53 -r 198.51.100.13:53 -g -w 1
                -A -f 7 -s sh
                -a -f 7 -r 198.51.100.14:0 -i -w 1 --tun-type ipip
                """);
    }

    /**
     * keepalived 2.2.7 at start with {@code alpha} (check/ipwrapper.c init_service_rs and the first
     * quorum update): a checked real server is not installed until its first good check, with
     * inhibit_on_failure it is installed at weight 0, one without checkers is installed, and a
     * service whose quorum is not met gets its sorry server.
     */
    @Test
    void render_alpha_checkedRealServersOutAtStart() throws Exception {
        Path f = file("""
                virtual_server 192.0.2.60 80 {
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    alpha
                    real_server 198.51.100.61 80 {
                        weight 2
                        TCP_CHECK {
                        }
                    }
                    real_server 198.51.100.62 80 {
                        inhibit_on_failure
                        TCP_CHECK {
                        }
                    }
                    real_server 198.51.100.63 80 {
                    }
                }
                virtual_server 192.0.2.61 80 {
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    alpha
                    sorry_server 198.51.100.69 80
                    real_server 198.51.100.64 80 {
                        TCP_CHECK {
                        }
                    }
                }
                virtual_server 192.0.2.62 80 {
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    real_server 198.51.100.65 80 {
                        TCP_CHECK {
                        }
                    }
                }
                """);
        MainRun r = lvs4j("config", "render", "-q", f.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("""
                -A -t 192.0.2.60:80 -s rr
                -a -t 192.0.2.60:80 -r 198.51.100.62:80 -m -w 0
                -a -t 192.0.2.60:80 -r 198.51.100.63:80 -m -w 1
                -A -t 192.0.2.61:80 -s rr
                -a -t 192.0.2.61:80 -r 198.51.100.69:80 -m -w 1
                -A -t 192.0.2.62:80 -s rr
                -a -t 192.0.2.62:80 -r 198.51.100.65:80 -m -w 1
                """);
    }

    @Test
    void render_defaults_udpWlcNat() throws Exception {
        Path f = file("virtual_server 192.0.2.180 80 {\n    real_server 198.51.100.180 80 {\n    }\n}\n");
        MainRun r = lvs4j("config", "render", f.toString());
        assertThat(r.exit()).isZero();
        // oracle 20-defaults: "no protocol set - defaulting to UDP", wlc, NAT
        assertThat(r.out()).isEqualTo("-A -u 192.0.2.180:80 -s wlc\n-a -u 192.0.2.180:80 -r 198.51.100.180:80 -m -w 1\n");
        assertThat(r.err()).contains("warning: virtual_server 192.0.2.180 80: no protocol - UDP, as keepalived defaults");
    }

    private static final String VI_1 = "vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n"
            + "    virtual_ipaddress {\n        192.0.2.100/24\n    }\n}\n";

    /**
     * {@code config check} refuses {@code text} with the one located error {@code at: message}, exit 2,
     * and {@code run} refuses it with the same line before anything starts.
     */
    private void assertCheckAndRunRefuse(String text, String at, String message) throws Exception {
        Path f = file(text);
        String located = f + ":" + at + ": " + message;
        MainRun check = lvs4j("config", "check", f.toString());
        assertThat(check.exit()).isEqualTo(2);
        assertThat(check.err().lines()).containsExactly(located, "lvs4j: " + f + ": 1 error");
        MainRun run = lvs4j("run", f.toString());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err().lines()).contains(located).doesNotContain("Exception");
    }

    @Test
    void check_lvsSyncDaemonUnknownInstance_locatedError_exit2() throws Exception {
        assertCheckAndRunRefuse("global_defs {\n    lvs_sync_daemon eth0 VI_9\n}\n" + VI_1, "2:26",
                "lvs_sync_daemon instance: \"VI_9\" (expected: one of VI_1)");
    }

    @Test
    void check_lvsSyncDaemonUnknownOption_locatedError_exit2() throws Exception {
        assertCheckAndRunRefuse("global_defs {\n    lvs_sync_daemon eth0 VI_1 bogus 3\n}\n" + VI_1, "2:31",
                "lvs_sync_daemon: \"bogus\" (expected: one of id, maxlen, port, ttl, group)");
    }

    @Test
    void check_lvsSyncDaemonIdOutOfRange_locatedError_exit2() throws Exception {
        assertCheckAndRunRefuse("global_defs {\n    lvs_sync_daemon eth0 inst VI_1 id 256\n}\n" + VI_1, "2:39",
                "lvs_sync_daemon syncid: 256 (expected: 0..255)");
    }

    /** run refused it only when the director started (VrrpUnit), without a location; check accepted it. */
    @Test
    void check_instanceInTwoSyncGroups_locatedError_exit2() throws Exception {
        String vi2 = VI_1.replace("VI_1", "VI_2").replace("51", "52").replace(".100/", ".102/");
        String vi3 = VI_1.replace("VI_1", "VI_3").replace("51", "53").replace(".100/", ".103/");
        assertCheckAndRunRefuse("vrrp_sync_group G1 {\n    group {\n        VI_1\n        VI_2\n    }\n}\n"
                + "vrrp_sync_group G2 {\n    group {\n        VI_3\n        VI_1\n    }\n}\n" + VI_1 + vi2 + vi3,
                "10:9", "vrrp_sync_group G2 group: \"VI_1\" (expected: an instance in no other sync group)");
    }

    /** run refused it when it parsed the address, without a location; check accepted it. */
    @Test
    void check_lvs4jHttpBracketsWithoutIpv6Address_locatedError_exit2() throws Exception {
        assertCheckAndRunRefuse("global_defs {\n    lvs4j_http [1:2:3]:80\n}\n" + VI_1, "2:16", "lvs4j_http:"
                + " \"[1:2:3]:80\" (expected: PORT, ADDR:PORT or [V6ADDR]:PORT, a numeric address, port 1..65535)");
    }

    @Test
    void check_lvsFlushOnStopUnknownArgument_locatedError_exit2() throws Exception {
        assertCheckAndRunRefuse("global_defs {\n    lvs_flush_on_stop ALL\n}\n" + VI_1, "2:23",
                "lvs_flush_on_stop: \"ALL\" (expected: nothing (the whole table) or VS)");
    }

    @Test
    void check_higherPrioSendAdvertMaybe_locatedError_exit2() throws Exception {
        assertCheckAndRunRefuse(VI_1.replace("    interface eth0\n", "    interface eth0\n    higher_prio_send_advert maybe\n"),
                "3:29", "higher_prio_send_advert: \"maybe\" (expected: one of on, off, true, false, yes, no)");
    }

    private static final String VS_80 = "virtual_server 192.0.2.1 80 {\n    protocol TCP\n    lvs_sched rr\n"
            + "    lvs_method NAT\n    real_server 10.0.0.1 80 {\n";

    @Test
    void check_bfdCheck_locatedErrorAtTheChecker_exit2() throws Exception {
        assertCheckAndRunRefuse(VS_80 + "        BFD_CHECK {\n            name b\n        }\n    }\n}\n", "6:9",
                "BFD_CHECK checker: \"BFD_CHECK\" (expected: one of TCP_CHECK, HTTP_GET, SSL_GET, MISC_CHECK, "
                        + "UDP_CHECK, DNS_CHECK, SMTP_CHECK, FILE_CHECK, PING_CHECK; lvs4j has no BFD)");
    }

    @Test
    void check_httpGetBadRegex_locatedErrorAtTheChecker_exit2() throws Exception {
        assertCheckAndRunRefuse(VS_80 + "        HTTP_GET {\n            url {\n                path /\n"
                + "                regex \"(\"\n            }\n        }\n    }\n}\n", "6:9",
                "HTTP_GET regex: \"(\" (expected: a valid regular expression (Unclosed group))");
    }

    @Test
    void check_zeroDelayBeforeRetry_locatedErrorAtTheChecker_exit2() throws Exception {
        assertCheckAndRunRefuse(VS_80 + "        TCP_CHECK {\n            delay_before_retry 0\n        }\n    }\n}\n",
                "6:9", "TCP_CHECK delay_before_retry: PT0S (expected: 1 ms..1 day)");
    }

    @Test
    void check_tcpCheckOnFwmarkWithoutPort_locatedErrorAtTheChecker_exit2() throws Exception {
        assertCheckAndRunRefuse("virtual_server fwmark 7 {\n    lvs_sched rr\n    lvs_method NAT\n"
                + "    real_server 10.0.0.1 {\n        TCP_CHECK {\n        }\n    }\n}\n", "5:9", "TCP_CHECK port: 0 (expected: a connect_port: the real server "
                + "10.0.0.1 is installed without a port (a firewall-mark or port-0 service))");
    }

    // keywords that change what goes on the wire: acted on or refused, never warned past (issue 15)

    private static String vi1With(String line) {
        return VI_1.replace("    interface eth0\n", "    interface eth0\n" + line);
    }

    @Test
    void check_otherIpv4MulticastGroup_locatedError_exit2() throws Exception {
        assertCheckAndRunRefuse("global_defs {\n    vrrp_mcast_group4 224.0.0.19\n}\n" + VI_1, "2:23",
                "vrrp_mcast_group4: \"224.0.0.19\" (expected: 224.0.0.18, not supported: lvs4j sends its multicast "
                        + "adverts to the RFC's group only)");
    }

    @Test
    void check_instanceMulticastDestination_locatedError_exit2() throws Exception {
        assertCheckAndRunRefuse(vi1With("    mcast_dst_ip 224.0.0.20\n"), "3:18",
                "mcast_dst_ip: \"224.0.0.20\" (expected: 224.0.0.18, not supported: lvs4j sends its multicast "
                        + "adverts to the RFC's group only)");
    }

    @Test
    void check_oldUnicastChecksum_locatedError_exit2() throws Exception {
        assertCheckAndRunRefuse(vi1With("    old_unicast_checksum\n"), "3:5", "old_unicast_checksum: not supported "
                + "(expected: left out): lvs4j's unicast adverts carry the RFC checksum, as keepalived's do without "
                + "this keyword");
    }

    @Test
    void check_lowerPrioNoAdvert_locatedError_exit2() throws Exception {
        assertCheckAndRunRefuse(vi1With("    lower_prio_no_advert\n"), "3:5", "lower_prio_no_advert: not supported "
                + "(expected: off, or left out): a master lvs4j runs always answers a lower-priority advert with its "
                + "own, as keepalived does by default");
    }

    @Test
    void check_useIpvlan_locatedError_exit2() throws Exception {
        assertCheckAndRunRefuse(vi1With("    use_ipvlan\n"), "3:5", "use_ipvlan: not supported (expected: left out): "
                + "lvs4j creates no ipvlan device and no macvlan per address (use_vmac on the instance is supported)");
    }

    @Test
    void check_garpInterval_zeroAcceptedOtherRefused() throws Exception {
        Path f = file("global_defs {\n    vrrp_garp_interval 0\n    vrrp_mcast_group4 224.0.0.18\n"
                + "    vrrp_garp_master_delay 1\n}\n" + VI_1);
        MainRun ok = lvs4j("config", "check", f.toString());
        assertThat(ok.exit()).isZero();
        assertThat(ok.err()).isEmpty();
        assertCheckAndRunRefuse("global_defs {\n    vrrp_gna_interval 0.5\n}\n" + VI_1, "2:23",
                "vrrp_gna_interval: \"0.5\" (expected: 0, not supported: lvs4j sends a round's announcements back to back)");
    }

    /**
     * keepalived 2.2.7 installs a group's services without persistence_granularity (each group entry
     * resets the netmask before it talks to IPVS): render matches it and warns at the virtual_server.
     */
    @Test
    void render_granularityInAGroup_noNetmask_locatedWarning() throws Exception {
        Path f = file("virtual_server_group G {\n    192.0.2.1 80\n}\n"
                + "virtual_server group G {\n    protocol TCP\n    lvs_sched rr\n    lvs_method NAT\n"
                + "    persistence_timeout 60\n    persistence_granularity 255.255.255.0\n"
                + "    real_server 10.0.0.1 80 {\n    }\n}\n");
        MainRun r = lvs4j("config", "render", f.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("-A -t 192.0.2.1:80 -s rr -p 60\n-a -t 192.0.2.1:80 -r 10.0.0.1:80 -m -w 1\n");
        assertThat(r.err()).isEqualTo(f + ":4:1: warning: virtual_server group G: persistence_granularity in a "
                + "virtual_server group - ignored, as keepalived 2.2.7 installs group services with the full netmask\n");
    }
}
