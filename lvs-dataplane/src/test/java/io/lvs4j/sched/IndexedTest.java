package io.lvs4j.sched;

import static io.lvs4j.sched.Fixtures.addAll;
import static io.lvs4j.sched.Fixtures.bindActive;
import static io.lvs4j.sched.Fixtures.bindInactive;
import static io.lvs4j.sched.Fixtures.ip;
import static io.lvs4j.sched.Fixtures.v4Table;
import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.Scheduler;
import io.lvs4j.sched.Fixtures.KernelLoops;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** lc, wlc, sed, nq, fo, ovf: hand-checked scenarios and the differential test against the kernel's loops. */
class IndexedTest {
    private static int pick(ServiceScheduler s) {
        return s.pickIpv4(0x0a000001, 1000, 0xc0000201, 80);
    }

    @Test
    void lc_equalOverhead_firstInListWins() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 1, 1, 1); // list C, B, A
        ServiceScheduler lc = ServiceScheduler.of(Scheduler.LC, t);
        bindActive(t, h[0], 1); // A 256
        bindInactive(t, h[1], 300); // B 300
        bindActive(t, h[2], 1); // C 256
        assertThat(pick(lc)).isEqualTo(h[2]);
        t.edit(h[2], 1, 0, 1); // C upper threshold 1 < 1 conn: edit lowers, no flag yet
        assertThat(pick(lc)).isEqualTo(h[2]);
        t.bind(h[2], false); // C now 2 conns >= 1: overloaded
        assertThat(pick(lc)).isEqualTo(h[0]);
    }

    @Test
    void lc_weightDoesNotMatter_butZeroExcludes() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 100, 1); // list B(1), A(100)
        ServiceScheduler lc = ServiceScheduler.of(Scheduler.LC, t);
        bindInactive(t, h[0], 1);
        assertThat(pick(lc)).isEqualTo(h[1]);
        t.weight(h[1], 0);
        assertThat(pick(lc)).isEqualTo(h[0]);
    }

    @Test
    void wlc_loadPerWeight_tiesToEarlier() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 3, 2, 1); // list C(1), B(2), A(3)
        ServiceScheduler wlc = ServiceScheduler.of(Scheduler.WLC, t);
        bindActive(t, h[0], 2); // A 512/3
        bindActive(t, h[1], 1); // B 256/2 = 128
        bindInactive(t, h[2], 100); // C 100/1
        assertThat(pick(wlc)).isEqualTo(h[2]);
        bindInactive(t, h[2], 100); // C 200
        assertThat(pick(wlc)).isEqualTo(h[1]);
        t.deactivate(h[0]);
        t.unbind(h[0], false); // A 256/3 = 85.3
        assertThat(pick(wlc)).isEqualTo(h[0]);
        bindInactive(t, h[0], 128); // A 384/3 = 128, ties B which is earlier
        assertThat(pick(wlc)).isEqualTo(h[1]);
    }

    @Test
    void sed_tie_firstWins_nqPrefersIdle() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 10, 1); // list B(1), A(10)
        ServiceScheduler sed = ServiceScheduler.of(Scheduler.SED, t);
        ServiceScheduler nq = ServiceScheduler.of(Scheduler.NQ, t);
        bindActive(t, h[0], 1); // A: (1+1)/10, B idle: (0+1)/1
        assertThat(pick(sed)).isEqualTo(h[0]);
        assertThat(pick(nq)).isEqualTo(h[1]);
        bindActive(t, h[1], 1); // B 2/1, A 2/10: nobody idle
        assertThat(pick(nq)).isEqualTo(h[0]);
        bindActive(t, h[0], 19); // A 21/10 > B 2/1
        assertThat(pick(sed)).isEqualTo(h[1]);
        assertThat(pick(nq)).isEqualTo(h[1]);
        bindActive(t, h[0], 0);
        bindInactive(t, h[1], 1000); // inactive does not count for sed
        assertThat(pick(sed)).isEqualTo(h[1]);
    }

    @Test
    void sed_equalLoads_firstInList() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 3, 2, 1); // C(1) a=0, B(2) a=1, A(3) a=2: all ratio 1
        ServiceScheduler sed = ServiceScheduler.of(Scheduler.SED, t);
        bindActive(t, h[0], 2);
        bindActive(t, h[1], 1);
        assertThat(pick(sed)).isEqualTo(h[2]);
    }

    @Test
    void fo_highestWeightFirstOnTies_ovfAllowsActiveEqualWeight() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 5, 5, 2); // list C(2), B(5), A(5)
        ServiceScheduler fo = ServiceScheduler.of(Scheduler.FO, t);
        ServiceScheduler ovf = ServiceScheduler.of(Scheduler.OVF, t);
        assertThat(pick(fo)).isEqualTo(h[1]);
        bindActive(t, h[1], 5);
        assertThat(pick(ovf)).isEqualTo(h[1]);
        t.bind(h[1], true); // 6 > 5
        assertThat(pick(ovf)).isEqualTo(h[0]);
        assertThat(pick(fo)).isEqualTo(h[1]);
        t.edit(h[1], 5, 0, 6); // lowers nothing; flag set on next bind
        t.bind(h[1], true);
        assertThat(pick(fo)).isEqualTo(h[0]);
        bindActive(t, h[0], 6);
        assertThat(pick(ovf)).isEqualTo(h[2]);
    }

    @Test
    void all_noCandidates_none() {
        DestinationTable t = v4Table();
        addAll(t, 0, 0);
        for (Scheduler s : List.of(Scheduler.LC, Scheduler.WLC, Scheduler.SED, Scheduler.NQ, Scheduler.FO, Scheduler.OVF)) {
            assertThat(pick(ServiceScheduler.of(s, t))).as(s.kernelName()).isEqualTo(ServiceScheduler.NONE);
        }
    }

    @Test
    void indexed_randomOperations_matchKernelLoops() {
        SplittableRandom rnd = new SplittableRandom(20240601);
        for (int run = 0; run < 40; run++) {
            DestinationTable t = v4Table();
            ServiceScheduler lc = ServiceScheduler.of(Scheduler.LC, t);
            ServiceScheduler wlc = ServiceScheduler.of(Scheduler.WLC, t);
            ServiceScheduler sed = ServiceScheduler.of(Scheduler.SED, t);
            ServiceScheduler nq = ServiceScheduler.of(Scheduler.NQ, t);
            ServiceScheduler fo = ServiceScheduler.of(Scheduler.FO, t);
            ServiceScheduler ovf = ServiceScheduler.of(Scheduler.OVF, t);
            List<Integer> known = new ArrayList<>();
            int next = 0;
            int maxWeight = run % 2 == 0 ? 4 : 300; // small weights force many ties
            for (int step = 0; step < 600; step++) {
                int op = rnd.nextInt(100);
                if (op < 6 || t.size() == 0) {
                    int upper = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(8) : 0;
                    int lower = upper == 0 ? 0 : rnd.nextInt(upper + 1);
                    known.add(t.add(ip("10.1." + (next / 250) + "." + (next % 250 + 1)), 80,
                            rnd.nextInt(maxWeight + 1), lower, upper));
                    next++;
                } else if (op < 8) {
                    t.remove(t.handleAt(rnd.nextInt(t.size())));
                } else if (op < 14) {
                    int h = t.handleAt(rnd.nextInt(t.size()));
                    int upper = rnd.nextInt(3) == 0 ? rnd.nextInt(10) : t.upperThreshold(h);
                    t.edit(h, rnd.nextInt(maxWeight + 1), Math.min(t.lowerThreshold(h), upper), upper);
                } else {
                    // a connection event: mostly on the picked destination, as a director would
                    int h = rnd.nextBoolean() ? pick(wlc) : t.handleAt(rnd.nextInt(t.size()));
                    if (h < 0) {
                        continue;
                    }
                    int kind = rnd.nextInt(4);
                    if (kind == 0 || kind == 1 && t.activeConnections(h) + t.inactiveConnections(h) == 0) {
                        t.bind(h, rnd.nextBoolean());
                    } else if (kind == 1) {
                        t.unbind(h, t.activeConnections(h) > 0);
                    } else if (kind == 2 && t.activeConnections(h) > 0) {
                        t.deactivate(h);
                    } else if (t.inactiveConnections(h) > 0) {
                        t.activate(h);
                    }
                }
                String ctx = "run " + run + " step " + step + " " + t;
                assertThat(pick(lc)).as(ctx).isEqualTo(KernelLoops.lc(t));
                assertThat(pick(wlc)).as(ctx).isEqualTo(KernelLoops.wlc(t, false));
                assertThat(pick(sed)).as(ctx).isEqualTo(KernelLoops.wlc(t, true));
                assertThat(pick(nq)).as(ctx).isEqualTo(KernelLoops.nq(t));
                assertThat(pick(fo)).as(ctx).isEqualTo(KernelLoops.fo(t));
                assertThat(pick(ovf)).as(ctx).isEqualTo(KernelLoops.ovf(t));
            }
        }
    }
}
