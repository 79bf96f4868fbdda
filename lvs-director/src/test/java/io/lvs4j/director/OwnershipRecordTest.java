package io.lvs4j.director;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.AddressFamily;
import io.lvs4j.Protocol;
import io.lvs4j.ServiceKey;
import io.lvs4j.SyncDaemon;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OwnershipRecordTest {
    private static final String TEXT = """
            lvs4j-ownership 1
            # a comment
            pid 4242
            boot-id 0b5e7d1c-aaaa-bbbb-cccc-000000000001
            netns web
            vip 192.0.2.10/24 dev eth0 held instance VI_1
            vip 2001:db8::10/64 dev eth1 - instance VI_6
            rhi-address 198.51.100.10/32 dev lo
            rhi-address 2001:db8::20/128 dev dummy0
            service TCP 192.0.2.10:80
            service UDP [2001:db8::10]:53
            service FWM 7 IPv6
            service FWM 8
            sync-daemon MASTER dev eth0 syncid 51
            """;

    @Test
    void parse_everyKindOfLine_readsWhatItSays() throws Exception {
        OwnershipRecord r = OwnershipRecord.parse("x.owned", TEXT);

        assertThat(r.pid).isEqualTo(4242);
        assertThat(r.bootId).isEqualTo("0b5e7d1c-aaaa-bbbb-cccc-000000000001");
        assertThat(r.netns).isEqualTo("web");
        assertThat(r.vips).containsExactly(
                new OwnershipRecord.Vip("VI_1", InetAddress.getByName("192.0.2.10"), 24, "eth0", true),
                new OwnershipRecord.Vip("VI_6", InetAddress.getByName("2001:db8::10"), 64, "eth1", false));
        assertThat(r.routes).containsExactly(new OwnershipRecord.Route(InetAddress.getByName("198.51.100.10"), "lo"),
                new OwnershipRecord.Route(InetAddress.getByName("2001:db8::20"), "dummy0"));
        assertThat(r.services).containsExactlyInAnyOrder(ServiceKey.of(Protocol.TCP, "192.0.2.10", 80),
                ServiceKey.of(Protocol.UDP, "2001:db8::10", 53), ServiceKey.fwmark(7, AddressFamily.INET6),
                ServiceKey.fwmark(8));
        assertThat(r.daemons).containsExactly(new OwnershipRecord.Daemon(SyncDaemon.Role.MASTER, "eth0", 51));
    }

    @Test
    void format_rhiAddress_thenParse_sameRecord_notEmpty() throws Exception {
        OwnershipRecord r = new OwnershipRecord(17, "", null, List.of(),
                List.of(new OwnershipRecord.Route(InetAddress.getByName("2001:db8::20"), "lo")), Set.of(), List.of());

        assertThat(r.format()).contains("\nrhi-address 2001:db8::20/128 dev lo\n");
        assertThat(OwnershipRecord.parse("r", r.format())).isEqualTo(r);
        assertThat(r.isEmpty()).isFalse();
        assertThatThrownBy(() -> OwnershipRecord.parse("f", "lvs4j-ownership 1\nrhi-address 198.51.100.10/24 dev lo\n"))
                .hasMessage("f:2: rhi-address prefix: 24 (expected: 32..32)");
    }

    @Test
    void format_thenParse_sameRecord() throws Exception {
        OwnershipRecord r = new OwnershipRecord(17, "boot", null,
                List.of(new OwnershipRecord.Vip("VI_1", InetAddress.getByName("203.0.113.5"), 32, "lo", false)),
                Set.of(ServiceKey.of(Protocol.SCTP, "203.0.113.5", 9), ServiceKey.fwmark(1)),
                List.of(new OwnershipRecord.Daemon(SyncDaemon.Role.BACKUP, "eth2", 0)));

        String text = r.format();

        assertThat(text).startsWith("lvs4j-ownership 1\n").contains("\nnetns -\n",
                "\nvip 203.0.113.5/32 dev lo - instance VI_1\n", "\nservice SCTP 203.0.113.5:9\n",
                "\nservice FWM 1\n", "\nsync-daemon BACKUP dev eth2 syncid 0\n");
        assertThat(OwnershipRecord.parse("r", text)).isEqualTo(r);
    }

    @Test
    void parse_wrongHeader_namesLineOne() {
        assertThatThrownBy(() -> OwnershipRecord.parse("/run/lvs4j/netns-1.owned", "pid 1\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("/run/lvs4j/netns-1.owned:1: header: \"pid 1\"");
    }

    @Test
    void parse_badLines_nameFileLineAndExpectation() {
        assertThatThrownBy(() -> OwnershipRecord.parse("f", "lvs4j-ownership 1\npid 1\nvip 192.0.2.1 dev eth0 held"
                + " instance VI_1\n")).hasMessageStartingWith("f:3: vip: \"192.0.2.1\" (expected: ADDRESS/PREFIX)");
        assertThatThrownBy(() -> OwnershipRecord.parse("f", "lvs4j-ownership 1\nservice TCP 192.0.2.1\n"))
                .hasMessageStartingWith("f:2: service: \"192.0.2.1\"");
        assertThatThrownBy(() -> OwnershipRecord.parse("f", "lvs4j-ownership 1\nroute 10.0.0.0/8\n"))
                .hasMessageStartingWith("f:2: keyword: \"route\"");
        assertThatThrownBy(() -> OwnershipRecord.parse("f", "lvs4j-ownership 1\nvip 192.0.2.1/33 dev eth0 held"
                + " instance VI_1\n")).hasMessageStartingWith("f:2: prefix: 33");
    }
}
