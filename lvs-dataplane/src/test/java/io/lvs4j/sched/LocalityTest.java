package io.lvs4j.sched;

import static io.lvs4j.sched.Fixtures.addAll;
import static io.lvs4j.sched.Fixtures.bindActive;
import static io.lvs4j.sched.Fixtures.v4;
import static io.lvs4j.sched.Fixtures.v4Table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.Scheduler;
import io.lvs4j.sched.Fixtures.FakeTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** lblc and lblcr, with time from a fake ticker. */
class LocalityTest {
    private static final int X = v4("192.0.2.1");
    private static final int Y = v4("192.0.2.2");
    private static final int Z = v4("192.0.2.3");

    private static int pick(ServiceScheduler s, int dst) {
        return s.pickIpv4(v4("198.51.100.1"), 40000, dst, 80);
    }

    @Test
    void lblc_cachedDestination_stickyUntilBusyWhileAnotherIsHalfIdle() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 1, 1); // list B, A
        FakeTicker clock = new FakeTicker();
        Locality lblc = (Locality) ServiceScheduler.builder(Scheduler.LBLC, t).ticker(clock).build();
        assertThat(pick(lblc, X)).isEqualTo(h[1]); // wlc tie: B first
        t.bind(h[1], true);
        assertThat(pick(lblc, X)).isEqualTo(h[1]); // cached; wlc alone would say A
        t.bind(h[1], true); // B active 2 > weight 1, and A has 2*0 < 1
        assertThat(pick(lblc, X)).isEqualTo(h[0]);
        assertThat(pick(lblc, X)).isEqualTo(h[0]); // now cached A
        assertThat(lblc.entries()).isEqualTo(1);
        assertThat(lblc.entriesCounter).isEqualTo(2); // the kernel's replacement never counts down
    }

    @Test
    void lblc_busyButNobodyHalfIdle_staysCached() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 2, 1); // list B(1), A(2)
        FakeTicker clock = new FakeTicker();
        ServiceScheduler lblc = ServiceScheduler.builder(Scheduler.LBLC, t).ticker(clock).build();
        assertThat(pick(lblc, X)).isEqualTo(h[1]);
        bindActive(t, h[1], 5);
        bindActive(t, h[0], 1); // A: 2*1 < 2 is false: nobody half idle
        assertThat(pick(lblc, X)).isEqualTo(h[1]);
    }

    @Test
    void lblc_cachedQuiescedOrRemoved_reschedules() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 1, 1);
        FakeTicker clock = new FakeTicker();
        ServiceScheduler lblc = ServiceScheduler.builder(Scheduler.LBLC, t).ticker(clock).build();
        assertThat(pick(lblc, X)).isEqualTo(h[1]);
        t.weight(h[1], 0);
        assertThat(pick(lblc, X)).isEqualTo(h[0]);
        t.weight(h[1], 1);
        assertThat(pick(lblc, Y)).isEqualTo(h[1]);
        t.remove(h[1]);
        assertThat(pick(lblc, Y)).isEqualTo(h[0]);
    }

    @Test
    void lblc_overloadFlagAloneDoesNotEvictCachedDestination() {
        DestinationTable t = v4Table();
        FakeTicker clock = new FakeTicker();
        int a = t.add(Fixtures.ip("10.0.0.1"), 80, 5);
        int b = t.add(Fixtures.ip("10.0.0.2"), 80, 5, 0, 1);
        ServiceScheduler lblc = ServiceScheduler.builder(Scheduler.LBLC, t).ticker(clock).build();
        assertThat(pick(lblc, X)).isEqualTo(b);
        t.bind(b, true); // overloaded flag, but active 1 <= weight 5
        assertThat(t.overloaded(b)).isTrue();
        assertThat(pick(lblc, X)).isEqualTo(b);
        assertThat(pick(lblc, Y)).isEqualTo(a); // a new address skips the overloaded one
    }

    @Test
    void lblc_fullCheckEveryThirtyMinutes_dropsEntriesUnusedForExpiration() {
        DestinationTable t = v4Table();
        addAll(t, 1, 1);
        FakeTicker clock = new FakeTicker();
        Locality lblc = (Locality) ServiceScheduler.builder(Scheduler.LBLC, t).ticker(clock)
                .expiration(Duration.ofMinutes(10)).build();
        pick(lblc, X); // t=0
        clock.seconds(29 * 60);
        pick(lblc, Y);
        assertThat(lblc.entries()).isEqualTo(2);
        clock.seconds(30 * 60 - 1);
        pick(lblc, Y);
        assertThat(lblc.entries()).isEqualTo(2); // the 30th check is due at 30 min exactly
        clock.seconds(30 * 60);
        pick(lblc, Z); // the check at 30:00 drops X (unused 30 min), keeps Y (used at 29:59)
        assertThat(lblc.entries()).isEqualTo(2);
        assertThat(lblc.entriesCounter).isEqualTo(2);
        clock.seconds(60 * 60 + 10);
        pick(lblc, Z); // next full check at 60:00 drops Y; Z was used at 30:00, also 30 min ago
        assertThat(lblc.entries()).isEqualTo(1); // Z re-created by this pick
    }

    @Test
    void lblcr_busyMember_addsLeastLoadedToSet_thenPrefersItsLeast() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 1, 1, 1); // list C, B, A
        FakeTicker clock = new FakeTicker();
        ServiceScheduler lblcr = ServiceScheduler.builder(Scheduler.LBLCR, t).ticker(clock).build();
        assertThat(pick(lblcr, X)).isEqualTo(h[2]); // set {C}
        bindActive(t, h[2], 2); // C busy, A and B half idle
        assertThat(pick(lblcr, X)).isEqualTo(h[1]); // wlc: B; set {B, C}
        t.bind(h[1], true);
        // set min over {B(256), C(512)} is B, B not busy (1 <= 1)
        assertThat(pick(lblcr, X)).isEqualTo(h[1]);
        t.unbind(h[2], true);
        t.unbind(h[2], true); // C idle now: set min picks the least of the set, C (0 < 256)
        assertThat(pick(lblcr, X)).isEqualTo(h[2]);
    }

    @Test
    void lblcr_setUnchangedForExpiration_dropsMostLoadedMember() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 1, 1);
        FakeTicker clock = new FakeTicker();
        ServiceScheduler lblcr = ServiceScheduler.builder(Scheduler.LBLCR, t).ticker(clock)
                .expiration(Duration.ofMinutes(10)).build();
        assertThat(pick(lblcr, X)).isEqualTo(h[1]);
        bindActive(t, h[1], 2);
        assertThat(pick(lblcr, X)).isEqualTo(h[0]); // set {A, B}, lastmod 0
        bindActive(t, h[0], 1);
        clock.seconds(10 * 60 + 1);
        // set min: A (256 < 512); then B, the most loaded, is erased
        assertThat(pick(lblcr, X)).isEqualTo(h[0]);
        t.unbind(h[1], true);
        t.unbind(h[1], true); // B idle: were it still in the set, the set min would be B
        assertThat(pick(lblcr, X)).isEqualTo(h[0]);
    }

    @Test
    void lblc_withoutTicker_rejected() {
        DestinationTable t = v4Table();
        assertThatThrownBy(() -> ServiceScheduler.of(Scheduler.LBLC, t))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("ticker: null (expected: a clock for lblc's cache expiry)");
    }

    @Test
    void close_releasesCacheReferences_soRemovedHandlesAreReused() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 1, 1);
        FakeTicker clock = new FakeTicker();
        ServiceScheduler lblcr = ServiceScheduler.builder(Scheduler.LBLCR, t).ticker(clock).build();
        assertThat(pick(lblcr, X)).isEqualTo(h[1]);
        t.remove(h[1]);
        int other = t.add(Fixtures.ip("10.0.0.7"), 80, 1);
        assertThat(other).isNotEqualTo(h[1]); // still referenced by the cache
        lblcr.close();
        assertThat(t.add(Fixtures.ip("10.0.0.8"), 80, 1)).isEqualTo(h[1]);
        assertThatThrownBy(() -> pick(lblcr, X)).isInstanceOf(IllegalStateException.class);
    }
}
