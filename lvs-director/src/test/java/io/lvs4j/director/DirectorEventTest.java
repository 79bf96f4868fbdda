package io.lvs4j.director;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.Protocol;
import io.lvs4j.ServiceKey;
import io.lvs4j.vrrp.VirtualAddress;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class DirectorEventTest {
    private static final ServiceKey WEB = ServiceKey.of(Protocol.TCP, "192.0.2.10", 80);

    @Test
    void serviceChange_eachKind_signThenKey() {
        assertThat(ServiceChange.added(WEB)).hasToString("+TCP 192.0.2.10:80");
        assertThat(ServiceChange.changed(WEB)).hasToString("~TCP 192.0.2.10:80");
        assertThat(ServiceChange.removed(WEB)).hasToString("-TCP 192.0.2.10:80");
        assertThat(ServiceChange.removed(WEB).kind()).isEqualTo(ServiceChange.Kind.REMOVED);
        assertThat(ServiceChange.added(WEB).service()).isEqualTo(WEB);
    }

    @Test
    void serviceChange_nullKind_namesIt() {
        assertThatThrownBy(() -> new ServiceChange(null, WEB)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("kind");
    }

    @Test
    void routes_toString_addressesWithoutSlash() throws Exception {
        DirectorEvent.Routes r = new DirectorEvent.Routes(3, 0, List.of(InetAddress.getByName("198.51.100.10")),
                List.of(InetAddress.getByName("2001:db8::10")));
        assertThat(r).hasToString("#3 BGP announced [198.51.100.10] withdrew [2001:db8::10]");
    }

    @Test
    void virtualAddresses_toString_instanceAndAddresses() {
        DirectorEvent.VirtualAddresses v = new DirectorEvent.VirtualAddresses(4, 0, "VI_1", true,
                List.of(VirtualAddress.of("192.0.2.10/24"), VirtualAddress.builder("192.0.2.11/24").device("eth1")
                        .build()));
        assertThat(v).hasToString("#4 (VI_1) added 192.0.2.10/24, 192.0.2.11/24 dev eth1");
    }
}
