package io.lvs4j.sched;

import static io.lvs4j.sched.Fixtures.addAll;
import static io.lvs4j.sched.Fixtures.ip;
import static io.lvs4j.sched.Fixtures.v4Table;
import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.Scheduler;
import org.junit.jupiter.api.Test;

class RoundRobinTest {
    private static int pick(ServiceScheduler s) {
        return s.pickIpv4(0x0a000001, 1000, 0xc0000201, 80);
    }

    @Test
    void rr_threeAdded_visitsNewestFirstThenWraps() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 1, 1, 1); // list: h2, h1, h0
        ServiceScheduler rr = ServiceScheduler.of(Scheduler.RR, t);
        assertThat(new int[] {pick(rr), pick(rr), pick(rr), pick(rr)}).containsExactly(h[2], h[1], h[0], h[2]);
    }

    @Test
    void rr_quiescedAndOverloaded_skipped() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 1, 0, 1);
        int o = t.add(ip("10.0.0.9"), 80, 1, 0, 1);
        t.bind(o, true); // overloaded
        ServiceScheduler rr = ServiceScheduler.of(Scheduler.RR, t);
        for (int i = 0; i < 10; i++) {
            assertThat(pick(rr)).isIn(h[0], h[2]);
        }
    }

    @Test
    void rr_allUnavailable_none() {
        DestinationTable t = v4Table();
        addAll(t, 0, 0);
        ServiceScheduler rr = ServiceScheduler.of(Scheduler.RR, t);
        assertThat(pick(rr)).isEqualTo(ServiceScheduler.NONE);
        assertThat(pick(ServiceScheduler.of(Scheduler.RR, v4Table()))).isEqualTo(ServiceScheduler.NONE);
    }

    @Test
    void rr_cursorDestinationRemoved_successorIsNext() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 1, 1, 1); // h2, h1, h0
        ServiceScheduler rr = ServiceScheduler.of(Scheduler.RR, t);
        pick(rr); // h2
        pick(rr); // h1 (cursor)
        t.remove(h[1]);
        assertThat(pick(rr)).isEqualTo(h[0]);
        assertThat(pick(rr)).isEqualTo(h[2]);
    }

    @Test
    void rr_cursorAtHeadRemoved_restartsFromHead() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 1, 1, 1);
        ServiceScheduler rr = ServiceScheduler.of(Scheduler.RR, t);
        pick(rr); // h2 at index 0
        t.remove(h[2]);
        assertThat(pick(rr)).isEqualTo(h[1]);
    }

    @Test
    void rr_addedWhileCursorInside_newOneComesAfterWrap() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 1, 1, 1); // h2, h1, h0
        ServiceScheduler rr = ServiceScheduler.of(Scheduler.RR, t);
        pick(rr); // h2
        pick(rr); // h1
        int d = t.add(ip("10.0.0.4"), 80, 1); // d, h2, h1, h0
        assertThat(new int[] {pick(rr), pick(rr), pick(rr), pick(rr)}).containsExactly(h[0], d, h[2], h[1]);
    }

    @Test
    void rr_onlyCursorAvailable_picksItAgain() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 1, 1, 1);
        ServiceScheduler rr = ServiceScheduler.of(Scheduler.RR, t);
        pick(rr); // h2
        t.weight(h[1], 0);
        t.weight(h[0], 0);
        assertThat(pick(rr)).isEqualTo(h[2]);
        assertThat(pick(rr)).isEqualTo(h[2]);
    }

    @Test
    void rr_longRun_equalCounts() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 1, 5, 0, 3);
        ServiceScheduler rr = ServiceScheduler.of(Scheduler.RR, t);
        int[] count = new int[h.length];
        for (int i = 0; i < 300; i++) {
            count[pick(rr)]++;
        }
        assertThat(count[h[0]]).isEqualTo(100);
        assertThat(count[h[1]]).isEqualTo(100);
        assertThat(count[h[2]]).isZero();
        assertThat(count[h[3]]).isEqualTo(100);
    }
}
