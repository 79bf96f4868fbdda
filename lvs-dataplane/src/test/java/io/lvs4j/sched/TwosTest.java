package io.lvs4j.sched;

import static io.lvs4j.sched.Fixtures.addAll;
import static io.lvs4j.sched.Fixtures.bindActive;
import static io.lvs4j.sched.Fixtures.v4Table;
import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.Scheduler;
import io.lvs4j.sched.Fixtures.Scripted;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TwosTest {
    private static int pick(ServiceScheduler s) {
        return s.pickIpv4(1, 2, 3, 80);
    }

    @Test
    void twos_scriptedDraws_walkCumulativeWeightsInclusive() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 3, 2, 1); // list C(1), B(2), A(3); total 6, draws in [0, 6]
        // r1 = 0 stops at C (0 - 1 <= 0); r2 = 6 stops at A (6 - 1 - 2 - 3 = 0); equal load: C
        assertThat(pick(ServiceScheduler.builder(Scheduler.TWOS, t).random(new Scripted(0, 6)).build())).isEqualTo(h[2]);
        t.bind(h[2], true); // C overhead 256: A (3 * 256 > 1 * 0) wins
        assertThat(pick(ServiceScheduler.builder(Scheduler.TWOS, t).random(new Scripted(0, 6)).build())).isEqualTo(h[0]);
        // r1 = 2 stops at B (2 - 1 - 2 <= 0), r2 = 1 at C: B (0 load) beats C
        assertThat(pick(ServiceScheduler.builder(Scheduler.TWOS, t).random(new Scripted(2, 1)).build())).isEqualTo(h[1]);
    }

    @Test
    void twos_quiescedAndOverloaded_neverPicked() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 2, 0, 3);
        int o = t.add(Fixtures.ip("10.0.0.9"), 80, 5, 0, 1);
        t.bind(o, true);
        ServiceScheduler twos = ServiceScheduler.builder(Scheduler.TWOS, t).random(new SplittableRandom(1)).build();
        for (int i = 0; i < 2000; i++) {
            assertThat(pick(twos)).isIn(h[0], h[2]);
        }
    }

    @Test
    void twos_idleServers_sharesFollowWeights() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 1, 2, 5);
        ServiceScheduler twos = ServiceScheduler.builder(Scheduler.TWOS, t).random(new SplittableRandom(9)).build();
        int[] count = new int[3];
        int n = 90_000;
        for (int i = 0; i < n; i++) {
            int p = pick(twos);
            count[p == h[0] ? 0 : p == h[1] ? 1 : 2]++;
        }
        // with no load the first draw decides; draws are in [0, 8] so the list head (h2, weight 5)
        // gets 6 of 9 values, h1 2 of 9, h0 1 of 9
        assertThat(count[2] / (double) n).isCloseTo(6 / 9.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(count[1] / (double) n).isCloseTo(2 / 9.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(count[0] / (double) n).isCloseTo(1 / 9.0, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void twos_loadedServer_getsFewerPicks() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 1, 1);
        bindActive(t, h[1], 10);
        ServiceScheduler twos = ServiceScheduler.builder(Scheduler.TWOS, t).random(new SplittableRandom(2)).build();
        int loaded = 0;
        for (int i = 0; i < 3000; i++) {
            if (pick(twos) == h[1]) {
                loaded++;
            }
        }
        // loaded wins only when both draws land on it: r in {0, 1} of [0, 2] twice: 4/9
        assertThat(loaded / 3000.0).isCloseTo(4 / 9.0, org.assertj.core.data.Offset.offset(0.03));
    }
}
