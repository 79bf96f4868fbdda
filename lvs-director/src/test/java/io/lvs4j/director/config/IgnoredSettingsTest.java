package io.lvs4j.director.config;

import static io.lvs4j.director.config.Configs.errors;
import static io.lvs4j.director.config.Configs.parse;
import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.internal.Addresses;
import io.lvs4j.vrrp.UnicastPeer;
import org.junit.jupiter.api.Test;

/**
 * Issue 16 point 8: settings that were read and silently ignored are honoured, or refused or
 * warned about with their location.
 */
class IgnoredSettingsTest {
    private static final String VS = "virtual_server 192.0.2.1 443 {\n real_server 10.0.0.1 443 {\n  SSL_GET {\n"
            + "   url {\n    path /\n   }\n  }\n }\n}\n";

    @Test
    void sslBlock_certificateWithoutKey_locatedError() {
        ConfigException e = errors("SSL {\n certificate /etc/keepalived/client.pem\n}\n" + VS);
        assertThat(e.errors()).extracting(Object::toString).containsExactly(
                "keepalived.conf:2:2: certificate: \"/etc/keepalived/client.pem\" (expected: with a key, the client "
                        + "certificate's private key file)");
    }

    @Test
    void sslBlock_keyWithoutCertificate_locatedError() {
        ConfigException e = errors("SSL {\n password x\n key /etc/keepalived/client.key\n}\n" + VS);
        assertThat(e.errors()).extracting(Object::toString).containsExactly(
                "keepalived.conf:3:2: key: \"/etc/keepalived/client.key\" (expected: with a certificate, the client "
                        + "certificate the key belongs to)");
    }

    @Test
    void sslBlock_ca_locatedWarningThatNothingIsVerified() throws Exception {
        // no SSL_GET here: an SSL_GET loads the files when it is built, and these do not exist
        ConfigResult r = parse("SSL {\n ca /etc/keepalived/ca.pem\n certificate /c.pem\n key /k.pem\n}\n"
                + VS.replace("SSL_GET", "HTTP_GET"));
        assertThat(r.warnings()).filteredOn(w -> w.location().equals("keepalived.conf:2:2")).singleElement()
                .extracting(ConfigProblem::message).asString().startsWith("ca: \"/etc/keepalived/ca.pem\" is read but SSL_GET does not "
                + "verify the real server's certificate against it, as keepalived 2.2.7 does not");
        assertThat(r.config().ssl().certificate()).isEqualTo("/c.pem");
    }

    private static final String VI = "vrrp_instance VI_1 {\n state BACKUP\n interface eth0\n virtual_router_id 51\n"
            + " priority 100\n virtual_ipaddress {\n  192.0.2.10\n }\n";

    @Test
    void unicastPeer_ttlBounds_readAndWrittenBack() throws Exception {
        ConfigResult r = parse(VI + " unicast_peer {\n  10.0.0.2 min_ttl 250 max_ttl 254\n  10.0.0.3\n"
                + "  10.0.0.4 max_ttl 9\n }\n}\n");
        assertThat(r.warnings()).isEmpty();
        assertThat(r.config().vrrpInstances().get(0).unicastPeers()).containsExactly(
                UnicastPeer.builder("10.0.0.2").minTtl(250).maxTtl(254).build(),
                UnicastPeer.of(Addresses.parse("10.0.0.3", "peer")), UnicastPeer.builder("10.0.0.4").maxTtl(9).build());
        String written = r.config().toKeepalivedConf();
        assertThat(written).contains("10.0.0.2 min_ttl 250 max_ttl 254\n", "10.0.0.4 min_ttl 0 max_ttl 9\n")
                .doesNotContain("10.0.0.3 min_ttl");
        assertThat(parse(written).config()).isEqualTo(r.config());
    }

    @Test
    void unicastPeer_ttlOutOfRangeOrMissing_locatedError() {
        ConfigException e = errors(VI + " unicast_peer {\n  10.0.0.2 min_ttl 300\n  10.0.0.3 max_ttl\n"
                + "  10.0.0.4 max_ttl x\n }\n}\n");
        assertThat(e.errors()).extracting(Object::toString).containsExactly(
                "keepalived.conf:10:20: min_ttl: \"300\" (expected: 0..255)",
                "keepalived.conf:11:12: max_ttl: null (expected: 0..255)",
                "keepalived.conf:12:20: max_ttl: \"x\" (expected: 0..255)");
    }

    @Test
    void unicastPeer_minTtlAboveMaxTtl_locatedError() {
        // keepalived 2.2.7 reports it ("all packets will be discarded") and runs on; lvs4j refuses
        ConfigException e = errors(VI + " unicast_peer {\n  10.0.0.2 max_ttl 200 min_ttl 250\n }\n}\n");
        assertThat(e.errors()).extracting(Object::toString).containsExactly(
                "keepalived.conf:10:32: unicast_peer 10.0.0.2 min_ttl: 250 (expected: at most max_ttl 200, else every"
                        + " advert is dropped)");
    }

    @Test
    void unicastPeer_unknownOption_locatedWarning() throws Exception {
        ConfigResult r = parse(VI + " unicast_peer {\n  10.0.0.2 ttl 3\n }\n}\n");
        assertThat(r.warnings()).extracting(Object::toString).contains("keepalived.conf:10:12: unicast_peer: \"ttl\" "
                + "(expected: min_ttl or max_ttl) - the rest of the line ignored, as keepalived does");
    }

    private static final String STRICT = "global_defs {\n vrrp_strict\n}\n";

    @Test
    void vrrpStrict_unicastPeer_locatedError() {
        ConfigException e = errors(STRICT + VI + " unicast_peer {\n  10.0.0.2\n }\n}\n");
        assertThat(e.errors()).extracting(Object::toString).containsExactly(
                "keepalived.conf:12:2: vrrp_instance VI_1 unicast_peer: \"10.0.0.2\" (expected: no unicast peers in strict mode)");
    }

    @Test
    void vrrpStrict_authenticationDroppedAsKeepalivedDoes_withALocatedWarning() throws Exception {
        ConfigResult r = parse(STRICT + VI + " authentication {\n  auth_type PASS\n  auth_pass secret\n }\n}\n");
        assertThat(r.config().vrrpInstances().get(0).authentication()).isNull();
        assertThat(r.warnings()).extracting(Object::toString).contains(
                "keepalived.conf:12:2: vrrp_instance VI_1: authentication overridden in strict mode, as keepalived does: "
                        + "no authentication");
    }

    @Test
    void vrrpStrict_masterBelowOwnerPriority_andPreemptDelay_overriddenAsKeepalivedDoes() throws Exception {
        ConfigResult r = parse(STRICT + VI.replace("state BACKUP", "state MASTER") + " preempt_delay 5\n accept\n}\n");
        VrrpInstanceConfig i = r.config().vrrpInstances().get(0);
        assertThat(i.state()).isEqualTo(io.lvs4j.vrrp.InitialState.BACKUP);
        assertThat(i.preemptDelay()).isNull();
        assertThat(i.accept()).isFalse();
        assertThat(r.warnings()).extracting(ConfigProblem::message).contains(
                "vrrp_instance VI_1: preempt_delay overridden in strict mode, as keepalived does: no delay",
                "vrrp_instance VI_1: state MASTER at priority 100 overridden in strict mode, as keepalived does: "
                        + "state BACKUP (MASTER only as the address owner, priority 255)",
                "vrrp_instance VI_1: accept in VRRP version 2 below priority 255 overridden in strict mode, as keepalived "
                        + "does: no accept mode (RFC 3768)");
        // what is written is what runs
        assertThat(parse(r.config().toKeepalivedConf()).config()).isEqualTo(r.config());
    }

    @Test
    void vrrpStrict_plainInstance_readsWithoutTheOldFirewallWarning() throws Exception {
        // the director now drops the traffic as keepalived does (StrictFirewall): nothing to warn about
        // (this host has nft; StrictModeFirewallTest covers a host without it)
        ConfigResult r = parse(STRICT + VI + "}\n");
        assertThat(r.warnings()).extracting(ConfigProblem::message).noneMatch(m -> m.startsWith("vrrp_strict"));
    }

    @Test
    void unicastTtl_outOfRange_locatedError() {
        ConfigException e = errors(VI + " unicast_ttl 0\n unicast_peer {\n  10.0.0.2\n }\n}\n");
        assertThat(e.errors()).extracting(Object::toString).containsExactly(
                "keepalived.conf:9:2: vrrp_instance VI_1 unicast_ttl: \"0\" (expected: 1..255)");
        assertThat(errors(VI + " unicast_ttl 256\n unicast_peer {\n  10.0.0.2\n }\n}\n").errors())
                .extracting(ConfigProblem::message).containsExactly("vrrp_instance VI_1 unicast_ttl: \"256\" (expected: 1..255)");
    }

    @Test
    void unicastTtl_withoutUnicastPeers_locatedWarning() throws Exception {
        ConfigResult r = parse(VI + " unicast_ttl 64\n}\n");
        assertThat(r.warnings()).extracting(Object::toString).contains("keepalived.conf:9:2: vrrp_instance VI_1 "
                + "unicast_ttl: 64 (expected: unicast peers) - ignored: multicast adverts carry TTL 255, as keepalived "
                + "sends them");
    }

    @Test
    void unicastTtl_withUnicastPeer_noWarning_andTheInstanceSendsIt() throws Exception {
        ConfigResult r = parse(VI + " unicast_ttl 64\n unicast_peer {\n  10.0.0.2\n }\n}\n");
        assertThat(r.warnings()).extracting(ConfigProblem::message).noneMatch(m -> m.contains("unicast_ttl"));
        assertThat(io.lvs4j.director.config.internal.VrrpMapper.map(r.config()).instances().get(0).unicastTtl())
                .isEqualTo(64);
    }

    @Test
    void strictModeOfTheInstance_withoutVrrpStrict_enforced_andOffOverridesGlobal() throws Exception {
        ConfigException e = errors(VI + " strict_mode on\n unicast_peer {\n  10.0.0.2\n }\n}\n");
        assertThat(e.errors()).extracting(ConfigProblem::message).containsExactly(
                "vrrp_instance VI_1 unicast_peer: \"10.0.0.2\" (expected: no unicast peers in strict mode)");
        assertThat(parse(STRICT + VI + " strict_mode off\n unicast_peer {\n  10.0.0.2\n }\n}\n").config().vrrpInstances())
                .hasSize(1);
    }
}
