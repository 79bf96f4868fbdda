package io.lvs4j.sched;

import static io.lvs4j.sched.Fixtures.addAll;
import static io.lvs4j.sched.Fixtures.v4Table;
import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.Scheduler;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WeightedRoundRobinTest {
    private static int pick(ServiceScheduler s) {
        return s.pickIpv4(0x0a000001, 1000, 0xc0000201, 80);
    }

    private static int[] picks(ServiceScheduler s, int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = pick(s);
        }
        return r;
    }

    @Test
    void wrr_weights432_kernelSequence() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 4, 3, 2); // list C(2), B(3), A(4)
        int a = h[0];
        int b = h[1];
        int c = h[2];
        ServiceScheduler wrr = ServiceScheduler.of(Scheduler.WRR, t);
        // cw=4: A; cw=3: B, A; cw=2: C, B, A; cw=1: C, B, A; restart cw=4: A
        assertThat(picks(wrr, 10)).containsExactly(a, b, a, c, b, a, c, b, a, a);
    }

    @Test
    void wrr_weights24_stepsByGcd() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 2, 4); // list B(4), A(2); gcd 2, mw 3
        ServiceScheduler wrr = ServiceScheduler.of(Scheduler.WRR, t);
        assertThat(picks(wrr, 6)).containsExactly(h[1], h[1], h[0], h[1], h[1], h[0]);
    }

    @Test
    void wrr_editMidCycle_restartsAtHead() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 4, 3, 2); // C, B, A
        ServiceScheduler wrr = ServiceScheduler.of(Scheduler.WRR, t);
        picks(wrr, 3); // A, B, A with cw=3
        t.edit(h[1], 3, 0, 0); // same weight: cursor to head, cw stays 3 (gcd 1)
        // from head with cw=3: B, then A; then cw=2: C ...
        assertThat(picks(wrr, 3)).containsExactly(h[1], h[0], h[2]);
    }

    @Test
    void wrr_allOverloaded_noneAndCursorAtHead() {
        DestinationTable t = v4Table();
        int a = t.add(Fixtures.ip("10.0.0.1"), 80, 2, 0, 1);
        ServiceScheduler wrr = ServiceScheduler.of(Scheduler.WRR, t);
        t.bind(a, true);
        assertThat(pick(wrr)).isEqualTo(ServiceScheduler.NONE);
        t.unbind(a, true);
        assertThat(pick(wrr)).isEqualTo(a);
    }

    @Test
    void wrr_randomWeights_fullCycleCountsEqualWeightsOverGcd() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int round = 0; round < 20; round++) {
            DestinationTable t = v4Table();
            int n = 1 + rnd.nextInt(12);
            int[] w = new int[n];
            for (int i = 0; i < n; i++) {
                w[i] = rnd.nextInt(4) == 0 ? 0 : 2 * (1 + rnd.nextInt(10));
            }
            int[] h = addAll(t, w);
            ServiceScheduler wrr = ServiceScheduler.of(Scheduler.WRR, t);
            int g = 0;
            int sum = 0;
            for (int x : w) {
                if (x > 0) {
                    g = g == 0 ? x : WeightedRoundRobin.gcd(x, g);
                    sum += x;
                }
            }
            if (sum == 0) {
                assertThat(pick(wrr)).isEqualTo(ServiceScheduler.NONE);
                continue;
            }
            int cycle = sum / g;
            int[] count = new int[64];
            for (int i = 0; i < 3 * cycle; i++) {
                count[pick(wrr)]++;
            }
            for (int i = 0; i < n; i++) {
                assertThat(count[h[i]]).as("weights %s", java.util.Arrays.toString(w)).isEqualTo(3 * w[i] / g);
            }
        }
    }
}
