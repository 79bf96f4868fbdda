package io.lvs4j.sched;

import static io.lvs4j.sched.Fixtures.addAll;
import static io.lvs4j.sched.Fixtures.ip;
import static io.lvs4j.sched.Fixtures.v4Table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DestinationTableTest {
    @Test
    void add_threeServers_listIsNewestFirst() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 1, 1, 1);
        assertThat(t.handles()).containsExactly(h[2], h[1], h[0]);
        assertThat(t.handleAt(0)).isEqualTo(h[2]);
        assertThat(t.indexOf(h[0])).isEqualTo(2);
    }

    @Test
    void remove_middle_keepsOrderOfOthers() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 1, 1, 1);
        t.remove(h[1]);
        assertThat(t.handles()).containsExactly(h[2], h[0]);
        assertThat(t.listed(h[1])).isFalse();
    }

    @Test
    void add_duplicateAddressAndPort_rejectedNamingIt() {
        DestinationTable t = v4Table();
        t.add(ip("10.0.0.1"), 80, 1);
        assertThatThrownBy(() -> t.add(ip("10.0.0.1"), 80, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("real server: \"10.0.0.1 port 80\" (expected: an address and port not yet in the service)");
    }

    @Test
    void add_badValues_rejectedWithGrammar() {
        DestinationTable t = v4Table();
        assertThatThrownBy(() -> t.add(ip("10.0.0.1"), 80, -1))
                .hasMessage("weight: -1 (expected: 0..65535)");
        assertThatThrownBy(() -> t.add(ip("10.0.0.1"), 65536, 1))
                .hasMessage("port: 65536 (expected: 0..65535)");
        assertThatThrownBy(() -> t.add(ip("10.0.0.1"), 80, 1, 5, 4))
                .hasMessage("lower threshold: 5 (expected: 0..4)");
        assertThat(t.size()).isZero();
    }

    @Test
    void bind_reachingUpperThreshold_setsOverload() {
        DestinationTable t = v4Table();
        int h = t.add(ip("10.0.0.1"), 80, 1, 2, 4);
        for (int i = 0; i < 3; i++) {
            t.bind(h, i % 2 == 0);
        }
        assertThat(t.overloaded(h)).isFalse();
        t.bind(h, false);
        assertThat(t.overloaded(h)).isTrue();
    }

    @Test
    void unbind_withLowerThreshold_clearsOnlyBelowIt() {
        DestinationTable t = v4Table();
        int h = t.add(ip("10.0.0.1"), 80, 1, 2, 4);
        Fixtures.bindActive(t, h, 4);
        t.unbind(h, true); // 3
        t.unbind(h, true); // 2, not below 2
        assertThat(t.overloaded(h)).isTrue();
        t.unbind(h, true); // 1
        assertThat(t.overloaded(h)).isFalse();
    }

    @Test
    void unbind_withoutLowerThreshold_clearsBelowThreeQuartersOfUpper() {
        DestinationTable t = v4Table();
        int h = t.add(ip("10.0.0.1"), 80, 1, 0, 4);
        Fixtures.bindActive(t, h, 4);
        t.unbind(h, true); // 3: 12 < 12 is false
        assertThat(t.overloaded(h)).isTrue();
        t.unbind(h, true); // 2: 8 < 12
        assertThat(t.overloaded(h)).isFalse();
    }

    @Test
    void deactivate_doesNotTouchOverload() {
        DestinationTable t = v4Table();
        int h = t.add(ip("10.0.0.1"), 80, 1, 0, 2);
        Fixtures.bindActive(t, h, 2);
        t.deactivate(h);
        t.deactivate(h);
        assertThat(t.overloaded(h)).isTrue();
        assertThat(t.activeConnections(h)).isZero();
        assertThat(t.inactiveConnections(h)).isEqualTo(2);
        t.activate(h);
        assertThat(t.activeConnections(h)).isEqualTo(1);
    }

    @Test
    void edit_raisingUpperThreshold_clearsOverload_loweringDoesNot() {
        DestinationTable t = v4Table();
        int h = t.add(ip("10.0.0.1"), 80, 1, 0, 2);
        Fixtures.bindActive(t, h, 2);
        t.edit(h, 1, 0, 1);
        assertThat(t.overloaded(h)).isTrue();
        t.edit(h, 1, 0, 3);
        assertThat(t.overloaded(h)).isFalse();
        t.bind(h, true); // 3 >= 3
        assertThat(t.overloaded(h)).isTrue();
        t.edit(h, 1, 0, 0);
        assertThat(t.overloaded(h)).isFalse();
    }

    @Test
    void edit_weightZero_keepsLastWeight() {
        DestinationTable t = v4Table();
        int h = t.add(ip("10.0.0.1"), 80, 5);
        t.weight(h, 0);
        assertThat(t.weight(h)).isZero();
        assertThat(t.lastWeight(h)).isEqualTo(5);
        t.weight(h, 7);
        assertThat(t.lastWeight(h)).isEqualTo(7);
    }

    @Test
    void remove_withConnections_handleDrainsThenIsReused() {
        DestinationTable t = v4Table();
        int h = t.add(ip("10.0.0.1"), 80, 1);
        t.bind(h, true);
        t.remove(h);
        assertThatThrownBy(() -> t.bind(h, true)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("a listed destination");
        int other = t.add(ip("10.0.0.2"), 80, 1);
        assertThat(other).isNotEqualTo(h);
        t.unbind(h, true);
        int reused = t.add(ip("10.0.0.3"), 80, 1);
        assertThat(reused).isEqualTo(h);
        assertThat(t.activeConnections(reused)).isZero();
    }

    @Test
    void unbind_withNoConnections_isIllegalState() {
        DestinationTable t = v4Table();
        int h = t.add(ip("10.0.0.1"), 80, 1);
        assertThatThrownBy(() -> t.unbind(h, false)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("inactive connections: 0 (expected: > 0");
        assertThatThrownBy(() -> t.weight(42, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("destination: 42 (expected: a handle this table returned and still holds)");
    }

    @Test
    void find_ipv6Destination_inIpv4Service_matchesExactly() {
        DestinationTable t = v4Table();
        int h = t.add(ip("2001:db8::1"), 80, 1);
        assertThat(t.find(ip("2001:db8::1"), 80)).isEqualTo(h);
        assertThat(t.find(ip("2001:db8::1"), 81)).isEqualTo(DestinationTable.NONE);
        assertThat(t.address(h)).isEqualTo(ip("2001:db8::1"));
    }
}
