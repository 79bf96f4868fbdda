package io.lvs4j.director.config.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.RealServer;
import io.lvs4j.director.DirectorConfig;
import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.director.config.ReadOptions;
import io.lvs4j.health.ServiceHealth;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A reload maps only the virtual_server blocks that changed; the rest are the running services as they are. */
class KeepalivedMappingTest {
    private static KeepalivedConfig parse(String text) throws Exception {
        return KeepalivedConfig.parse("keepalived.conf", text, ReadOptions.defaults()).config();
    }

    /** Three services; the first real server of service {@code changed} has weight {@code w}. */
    private static String conf(int changed, int w, String groupMember) {
        StringBuilder s = new StringBuilder("virtual_server_group G {\n " + groupMember + " 8080\n}\n");
        s.append("virtual_server group G {\n lb_kind NAT\n protocol TCP\n real_server 10.1.0.1 8080 {\n"
                + "  weight 1\n  notify_up /bin/true\n }\n}\n");
        for (int i = 0; i < 3; i++) {
            s.append("virtual_server 192.0.2.").append(i + 1).append(" 80 {\n lb_kind NAT\n protocol TCP\n")
                    .append(" real_server 10.0.").append(i).append(".1 80 {\n  weight ").append(i == changed ? w : 1)
                    .append("\n  notify_down /bin/false\n  TCP_CHECK {\n   connect_timeout 2\n  }\n }\n}\n");
        }
        return s.toString();
    }

    private static int weightOfFirst(ServiceHealth sh) {
        return sh.service().realServers().stream().mapToInt(RealServer::weight).findFirst().orElseThrow();
    }

    @Test
    void map_oneWeightChanged_onlyThatBlockMappedOthersSameObjects() throws Exception {
        KeepalivedMapping.Mapped first = KeepalivedMapping.map(parse(conf(-1, 1, "198.51.100.1")),
                KeepalivedMapping.Mapped.NONE);

        KeepalivedMapping.Mapped second = KeepalivedMapping.map(parse(conf(1, 7, "198.51.100.1")), first);

        assertThat(first.mappedBlocks()).isEqualTo(4);
        assertThat(second.mappedBlocks()).isEqualTo(1);
        List<ServiceHealth> a = first.services();
        List<ServiceHealth> b = second.services();
        assertThat(b).hasSize(4);
        assertThat(b.get(0)).isSameAs(a.get(0));
        assertThat(b.get(1)).isSameAs(a.get(1));
        assertThat(b.get(2)).isNotSameAs(a.get(2));
        assertThat(weightOfFirst(b.get(2))).isEqualTo(7);
        assertThat(b.get(3)).isSameAs(a.get(3));
        // the notify commands of reused blocks are there as well as the remapped one's
        DirectorConfig c = second.config();
        InetAddress changed = InetAddress.getByName("10.0.1.1");
        assertThat(c.notifyDown(b.get(2).service().key(), changed, 80))
                .hasValue(DirectorConfig.Command.of("/bin/false"));
        assertThat(c.notifyDown(b.get(3).service().key(), InetAddress.getByName("10.0.2.1"), 80)).isPresent();
        assertThat(c.notifyUp(b.get(0).service().key(), InetAddress.getByName("10.1.0.1"), 8080))
                .hasValue(DirectorConfig.Command.of("/bin/true"));
    }

    @Test
    void map_groupChanged_everyBlockMappedAgain() throws Exception {
        KeepalivedMapping.Mapped first = KeepalivedMapping.map(parse(conf(-1, 1, "198.51.100.1")),
                KeepalivedMapping.Mapped.NONE);

        KeepalivedMapping.Mapped second = KeepalivedMapping.map(parse(conf(-1, 1, "198.51.100.2")), first);

        assertThat(second.mappedBlocks()).isEqualTo(4);
        assertThat(second.services().get(0).service().key().toString()).isEqualTo("TCP 198.51.100.2:8080");
        assertThat(second.services().get(1)).isNotSameAs(first.services().get(1)).satisfies(
                sh -> assertThat(sh.sameSettings(first.services().get(1))).isTrue());
    }

    @Test
    void map_blockRemovedInTheMiddle_othersFoundWhereTheyMoved() throws Exception {
        String text = conf(-1, 1, "198.51.100.1");
        KeepalivedMapping.Mapped first = KeepalivedMapping.map(parse(text), KeepalivedMapping.Mapped.NONE);
        int from = text.indexOf("virtual_server 192.0.2.2 ");
        String without = text.substring(0, from) + text.substring(text.indexOf("virtual_server 192.0.2.3 "));

        KeepalivedMapping.Mapped second = KeepalivedMapping.map(parse(without), first);

        assertThat(second.mappedBlocks()).isZero();
        assertThat(second.services()).hasSize(3);
        assertThat(second.services().get(0)).isSameAs(first.services().get(0));
        assertThat(second.services().get(1)).isSameAs(first.services().get(1));
        assertThat(second.services().get(2)).isSameAs(first.services().get(3));
    }

    @Test
    void map_sameConfigurationAgain_nothingMappedSameServices() throws Exception {
        KeepalivedMapping.Mapped first = KeepalivedMapping.map(parse(conf(-1, 1, "198.51.100.1")),
                KeepalivedMapping.Mapped.NONE);

        KeepalivedMapping.Mapped second = KeepalivedMapping.map(parse(conf(-1, 1, "198.51.100.1")), first);

        assertThat(second.mappedBlocks()).isZero();
        assertThat(second.services()).containsExactlyElementsOf(first.services());
        for (int i = 0; i < 4; i++) {
            assertThat(second.services().get(i)).isSameAs(first.services().get(i));
        }
    }

    private static DirectorConfig withQuorumUp(String command) throws Exception {
        String text = "virtual_server 192.0.2.1 80 {\n lb_kind NAT\n protocol TCP\n quorum_up \"" + command + "\"\n"
                + " real_server 10.0.0.1 80 {\n  weight 1\n }\n}\n";
        return KeepalivedMapping.map(parse(text), KeepalivedMapping.Mapped.NONE).config();
    }

    /**
     * A reload that changes only quorum_up gives a configuration with the new command (the
     * director runs the commands of the configuration last applied), its service unchanged.
     */
    @Test
    void map_quorumCommandChanged_newCommandSameService() throws Exception {
        DirectorConfig a = withQuorumUp("/bin/echo up");
        DirectorConfig b = withQuorumUp("/bin/echo UP");

        assertThat(a).isEqualTo(withQuorumUp("/bin/echo up")).isNotEqualTo(b);
        // the line as written (quotes too): split as keepalived splits it when it runs
        assertThat(b.quorumUp(b.services().get(0).service().key()))
                .hasValue(DirectorConfig.Command.of("\"/bin/echo UP\""));
        assertThat(a.services().get(0).sameSettings(b.services().get(0))).isTrue();
    }
}
