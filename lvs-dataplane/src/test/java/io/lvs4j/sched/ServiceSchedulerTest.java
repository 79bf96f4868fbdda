package io.lvs4j.sched;

import static io.lvs4j.sched.Fixtures.addAll;
import static io.lvs4j.sched.Fixtures.v4Table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.AddressFamily;
import io.lvs4j.Scheduler;
import io.lvs4j.SchedulerFlag;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ServiceSchedulerTest {
    private static ServiceScheduler any(Scheduler s, DestinationTable t) {
        ServiceScheduler.Builder b = ServiceScheduler.builder(s, t);
        if (s == Scheduler.LBLC || s == Scheduler.LBLCR) {
            b.ticker(() -> 0L);
        }
        if (s == Scheduler.TWOS) {
            b.random(new SplittableRandom(1));
        }
        return b.build();
    }

    @Test
    void everyScheduler_emptyTable_none_thenPicksTheOnlyServer() {
        for (Scheduler s : Scheduler.values()) {
            DestinationTable t = v4Table();
            ServiceScheduler sched = any(s, t);
            assertThat(sched.pickIpv4(1, 2, 3, 4)).as(s.kernelName()).isEqualTo(ServiceScheduler.NONE);
            int h = t.add(Fixtures.ip("10.0.0.1"), 80, 1);
            assertThat(sched.pickIpv4(1, 2, 3, 4)).as(s.kernelName()).isEqualTo(h);
            assertThat(sched.algorithm()).isEqualTo(s);
        }
    }

    @Test
    void everyScheduler_onlyServerQuiesced_none() {
        for (Scheduler s : Scheduler.values()) {
            DestinationTable t = v4Table();
            int[] h = addAll(t, 1);
            ServiceScheduler sched = any(s, t);
            t.weight(h[0], 0);
            assertThat(sched.pickIpv4(1, 2, 3, 4)).as(s.kernelName()).isEqualTo(ServiceScheduler.NONE);
        }
    }

    @Test
    void everyScheduler_onlyServerOverloaded_none() {
        for (Scheduler s : Scheduler.values()) {
            DestinationTable t = v4Table();
            int h = t.add(Fixtures.ip("10.0.0.1"), 80, 1, 0, 1);
            ServiceScheduler sched = any(s, t);
            t.bind(h, false);
            // lblc/lblcr have no cache entry yet: their wlc fallback skips the overloaded server
            assertThat(sched.pickIpv4(1, 2, 3, 4)).as(s.kernelName()).isEqualTo(ServiceScheduler.NONE);
        }
    }

    @Test
    void pick_wrongFamilyOrPort_rejected() {
        DestinationTable t = v4Table();
        ServiceScheduler rr = ServiceScheduler.of(Scheduler.RR, t);
        assertThatThrownBy(() -> rr.pickIpv6(0, 1, 2, 0, 1, 80))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("pick family: \"IPv6\" (expected: the service's family, IPv4)");
        assertThatThrownBy(() -> rr.pickIpv4(1, 70000, 2, 80))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("source port: 70000 (expected: 0..65535)");
        DestinationTable six = DestinationTable.create(AddressFamily.INET6);
        assertThatThrownBy(() -> ServiceScheduler.of(Scheduler.RR, six).pickIpv4(1, 1, 1, 1))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void builder_flagOfAnotherScheduler_rejected() {
        DestinationTable t = v4Table();
        assertThatThrownBy(() -> ServiceScheduler.builder(Scheduler.MH, t).flags(SchedulerFlag.SH_PORT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("flag: \"sh-port\" (expected: a flag of mh, not of sh)");
        assertThat(ServiceScheduler.builder(Scheduler.RR, t).flags(SchedulerFlag.FLAG_1).build().flags())
                .containsExactly(SchedulerFlag.FLAG_1);
    }

    @Test
    void builder_optionsForOtherSchedulers_rejected() {
        DestinationTable t = v4Table();
        assertThatThrownBy(() -> ServiceScheduler.builder(Scheduler.WLC, t).random(new SplittableRandom()).build())
                .hasMessage("random: \"set\" (expected: not set for wlc)");
        assertThatThrownBy(() -> ServiceScheduler.builder(Scheduler.RR, t).ticker(() -> 0L).build())
                .hasMessage("ticker: \"set\" (expected: not set for rr)");
        assertThatThrownBy(() -> ServiceScheduler.builder(Scheduler.LBLC, t).expiration(Duration.ZERO))
                .hasMessage("expiration: PT0S (expected: 1ns..10000 days)");
    }

    @Test
    void close_detaches_andPickThrows() {
        DestinationTable t = v4Table();
        ServiceScheduler wlc = ServiceScheduler.of(Scheduler.WLC, t);
        wlc.close();
        t.add(Fixtures.ip("10.0.0.1"), 80, 1);
        assertThatThrownBy(() -> wlc.pickIpv4(1, 1, 1, 1))
                .hasMessage("scheduler: \"wlc\" (expected: not closed)");
    }
}
