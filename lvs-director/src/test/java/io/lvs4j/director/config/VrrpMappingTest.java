package io.lvs4j.director.config;

import static io.lvs4j.director.config.Configs.errors;
import static io.lvs4j.director.config.Configs.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.director.config.internal.VrrpMapper;
import io.lvs4j.internal.Addresses;
import io.lvs4j.vrrp.AuthType;
import io.lvs4j.vrrp.InitialState;
import io.lvs4j.vrrp.Track;
import io.lvs4j.vrrp.UnicastPeer;
import io.lvs4j.vrrp.VirtualAddress;
import io.lvs4j.vrrp.VrrpInstance;
import io.lvs4j.vrrp.VrrpScript;
import io.lvs4j.vrrp.VrrpSyncGroup;
import java.time.Duration;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The VRRP blocks of a keepalived.conf onto lvs-vrrp's builders, in the reader's one mapping. */
class VrrpMappingTest {
    private static final String VI = "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n"
            + " virtual_ipaddress {\n  192.0.2.100/24\n }\n";

    private static VrrpMapper.Vrrp map(String text) throws Exception {
        return VrrpMapper.map(parse(text).config());
    }

    private static VrrpInstance instance(String text) throws Exception {
        return map(text).instances().get(0);
    }

    @Test
    void unicastPeer_ttlBounds_onTheEngineInstance() throws Exception {
        VrrpInstance i = instance("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n"
                + " virtual_ipaddress {\n  192.0.2.10\n }\n unicast_peer {\n  192.0.2.2 min_ttl 254\n  192.0.2.3\n }\n}\n");
        assertThat(i.unicastPeerBounds()).containsExactly(UnicastPeer.builder("192.0.2.2").minTtl(254).build(),
                UnicastPeer.builder("192.0.2.3").build());
    }

    /**
     * keepalived (vrrp_complete_instance): an instance without its own higher_prio_send_advert takes
     * global_defs' vrrp_higher_prio_send_advert, unless in strict mode; its own wins.
     */
    @Test
    void globalHigherPrioSendAdvert_defaultOfEveryInstance_ownWinsStrictClears() throws Exception {
        String global = "global_defs {\n vrrp_higher_prio_send_advert\n}\n";
        VrrpMapper.Vrrp m = map(global + VI + "}\n" + VI.replace("VI_1", "VI_2").replace(" 51\n", " 52\n")
                + " higher_prio_send_advert off\n}\n");
        assertThat(m.instances().get(0).higherPrioritySendAdvert()).isTrue();
        assertThat(m.instances().get(1).higherPrioritySendAdvert()).isFalse();
        assertThat(instance(VI + "}\n").higherPrioritySendAdvert()).isFalse(); // keepalived's default: off
        assertThat(instance("global_defs {\n vrrp_higher_prio_send_advert no\n}\n" + VI
                + " higher_prio_send_advert\n}\n").higherPrioritySendAdvert()).isTrue();
        assertThat(instance(global + VI + " strict_mode\n}\n").higherPrioritySendAdvert()).isFalse();
        String own = VI + " strict_mode\n higher_prio_send_advert\n}\n"; // keepalived resets it, and says so
        assertThat(instance(own).higherPrioritySendAdvert()).isFalse();
        assertThat(parse(own).warnings()).extracting(ConfigProblem::toString).contains("keepalived.conf:8:2: "
                + "vrrp_instance VI_1: higher_prio_send_advert overridden in strict mode, as keepalived does: off");
        assertThat(errors(global.replace("advert\n", "advert maybe\n") + VI + "}\n").errors())
                .extracting(ConfigProblem::toString).containsExactly(
                "keepalived.conf:2:31: vrrp_higher_prio_send_advert: \"maybe\" (expected: one of on, off, true, false, yes, no)");
    }

    @Test
    void everyKeyword_mapsOntoTheBuilder() throws Exception {
        VrrpInstance i = instance("vrrp_instance VI_9 {\n state BACKUP\n interface eth0\n virtual_router_id 9\n"
                + " priority 150\n advert_int 0.5\n version 3\n nopreempt\n preempt_delay 3\n accept\n"
                + " unicast_src_ip 192.0.2.1\n unicast_peer {\n  192.0.2.2\n }\n"
                + " virtual_ipaddress {\n  192.0.2.9/24 brd 192.0.2.255 dev eth1 scope link label eth1:9\n  192.0.2.10\n }\n"
                + " virtual_ipaddress_excluded {\n  2001:db8::9/64\n }\n"
                + " track_interface {\n  eth1\n  eth2 weight -20 reverse\n }\n"
                + " track_script {\n  chk\n  chk2 weight 5\n }\n dont_track_primary\n"
                + " notify_master \"/bin/m x\"\n notify_backup /bin/b\n notify_fault /bin/f\n notify_stop /bin/s\n"
                + " notify /bin/n\n garp_master_delay 1\n garp_master_repeat 3\n garp_master_refresh 60\n"
                + " garp_master_refresh_repeat 2\n garp_lower_prio_delay 2\n garp_lower_prio_repeat 4\n"
                + " higher_prio_send_advert\n}\n");
        assertThat(i.name()).isEqualTo("VI_9");
        assertThat(i.interfaceName()).isEqualTo("eth0");
        assertThat(i.initialState()).isEqualTo(InitialState.BACKUP);
        assertThat(i.virtualRouterId()).isEqualTo(9);
        assertThat(i.priority()).isEqualTo(150);
        assertThat(i.advertIntervalCentis()).isEqualTo(50);
        assertThat(i.version()).isEqualTo(3);
        assertThat(i.nopreempt()).isTrue();
        assertThat(i.preemptDelay()).isEqualTo(Duration.ofSeconds(3));
        assertThat(i.acceptMode()).isTrue();
        assertThat(i.sourceAddress()).contains(Addresses.parse("192.0.2.1", "a"));
        assertThat(i.unicastPeers()).containsExactly(Addresses.parse("192.0.2.2", "a"));
        assertThat(i.virtualAddresses()).containsExactly(VirtualAddress.builder("192.0.2.9/24").broadcast("192.0.2.255")
                .device("eth1").scope("link").label("eth1:9").build(), VirtualAddress.of("192.0.2.10"));
        assertThat(i.excludedAddresses()).containsExactly(VirtualAddress.of("2001:db8::9/64"));
        assertThat(i.trackedInterfaces()).extracting(Track::toString).containsExactly("eth1", "eth2 weight -20 reverse");
        assertThat(i.trackedScripts()).extracting(Track::toString).containsExactly("chk", "chk2 weight 5");
        assertThat(i.dontTrackPrimary()).isTrue();
        assertThat(i.notifyMaster()).contains("\"/bin/m x\"");
        assertThat(i.notifyBackup()).contains("/bin/b");
        assertThat(i.notifyFault()).contains("/bin/f");
        assertThat(i.notifyStop()).contains("/bin/s");
        assertThat(i.notifyAny()).contains("/bin/n");
        assertThat(i.garp().masterDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(i.garp().masterRepeat()).isEqualTo(3);
        assertThat(i.garp().masterRefresh()).isEqualTo(Duration.ofSeconds(60));
        assertThat(i.garp().masterRefreshRepeat()).isEqualTo(2);
        assertThat(i.garp().lowerPrioDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(i.garp().lowerPrioRepeat()).isEqualTo(4);
        assertThat(i.higherPrioritySendAdvert()).isTrue();
    }

    @Test
    void keepalivedDefaults_forWhatTheFileLeavesOut() throws Exception {
        VrrpInstance i = instance(VI + "}\n");
        assertThat(i).isEqualTo(VrrpInstance.builder("VI_1").interfaceName("eth0").virtualRouterId(51)
                .virtualAddress("192.0.2.100/24").build());
        assertThat(i.sourceAddress()).isEmpty();
        assertThat(instance(VI + " mcast_src_ip 192.0.2.7\n}\n").sourceAddress())
                .contains(Addresses.parse("192.0.2.7", "a"));
    }

    @Test
    void authentication_passAndAh() throws Exception {
        VrrpInstance pass = instance(VI + " authentication {\n  auth_type PASS\n  auth_pass secret\n }\n}\n");
        assertThat(pass.authentication().orElseThrow().type()).isEqualTo(AuthType.PASS);
        assertThat(pass.authentication().orElseThrow().password()).isEqualTo("secret");
        VrrpInstance ah = instance(VI + " authentication {\n  auth_type AH\n  auth_pass k\n }\n}\n");
        assertThat(ah.authentication().orElseThrow().type()).isEqualTo(AuthType.AH);
    }

    @Test
    void scriptAndSyncGroup_mapOntoTheirBuilders() throws Exception {
        VrrpMapper.Vrrp v = map("vrrp_script chk {\n script \"/bin/check nginx\"\n interval 2\n timeout 3\n"
                + " weight -20 reverse\n rise 3\n fall 2\n user nobody nogroup\n init_fail\n}\n"
                + VI + "}\n" + VI.replace("VI_1", "VI_2").replace("51", "52") + "}\n"
                + "vrrp_sync_group G1 {\n group {\n  VI_1\n  VI_2\n }\n track_script {\n  chk weight 0\n }\n"
                + " track_interface {\n  eth1\n }\n notify_master /bin/gm\n notify /bin/gn\n}\n");
        assertThat(v.scripts()).containsExactly(VrrpScript.builder("chk").command("\"/bin/check nginx\"")
                .interval(Duration.ofSeconds(2)).timeout(Duration.ofSeconds(3)).weight(-20).reverse(true).rise(3)
                .fall(2).user("nobody").group("nogroup").initFail(true).build());
        VrrpSyncGroup g = v.syncGroups().get(0);
        assertThat(g.members()).containsExactly("VI_1", "VI_2");
        assertThat(g.trackedScripts().get(0).weight()).isEqualTo(OptionalInt.of(0));
        assertThat(g.trackedInterfaces()).extracting(Track::name).containsExactly("eth1");
        assertThat(g.notifyMaster()).contains("/bin/gm");
        assertThat(g.notifyAny()).contains("/bin/gn");
    }

    /** As lvs4j always ran it (a map by name): the last block of a name wins. */
    @Test
    void vrrpScriptDefinedTwice_theLastWins() throws Exception {
        VrrpMapper.Vrrp v = map("vrrp_script chk {\n script /bin/a\n}\nvrrp_script chk {\n script /bin/b\n}\n");
        assertThat(v.scripts()).extracting(VrrpScript::command).containsExactly("/bin/b");
    }

    /** What the typed builders refuse is a located error at the block when the file is read. */
    @Test
    void builderRefusals_locatedAtTheInstance_nameTheInstanceAndSetting() {
        assertThat(errors("vrrp_instance VI_1 {\n virtual_router_id 51\n virtual_ipaddress {\n  192.0.2.100/24\n }\n}\n")
                .errors()).extracting(ConfigProblem::toString)
                .containsExactly("keepalived.conf:1:1: vrrp_instance VI_1 interface: null (expected: an interface name)");
        assertThat(errors(VI.replace("192.0.2.100/24", "192.0.2.100/24 scope galaxy") + "}\n").errors())
                .extracting(ConfigProblem::toString)
                .containsExactly("keepalived.conf:1:1: vrrp_instance VI_1 virtual_ipaddress 192.0.2.100 scope: \"galaxy\""
                        + " (expected: one of global, site, link, host, nowhere or 0..255)");
    }

    /** The director maps a configuration it is handed the same way: the same refusal, the same message. */
    @Test
    void builderRefusal_toDirectorConfig_sameMessageAsTheReader() throws Exception {
        // keepalived refuses it too: "No VIP specified; at least one is required" for VRRPv3
        String text = "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n version 3\n}\n";
        ConfigProblem located = errors(text).errors().get(0);
        assertThat(located.toString()).isEqualTo("keepalived.conf:1:1: vrrp_instance VI_1 virtual_ipaddress: \"[]\""
                + " (expected: at least one address)");
        KeepalivedConfig good = parse(VI + " version 3\n}\n").config();
        VrrpInstanceConfig i = good.vrrpInstances().get(0);
        VrrpInstanceConfig refused = new VrrpInstanceConfig(i.name(), i.state(), i.interfaceName(), i.virtualRouterId(),
                i.priority(), i.advertInterval(), i.version(), i.authentication(), java.util.List.of(),
                i.excludedVirtualIpAddresses(), i.virtualRoutes(), i.virtualRules(), i.unicastSourceIp(),
                i.unicastPeers(), i.multicastSourceIp(), i.nopreempt(),
                i.preemptDelay(), i.trackInterfaces(), i.trackScripts(), i.trackFiles(), i.dontTrackPrimary(),
                i.notifyScripts(), i.smtpAlert(), i.accept(), i.garp(), i.higherPrioSendAdvert(), i.options(),
                i.otherSettings());
        KeepalivedConfig c = new KeepalivedConfig(good.globalDefs(), good.vrrpScripts(), java.util.List.of(refused),
                good.vrrpSyncGroups(), good.virtualServerGroups(), good.virtualServers(), good.ssl());
        assertThatThrownBy(c::toDirectorConfig).isInstanceOf(IllegalStateException.class)
                .hasMessage(located.message());
    }

    // ---- what keepalived 2.2.7 corrects with a warning (vrrp.c, vrrp_complete_instance): corrected, located

    private static java.util.List<String> warnings(ConfigResult r) {
        return r.warnings().stream().map(ConfigProblem::toString).toList();
    }

    /** keepalived 2.2.7 advertised priority 255 for this instance (tcpdump in a namespace, 2026-12-06). */
    @Test
    void priority_stateMasterWithoutPriority_isTheOwners255() throws Exception {
        assertThat(VrrpMapper.map(parse(VI + " state MASTER\n}\n").config()).instances().get(0).priority())
                .isEqualTo(255);
    }

    @Test
    void priority_stateBackupOrNoStateWithoutPriority_is100() throws Exception {
        assertThat(VrrpMapper.map(parse(VI + " state BACKUP\n}\n").config()).instances().get(0).priority())
                .isEqualTo(100);
        assertThat(VrrpMapper.map(parse(VI + "}\n").config()).instances().get(0).priority()).isEqualTo(100);
    }

    @Test
    void priority_stateMasterWithPriority_keepsIt() throws Exception {
        assertThat(VrrpMapper.map(parse(VI + " state MASTER\n priority 150\n}\n").config()).instances().get(0)
                .priority()).isEqualTo(150);
    }

    @Test
    void nopreempt_withStateMaster_clearedWithLocatedWarning() throws Exception {
        ConfigResult r = parse(VI + " state MASTER\n nopreempt\n}\n");
        assertThat(VrrpMapper.map(r.config()).instances().get(0).nopreempt()).isFalse();
        assertThat(warnings(r)).containsExactly("keepalived.conf:8:2: vrrp_instance VI_1 nopreempt: with state MASTER"
                + " (expected: state BACKUP) - cleared, as keepalived does");
    }

    @Test
    void nopreempt_withPriority255_clearedWithLocatedWarning() throws Exception {
        ConfigResult r = parse(VI + " priority 255\n nopreempt\n}\n");
        assertThat(VrrpMapper.map(r.config()).instances().get(0).nopreempt()).isFalse();
        assertThat(warnings(r)).containsExactly("keepalived.conf:8:2: vrrp_instance VI_1 nopreempt: with priority 255"
                + " (expected: a priority below 255, the address owner always preempts) - cleared, as keepalived does");
    }

    @Test
    void advertInt_fractionalOnVrrp2_roundedHalfUpWithLocatedWarning() throws Exception {
        ConfigResult r = parse(VI + " advert_int 1.5\n}\n" + VI.replace("VI_1", "VI_2").replace("51", "52")
                + " advert_int 0.4\n}\n");
        assertThat(VrrpMapper.map(r.config()).instances()).extracting(VrrpInstance::advertInterval)
                .containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(1));
        assertThat(warnings(r)).containsExactly(
                "keepalived.conf:7:2: vrrp_instance VI_1 advert_int: \"1.5s\" (expected: whole seconds for VRRPv2)"
                        + " - rounded to 2s, as keepalived does",
                "keepalived.conf:15:2: vrrp_instance VI_2 advert_int: \"0.4s\" (expected: whole seconds for VRRPv2)"
                        + " - rounded to 1s, as keepalived does");
    }

    @Test
    void advertInt_vrrp3OffTheTenMillisecondGridOrAbove40950ms_roundedOrSetWithLocatedWarning() throws Exception {
        ConfigResult r = parse(VI + " version 3\n advert_int 0.015\n}\n" + VI.replace("VI_1", "VI_2").replace("51", "52")
                + " version 3\n advert_int 50\n}\n");
        assertThat(VrrpMapper.map(r.config()).instances()).extracting(VrrpInstance::advertInterval)
                .containsExactly(Duration.ofMillis(20), Duration.ofMillis(40_950));
        assertThat(warnings(r)).containsExactly(
                "keepalived.conf:8:2: vrrp_instance VI_1 advert_int: \"0.015s\" (expected: a multiple of 10ms for VRRPv3)"
                        + " - rounded to 0.02s, as keepalived does",
                "keepalived.conf:17:2: vrrp_instance VI_2 advert_int: \"50s\" (expected: at most 40.95s for VRRPv3)"
                        + " - set to 40.95s, as keepalived does");
    }

    @Test
    void authentication_withoutAuthPass_ignoredWithLocatedWarning() throws Exception {
        ConfigResult r = parse(VI + " authentication {\n  auth_type PASS\n }\n}\n");
        assertThat(VrrpMapper.map(r.config()).instances().get(0).authentication()).isEmpty();
        assertThat(warnings(r)).containsExactly("keepalived.conf:7:2: vrrp_instance VI_1 authentication auth_pass: null"
                + " (expected: a password) - authentication ignored, as keepalived does");
    }

    @Test
    void addressOwner_weightedTracking_notTrackedWithLocatedWarning() throws Exception {
        ConfigResult r = parse("vrrp_script chk {\n script /bin/true\n}\n" + VI + " priority 255\n"
                + " track_interface {\n  eth1 weight -10\n  eth2\n }\n track_script {\n  chk weight 5\n }\n}\n");
        VrrpInstance i = VrrpMapper.map(r.config()).instances().get(0);
        assertThat(i.trackedInterfaces()).extracting(Track::name).containsExactly("eth2");
        assertThat(i.trackedScripts()).isEmpty();
        assertThat(warnings(r)).containsExactly(
                "keepalived.conf:12:3: vrrp_instance VI_1 track_interface eth1 weight: -10 (expected: 0 for the address"
                        + " owner (priority 255)) - the interface is not tracked, as keepalived does",
                "keepalived.conf:16:3: vrrp_instance VI_1 track_script chk weight: 5 (expected: 0 for the address"
                        + " owner (priority 255)) - the script is not tracked, as keepalived does");
    }

    /** The track_script gives no weight: the vrrp_script's own applies, so keepalived drops it too. */
    @Test
    void addressOwner_tracksScriptWithItsOwnWeight_notTrackedWithLocatedWarning() throws Exception {
        ConfigResult r = parse("vrrp_script chk {\n script /bin/true\n weight -20\n}\n" + VI + " priority 255\n"
                + " track_script {\n  chk\n }\n}\n");
        assertThat(VrrpMapper.map(r.config()).instances().get(0).trackedScripts()).isEmpty();
        assertThat(warnings(r)).containsExactly("keepalived.conf:13:3: vrrp_instance VI_1 track_script chk weight: -20"
                + " (expected: 0 for the address owner (priority 255)) - the script (its vrrp_script's weight) is not"
                + " tracked, as keepalived does");
    }

    @Test
    void syncGroupWithAddressOwner_weightedTracking_weight0WithLocatedWarning() throws Exception {
        ConfigResult r = parse("vrrp_script chk {\n script /bin/true\n weight 10\n}\n" + VI + " priority 255\n}\n"
                + VI.replace("VI_1", "VI_2").replace("51", "52") + "}\n"
                + "vrrp_sync_group G {\n group {\n  VI_1\n  VI_2\n }\n track_script {\n  chk\n }\n"
                + " track_interface {\n  eth1 weight 7\n }\n}\n");
        VrrpSyncGroup g = VrrpMapper.map(r.config()).syncGroups().get(0);
        assertThat(g.trackedScripts()).extracting(t -> t.weight()).containsExactly(OptionalInt.of(0));
        assertThat(g.trackedInterfaces()).extracting(t -> t.weight()).containsExactly(OptionalInt.of(0));
        assertThat(warnings(r)).containsExactlyInAnyOrder(
                "keepalived.conf:26:3: vrrp_sync_group G track_script chk weight: 10 (expected: 0 with a member of"
                        + " priority 255) - weight set to 0, as keepalived does",
                "keepalived.conf:29:3: vrrp_sync_group G track_interface eth1 weight: 7 (expected: 0 with a member of"
                        + " priority 255) - weight set to 0, as keepalived does");
    }

    // ---- conformance: vrrp_version in global_defs

    /** keepalived: "default is global parameter vrrp_version"; lvs4j only warned about it and sent VRRPv2. */
    @Test
    void globalVrrpVersion3_isTheVersionOfInstancesThatGiveNone() throws Exception {
        ConfigResult r = parse("global_defs {\n vrrp_version 3\n}\n" + VI + " advert_int 0.5\n}\n"
                + VI.replace("VI_1", "VI_2").replace("51", "52") + " version 2\n}\n");
        VrrpMapper.Vrrp v = VrrpMapper.map(r.config());
        assertThat(v.instances()).extracting(VrrpInstance::version).containsExactly(3, 2);
        assertThat(v.instances().get(0).advertInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(r.config().globalDefs().vrrpVersion()).isEqualTo(3);
        assertThat(r.warnings()).extracting(ConfigProblem::message).noneMatch(m -> m.contains("vrrp_version"));
    }

    /**
     * keepalived: "VRRP version 3 does not support authentication. Ignoring." An authentication
     * block left in a file that turns on vrrp_version 3 failed the whole file once the version was
     * acted on; it is ignored with a located warning, and an instance of version 2 keeps it.
     */
    @Test
    void authenticationOfAVersion3Instance_ignoredWithALocatedWarning() throws Exception {
        String auth = " authentication {\n  auth_type PASS\n  auth_pass secret\n }\n";
        ConfigResult r = parse("global_defs {\n vrrp_version 3\n}\n" + VI + auth + "}\n"
                + VI.replace("VI_1", "VI_2").replace("51", "52") + " version 2\n" + auth + "}\n"
                + VI.replace("VI_1", "VI_3").replace("51", "53") + " version 3\n" + auth + "}\n");
        assertThat(r.warnings()).extracting(ConfigProblem::toString).containsExactly(
                "keepalived.conf:10:2: vrrp_instance VI_1 authentication: \"PASS\" (expected: none for VRRPv3"
                        + " (RFC 5798 removed it)) - ignored, as keepalived does",
                "keepalived.conf:34:2: vrrp_instance VI_3 authentication: \"PASS\" (expected: none for VRRPv3"
                        + " (RFC 5798 removed it)) - ignored, as keepalived does");
        VrrpMapper.Vrrp v = VrrpMapper.map(r.config());
        assertThat(v.instances()).extracting(VrrpInstance::version).containsExactly(3, 2, 3);
        assertThat(v.instances()).extracting(i -> i.authentication().isPresent()).containsExactly(false, true, false);
        assertThat(r.config().vrrpInstances().get(0).authentication()).isNotNull(); // as written, for the writer
    }

    @Test
    void globalVrrpVersion2OrNone_isVersion2_ipv6InstancesUse3() throws Exception {
        String v6 = "vrrp_instance VI_6 {\n interface eth0\n virtual_router_id 6\n virtual_ipaddress {\n"
                + "  2001:db8::6/64\n }\n}\n";
        assertThat(map(VI + "}\n" + v6).instances()).extracting(VrrpInstance::version).containsExactly(2, 3);
        assertThat(map("global_defs {\n vrrp_version 2\n}\n" + VI + "}\n" + v6).instances())
                .extracting(VrrpInstance::version).containsExactly(2, 3);
    }

    @Test
    void globalVrrpVersion_badValue_isALocatedError_andRoundTrips() throws Exception {
        assertThat(errors("global_defs {\n vrrp_version 4\n}\n").errors()).extracting(ConfigProblem::toString)
                .containsExactly("keepalived.conf:2:15: vrrp_version: \"4\" (expected: one of 2, 3)");
        KeepalivedConfig c = parse("global_defs {\n vrrp_version 3\n}\n" + VI + "}\n").config();
        assertThat(parse(c.toKeepalivedConf()).config()).isEqualTo(c);
    }

    // ---- conformance: a vrrp_script without script

    /** keepalived 2.2.7: "No script set for vrrp_script chk - removing", then "track script chk not found, ignoring". */
    @Test
    void vrrpScriptWithoutScript_droppedWithALocatedWarning_trackingItIgnored() throws Exception {
        ConfigResult r = parse("vrrp_script chk {\n interval 1\n}\n" + VI + " track_script {\n  chk\n }\n}\n");
        assertThat(r.config().vrrpScripts()).isEmpty();
        assertThat(r.warnings()).extracting(ConfigProblem::toString).containsExactly(
                "keepalived.conf:1:1: vrrp_script chk: missing script (expected: a script keyword in the block)"
                        + " - dropped, as keepalived does",
                "keepalived.conf:11:3: track_script: \"chk\" (expected: a vrrp_script defined in the configuration)"
                        + " - ignored, as keepalived does");
        VrrpMapper.Vrrp v = VrrpMapper.map(r.config());
        assertThat(v.scripts()).isEmpty();
        assertThat(v.instances().get(0).trackedScripts()).extracting(Track::name).containsExactly("chk");
    }

    /** global_defs' vrrp_garp_* are the instances' defaults; an instance's own garp_* wins; vrrp_min_garp: 1 and no second round. */
    @Test
    void globalGarp_defaultsForInstances_ownSettingWins() throws Exception {
        String two = "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n garp_master_repeat 4\n"
                + " virtual_ipaddress {\n  192.0.2.1\n }\n}\n"
                + "vrrp_instance VI_2 {\n interface eth0\n virtual_router_id 2\n virtual_ipaddress {\n  192.0.2.2\n }\n}\n";
        VrrpMapper.Vrrp v = map("global_defs {\n vrrp_garp_master_delay 0\n vrrp_garp_master_repeat 2\n"
                + " vrrp_garp_master_refresh 30\n vrrp_garp_master_refresh_repeat 3\n vrrp_garp_lower_prio_delay 1\n"
                + " vrrp_garp_lower_prio_repeat 6\n}\n" + two);
        io.lvs4j.vrrp.GarpSettings own = v.instances().get(0).garp();
        io.lvs4j.vrrp.GarpSettings inherited = v.instances().get(1).garp();
        assertThat(own.masterRepeat()).isEqualTo(4);
        assertThat(own.masterDelay()).isEqualTo(Duration.ZERO);
        assertThat(inherited.masterRepeat()).isEqualTo(2);
        assertThat(inherited.masterDelay()).isEqualTo(Duration.ZERO);
        assertThat(inherited.masterRefresh()).isEqualTo(Duration.ofSeconds(30));
        assertThat(inherited.masterRefreshRepeat()).isEqualTo(3);
        assertThat(inherited.lowerPrioDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(inherited.lowerPrioRepeat()).isEqualTo(6);
        io.lvs4j.vrrp.GarpSettings min = map("global_defs {\n vrrp_min_garp\n}\n" + two).instances().get(1).garp();
        assertThat(min.masterRepeat()).isEqualTo(1);
        assertThat(min.masterDelay()).isEqualTo(Duration.ZERO);
        assertThat(map(two).instances().get(1).garp()).isEqualTo(io.lvs4j.vrrp.GarpSettings.DEFAULTS);
        KeepalivedConfig c = parse("global_defs {\n vrrp_garp_master_delay 0\n vrrp_garp_lower_prio_repeat 6\n}\n" + two)
                .config();
        assertThat(parse(c.toKeepalivedConf()).config()).isEqualTo(c);
    }

    // ---- use_vmac (keepalived.conf.5 of 2.2.7: use_vmac [NAME] [MAC], vmac_xmit_base, vmac_prefix)

    @Test
    void useVmac_noName_isVrrpDotVrid() throws Exception {
        VrrpInstance i = instance(VI + " use_vmac\n}\n");
        assertThat(i.useVmac()).isTrue();
        assertThat(i.vmacName()).contains("vrrp.51");
        assertThat(i.vmacTransmitOnBase()).isFalse();
        assertThat(instance(VI + "}\n").useVmac()).isFalse();
    }

    @Test
    void useVmac_namedAndTransmitOnBase_mapped() throws Exception {
        VrrpInstance i = instance(VI + " use_vmac vip51\n vmac_xmit_base\n}\n");
        assertThat(i.vmacName()).contains("vip51");
        assertThat(i.vmacTransmitOnBase()).isTrue();
    }

    @Test
    void useVmac_globalVmacPrefix_namesTheDefault() throws Exception {
        ConfigResult r = parse("global_defs {\n vmac_prefix vm\n}\n" + VI + " use_vmac\n}\n");
        assertThat(VrrpMapper.map(r.config()).instances().get(0).vmacName()).contains("vm.51");
        assertThat(warnings(r)).noneMatch(w -> w.contains("vmac"));
    }

    @Test
    void useVmac_withMacAddressOrBadName_locatedError() {
        assertThat(errors(VI + " use_vmac vrrp.51 00:00:5e:00:01:33\n}\n").errors()).extracting(ConfigProblem::toString)
                .containsExactly("keepalived.conf:7:2: vrrp_instance VI_1 use_vmac: \"vrrp.51 00:00:5e:00:01:33\""
                        + " (expected: at most an interface name: a MAC address of one's own is not supported)");
        assertThat(errors(VI + " use_vmac a/b\n}\n").errors()).extracting(ConfigProblem::toString)
                .singleElement().asString().startsWith("keepalived.conf:7:2: vrrp_instance VI_1 use_vmac: \"a/b\"");
    }

    @Test
    void vmacXmitBase_withoutUseVmac_locatedWarningAndIgnored() throws Exception {
        ConfigResult r = parse(VI + " vmac_xmit_base\n}\n");
        assertThat(VrrpMapper.map(r.config()).instances().get(0).vmacTransmitOnBase()).isFalse();
        assertThat(warnings(r)).contains("keepalived.conf:7:2: vrrp_instance VI_1 vmac_xmit_base: true (expected: use_vmac"
                + " as well) - ignored, as keepalived does");
    }

    @Test
    void useVmac_unicastWithoutXmitBase_locatedErrorAsKeepalivedDocuments() {
        assertThat(errors(VI + " use_vmac\n unicast_peer {\n  192.0.2.2\n }\n}\n").errors())
                .extracting(ConfigProblem::toString).containsExactly("keepalived.conf:1:1: vrrp_instance VI_1 use_vmac:"
                        + " \"vrrp.51\" (expected: vmac_xmit_base as well with unicast peers)");
    }

    private static final String VI6 = "vrrp_instance VI_6 {\n interface eth0\n virtual_router_id 51\n"
            + " virtual_ipaddress {\n  2001:db8::100/64\n }\n use_vmac\n}\n";

    /** keepalived 2.2.7's create_vmac_name: the default name taken, IPv6 tries PREFIX6.VRID, then PREFIX1.VRID. */
    @Test
    void useVmac_ipv4AndIpv6OnOneVrid_secondGetsKeepalivedsNextName() throws Exception {
        VrrpMapper.Vrrp v4First = map(VI + " use_vmac\n}\n" + VI6);
        assertThat(v4First.instances()).extracting(i -> i.vmacName().orElseThrow()).containsExactly("vrrp.51", "vrrp6.51");
        assertThat(v4First.instances().get(1).virtualMac()).containsExactly(0x00, 0x00, 0x5e, 0x00, 0x02, 0x33);
        VrrpMapper.Vrrp v6First = map(VI6 + VI + " use_vmac\n}\n");
        assertThat(v6First.instances()).extracting(i -> i.vmacName().orElseThrow()).containsExactly("vrrp.51", "vrrp1.51");
        VrrpMapper.Vrrp third = map(VI + " use_vmac\n}\n" + VI6 + VI6.replace("VI_6", "VI_7").replace("eth0", "eth1"));
        assertThat(third.instances()).extracting(i -> i.vmacName().orElseThrow())
                .containsExactly("vrrp.51", "vrrp6.51", "vrrp1.51");
    }

    @Test
    void useVmac_nameAnEarlierInstanceHas_locatedError() {
        String second = VI.replace("VI_1", "VI_2").replace("eth0", "eth1").replace("51", "52");
        assertThat(errors(VI + " use_vmac vip0\n}\n" + second + " use_vmac vip0\n}\n").errors())
                .extracting(ConfigProblem::toString).containsExactly("keepalived.conf:15:2: vrrp_instance VI_2 use_vmac:"
                        + " \"vip0\" (expected: a macvlan name no other instance uses (VI_1 does))");
    }
}
