package io.lvs4j.director.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.Forwarding;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Validation and plans; applying them to a kernel is {@link HostSetupIT}. */
class HostSetupTest {
    @Test
    void realServer_badVip_isRejectedWithTheExpectedForm() {
        assertThatThrownBy(() -> RealServerSetup.vip("192.0.2.300"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("vip: \"192.0.2.300\" (expected: an IPv4 or IPv6 address literal)");
    }

    @Test
    void realServer_natMethod_isRejectedSayingWhy() {
        assertThatThrownBy(() -> RealServerSetup.vip("192.0.2.1").method(Forwarding.MASQ))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("method: MASQ (expected: ROUTE (DR) or TUNNEL (TUN)");
    }

    @Test
    void realServer_netnsWithSlash_isRejected() {
        assertThatThrownBy(() -> RealServerSetup.vip("192.0.2.1").netns("../../proc/1/ns/net"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("netns: \"../../proc/1/ns/net\" (expected: a name under /run/netns, without '/')");
        assertThatThrownBy(() -> DirectorSetup.method(Forwarding.ROUTE).netns(".."))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void realServer_drPlan_isTheSeedsRecipe() {
        assertThat(RealServerSetup.vip("192.0.2.100").plan()).containsExactly(
                "sysctl net.ipv4.conf.all.arp_ignore=1", "sysctl net.ipv4.conf.lo.arp_ignore=1",
                "sysctl net.ipv4.conf.all.arp_announce=2", "sysctl net.ipv4.conf.lo.arp_announce=2",
                "address 192.0.2.100/32 dev lo");
    }

    @Test
    void realServer_tunPlan_addsTunl0UpAndRpFilterOff() {
        List<String> plan = RealServerSetup.vip("192.0.2.100").method(Forwarding.TUNNEL).plan();
        assertThat(plan).contains("link tunl0 up", "sysctl net.ipv4.conf.tunl0.rp_filter=0",
                "sysctl net.ipv4.conf.all.rp_filter=0");
        assertThat(plan.get(plan.size() - 1)).isEqualTo("address 192.0.2.100/32 dev lo");
    }

    @Test
    void realServer_ipv6Plan_isOnlyTheSlash128() {
        assertThat(RealServerSetup.vip("[2001:db8::100]").plan()).containsExactly("address 2001:db8::100/128 dev lo");
    }

    @Test
    void director_localMethod_isRejected() {
        assertThatThrownBy(() -> DirectorSetup.method(Forwarding.LOCAL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("method: LOCAL (expected: MASQ (NAT), ROUTE (DR) or TUNNEL (TUN))");
    }

    @Test
    void state_roundTrip_keepsEveryStepAndTheNamespace() {
        HostChanges c = new HostChanges("rs1", List.of(
                new HostChanges.Step(HostChanges.Step.Kind.SYSCTL, "net.ipv4.conf.all.arp_ignore", "0", "1"),
                new HostChanges.Step(HostChanges.Step.Kind.ADDRESS, "lo", null, "192.0.2.100/32"),
                new HostChanges.Step(HostChanges.Step.Kind.LINK_UP, "tunl0", "down", "up")));

        String text = c.toState();
        assertThat(text).isEqualTo("lvs4j-host-changes 1\nnetns\trs1\n"
                + "sysctl\tnet.ipv4.conf.all.arp_ignore\t0\t1\naddress\tlo\t-\t192.0.2.100/32\nlink_up\ttunl0\tdown\tup\n");
        HostChanges back = HostChanges.fromState(text);
        assertThat(back.netns()).isEqualTo("rs1");
        assertThat(back.describe()).containsExactly("sysctl net.ipv4.conf.all.arp_ignore: 0 -> 1",
                "address 192.0.2.100/32 added on lo", "link tunl0 set up");
    }

    @Test
    void state_malformedLine_isRejectedWithItsLineNumber() {
        assertThatThrownBy(() -> HostChanges.fromState("lvs4j-host-changes 1\nnetns\t-\nsysctl\tonly-two"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("state line 3: \"sysctl\tonly-two\" (expected: sysctl|address|link_up<TAB>NAME<TAB>PREVIOUS<TAB>APPLIED)");
        assertThatThrownBy(() -> HostChanges.fromState("something else\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("state line 1:");
    }

    private static final String HEAD = "lvs4j-host-changes 1\nnetns\t-\n";
    private static final String KNOWN = "one of net.ipv4.ip_forward, net.ipv6.conf.all.forwarding, "
            + "net.ipv4.conf.all.arp_ignore, net.ipv4.conf.lo.arp_ignore, net.ipv4.conf.all.arp_announce, "
            + "net.ipv4.conf.lo.arp_announce, net.ipv4.conf.all.rp_filter, net.ipv4.conf.tunl0.rp_filter, net.ipv4.vs.sloppy_tcp, "
            + "net.ipv4.conf.INTERFACE.send_redirects";

    @Test
    void stateFile_sysctlLvs4jNeverSets_isRejectedNamingFileAndLine() {
        assertThatThrownBy(() -> HostChanges.fromState("/run/lvs4j/x.state",
                HEAD + "sysctl\tnet.ipv4.ip_forward\t0\t1\nsysctl\tkernel.core_pattern\t|/tmp/x\tcore\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("/run/lvs4j/x.state:4: sysctl: \"kernel.core_pattern\" (expected: " + KNOWN + ")");
    }

    @Test
    void stateFile_sendRedirectsPathLeavingConf_isRejected() {
        for (String name : List.of("net/ipv4/conf/../../../kernel/send_redirects", "net.ipv4.conf..send_redirects",
                "net.ipv4.conf.eth0.1.send_redirects", "net/ipv4/conf/a-name-too-long-0/send_redirects",
                "net.ipv4.conf.all.forwarding", "net/ipv4/ip_forward")) {
            assertThatThrownBy(() -> HostChanges.fromState("f", HEAD + "sysctl\t" + name + "\t1\t0\n"))
                    .as(name).hasMessageStartingWith("f:3: sysctl: ");
        }
    }

    @Test
    void stateFile_everySysctlTheSetupsWrite_isAccepted() {
        List<String> names = new java.util.ArrayList<>(List.of("net.ipv4.ip_forward", "net.ipv6.conf.all.forwarding"));
        for (String ifname : List.of("all", "default", "eth0", "eth0.100", "veth-rs1")) {
            names.add(Applier.ipv4Conf(ifname, "send_redirects"));
        }
        for (Forwarding m : List.of(Forwarding.ROUTE, Forwarding.TUNNEL)) {
            for (String step : RealServerSetup.vip("192.0.2.100").method(m).plan()) {
                if (step.startsWith("sysctl ")) {
                    names.add(step.substring(7, step.indexOf('=')));
                }
            }
        }
        StringBuilder text = new StringBuilder(HEAD);
        for (String n : names) {
            text.append("sysctl\t").append(n).append("\t1\t0\n");
        }
        assertThat(HostChanges.fromState("f", text.toString()).describe()).hasSize(names.size());
    }

    @Test
    void stateFile_nonIntegerValue_isRejected() {
        assertThatThrownBy(() -> HostChanges.fromState("f", HEAD + "sysctl\tnet.ipv4.ip_forward\t1 2\t0\n"))
                .hasMessage("f:3: previous value: \"1 2\" (expected: an integer)");
        assertThatThrownBy(() -> HostChanges.fromState("f", HEAD + "sysctl\tnet.ipv4.ip_forward\t-\t0\n"))
                .hasMessage("f:3: previous value: \"-\" (expected: an integer)");
    }

    @Test
    void stateFile_addressOffLoOrNotAHostRoute_isRejected() {
        assertThatThrownBy(() -> HostChanges.fromState("f", HEAD + "address\teth0\t-\t192.0.2.1/24\n"))
                .hasMessage("f:3: address interface: \"eth0\" (expected: lo)");
        assertThatThrownBy(() -> HostChanges.fromState("f", HEAD + "address\tlo\t-\t192.0.2.1/24\n"))
                .hasMessage("f:3: address: \"192.0.2.1/24\" (expected: an IPv4 address/32 or an IPv6 address/128)");
        assertThatThrownBy(() -> HostChanges.fromState("f", HEAD + "address\tlo\t-\t2001:db8::1/32\n"))
                .hasMessageStartingWith("f:3: address: ");
        assertThat(HostChanges.fromState("f", HEAD + "address\tlo\t-\t2001:db8::1/128\n").isEmpty()).isFalse();
    }

    @Test
    void stateFile_linkOtherThanTheTunnels_isRejected() {
        assertThatThrownBy(() -> HostChanges.fromState("f", HEAD + "link_up\teth0\tdown\tup\n"))
                .hasMessage("f:3: link: \"eth0\" (expected: one of tunl0, ip6tnl0)");
        assertThat(HostChanges.fromState("f", HEAD + "link_up\tip6tnl0\tdown\tup\n").describe())
                .containsExactly("link ip6tnl0 set up");
    }

    @Test
    void stateFile_netnsLeavingRunNetns_isRejected() {
        assertThatThrownBy(() -> HostChanges.fromState("f", "lvs4j-host-changes 1\nnetns\t../../proc/1/ns/net\n"))
                .hasMessage("f:2: netns: \"../../proc/1/ns/net\" (expected: a name under /run/netns, without '/')");
    }

    @Test
    void applier_sysctlOutsideTheAllowList_failsBeforeTouchingTheHost() {
        assertThatThrownBy(() -> new Applier("no-such-namespace").sysctl("kernel.core_pattern", "core"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("sysctl: \"kernel.core_pattern\"");
    }

    @Test
    void and_otherNamespace_isRejected() {
        HostChanges a = new HostChanges("rs1", List.of());
        HostChanges b = new HostChanges(null, List.of());
        assertThatThrownBy(() -> a.and(b)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("netns: null (expected: rs1)");
        assertThat(a.and(new HostChanges("rs1", List.of())).isEmpty()).isTrue();
    }

    @Test
    void undo_ofNothing_isANoOpAndMarksUndone() throws Exception {
        HostChanges none = new HostChanges(null, List.of());
        none.undo();
        assertThat(none.isUndone()).isTrue();
    }
}
