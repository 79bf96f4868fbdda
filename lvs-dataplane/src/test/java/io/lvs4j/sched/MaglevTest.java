package io.lvs4j.sched;

import static io.lvs4j.sched.Fixtures.ip;
import static io.lvs4j.sched.Fixtures.v4;
import static io.lvs4j.sched.Fixtures.v4Table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.Scheduler;
import io.lvs4j.SchedulerFlag;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * mh. The expected slot counts and picks come from an independent Python re-implementation of
 * ip_vs_mh.c's permutation, population and lookup (with the checked SipHash-1-3), for 10.0.0.1:80
 * w1, 10.0.0.2:80 w2, 10.0.0.3:80 w3 added in that order (list .3, .2, .1).
 */
class MaglevTest {
    private static int[] threeServers(DestinationTable t) {
        int a = t.add(ip("10.0.0.1"), 80, 1);
        int b = t.add(ip("10.0.0.2"), 80, 2);
        int c = t.add(ip("10.0.0.3"), 80, 3);
        return new int[] {c, b, a}; // list order
    }

    private static int[] slotCounts(Maglev mh, int[] list) {
        int[] count = new int[list.length];
        for (int i = 0; i < mh.size(); i++) {
            for (int j = 0; j < list.length; j++) {
                if (mh.slot(i) == list[j]) {
                    count[j]++;
                }
            }
        }
        return count;
    }

    @Test
    void mh_table251_slotCountsAndPicksAsReference() {
        DestinationTable t = v4Table();
        int[] list = threeServers(t);
        Maglev mh = (Maglev) ServiceScheduler.builder(Scheduler.MH, t).mhTableSize(251).build();
        assertThat(slotCounts(mh, list)).containsExactly(126, 84, 41);
        assertThat(mh.pickIpv4(v4("192.0.2.1"), 5, 1, 80)).isEqualTo(list[0]);
        assertThat(mh.pickIpv4(v4("192.0.2.2"), 5, 1, 80)).isEqualTo(list[0]);
        assertThat(mh.pickIpv4(v4("198.51.100.7"), 5, 1, 80)).isEqualTo(list[1]);
        assertThat(mh.pickIpv4(v4("203.0.113.200"), 5, 1, 80)).isEqualTo(list[0]);
    }

    @Test
    void mh_defaultTable4093_slotCountsAndPicksAsReference() {
        DestinationTable t = v4Table();
        int[] list = threeServers(t);
        Maglev mh = (Maglev) ServiceScheduler.of(Scheduler.MH, t);
        assertThat(mh.size()).isEqualTo(4093);
        assertThat(slotCounts(mh, list)).containsExactly(2047, 1364, 682);
        assertThat(mh.pickIpv4(v4("192.0.2.1"), 5, 1, 80)).isEqualTo(list[0]);
        assertThat(mh.pickIpv4(v4("192.0.2.2"), 5, 1, 80)).isEqualTo(list[1]);
        assertThat(mh.pickIpv4(v4("198.51.100.7"), 5, 1, 80)).isEqualTo(list[2]);
        assertThat(mh.pickIpv4(v4("203.0.113.200"), 5, 1, 80)).isEqualTo(list[1]);
    }

    @Test
    void mh_port_hashesSourcePort() {
        DestinationTable t = v4Table();
        int[] list = threeServers(t);
        ServiceScheduler mh = ServiceScheduler.builder(Scheduler.MH, t).mhTableSize(251)
                .flags(SchedulerFlag.MH_PORT).build();
        // 192.0.2.1 + 40000 -> slot 150 -> list[0]
        assertThat(mh.pickIpv4(v4("192.0.2.1"), 40000, 1, 80)).isEqualTo(list[0]);
    }

    @Test
    void mh_quiesced_keepsSlotsButIsNotPicked() {
        DestinationTable t = v4Table();
        int[] list = threeServers(t);
        Maglev mh = (Maglev) ServiceScheduler.builder(Scheduler.MH, t).mhTableSize(251).build();
        ServiceScheduler fb = ServiceScheduler.builder(Scheduler.MH, t).mhTableSize(251)
                .flags(SchedulerFlag.MH_FALLBACK).build();
        t.weight(list[1], 0);
        assertThat(slotCounts(mh, list)).containsExactly(126, 84, 41);
        assertThat(mh.pickIpv4(v4("198.51.100.7"), 5, 1, 80)).isEqualTo(ServiceScheduler.NONE);
        assertThat(fb.pickIpv4(v4("198.51.100.7"), 5, 1, 80)).isIn(list[0], list[2]);
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = 0; i < 2000; i++) {
            assertThat(fb.pickIpv4(rnd.nextInt(), 0, 1, 80)).isNotEqualTo(list[1]).isNotEqualTo(-1);
        }
    }

    @Test
    void mh_allWeightsNeverSet_none() {
        DestinationTable t = v4Table();
        t.add(ip("10.0.0.1"), 80, 0);
        assertThat(ServiceScheduler.of(Scheduler.MH, t).pickIpv4(1, 1, 1, 80)).isEqualTo(ServiceScheduler.NONE);
    }

    @Test
    void mh_oneOfTwentyRemoved_remapsAboutOneTwentieth() {
        for (int size : new int[] {4093, 65521}) {
            DestinationTable t = v4Table();
            int[] h = new int[20];
            for (int i = 0; i < h.length; i++) {
                h[i] = t.add(ip("10.0.1." + (i + 1)), 8080, 1 + i % 3);
            }
            ServiceScheduler mh = ServiceScheduler.builder(Scheduler.MH, t).mhTableSize(size).build();
            SplittableRandom rnd = new SplittableRandom(size);
            int flows = 20_000;
            int[] src = new int[flows];
            int[] before = new int[flows];
            for (int i = 0; i < flows; i++) {
                src[i] = rnd.nextInt();
                before[i] = mh.pickIpv4(src[i], 0, 1, 80);
            }
            int gone = h[7];
            t.remove(gone);
            int moved = 0;
            int onGone = 0;
            for (int i = 0; i < flows; i++) {
                int now = mh.pickIpv4(src[i], 0, 1, 80);
                assertThat(now).isNotEqualTo(gone).isNotEqualTo(-1);
                if (before[i] == gone) {
                    onGone++;
                } else if (now != before[i]) {
                    moved++;
                }
            }
            double changed = (moved + onGone) / (double) flows;
            // weights 1,2,3 repeating: the removed server (weight 2) had 2/40 of the flows
            assertThat(changed).as("table %d", size).isLessThan(2 / 40.0 + 0.03);
            assertThat(moved / (double) flows).as("table %d", size).isLessThan(0.03);
        }
    }

    @Test
    void mh_65521With1000Servers_sharesNearEqual() {
        DestinationTable t = v4Table();
        int[] h = new int[1000];
        for (int i = 0; i < h.length; i++) {
            h[i] = t.add(ip("10." + (i / 250) + "." + (i % 250) + ".1"), 80, 1);
        }
        Maglev mh = (Maglev) ServiceScheduler.builder(Scheduler.MH, t).mhTableSize(65521).build();
        int[] count = new int[h.length + 8];
        for (int i = 0; i < mh.size(); i++) {
            count[mh.slot(i)]++;
        }
        for (int x : h) {
            assertThat(count[x]).isBetween(65, 66);
        }
    }

    @Test
    void mod_everyTableSize_equalsUnsignedRemainder() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int size : Maglev.PRIMES) {
            Maglev mh = (Maglev) ServiceScheduler.builder(Scheduler.MH, v4Table()).mhTableSize(size).build();
            int[] edges = {0, 1, size - 1, size, size + 1, -1, -2, Integer.MAX_VALUE, Integer.MIN_VALUE, -size};
            for (int x : edges) {
                assertThat(mh.mod(x)).as("%d mod %d", x, size).isEqualTo(Integer.remainderUnsigned(x, size));
            }
            for (int i = 0; i < 100_000; i++) {
                int x = rnd.nextInt();
                assertThat(mh.mod(x)).isEqualTo(Integer.remainderUnsigned(x, size));
            }
        }
    }

    @Test
    void mhTableSize_notAKernelPrime_rejected() {
        DestinationTable t = v4Table();
        assertThatThrownBy(() -> ServiceScheduler.builder(Scheduler.MH, t).mhTableSize(4096))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mh table size: 4096 (expected: one of 251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071)");
        assertThatThrownBy(() -> ServiceScheduler.builder(Scheduler.SH, t).mhTableSize(251).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("mh table size: \"set\" (expected: not set for sh)");
    }

    @Test
    void mh_twoIndependentInstances_sameServersSameOrder_pickTheSameServerForEveryFlow() {
        for (boolean port : new boolean[] {false, true}) {
            DestinationTable ta = v4Table();
            DestinationTable tb = v4Table();
            int[] la = threeServers(ta);
            int[] lb = threeServers(tb);
            ServiceScheduler.Builder ba = ServiceScheduler.builder(Scheduler.MH, ta);
            ServiceScheduler.Builder bb = ServiceScheduler.builder(Scheduler.MH, tb);
            if (port) {
                ba.flags(SchedulerFlag.MH_PORT);
                bb.flags(SchedulerFlag.MH_PORT);
            }
            ServiceScheduler a = ba.build();
            ServiceScheduler b = bb.build();
            SplittableRandom r = new SplittableRandom(7);
            int[] seen = new int[3];
            for (int i = 0; i < 5000; i++) {
                int src = r.nextInt();
                int sport = 1024 + r.nextInt(60000);
                int pa = a.pickIpv4(src, sport, v4("192.0.2.10"), 80);
                int pb = b.pickIpv4(src, sport, v4("192.0.2.10"), 80);
                int ia = java.util.Arrays.stream(new int[] {0, 1, 2}).filter(k -> la[k] == pa).findFirst().orElse(-1);
                int ib = java.util.Arrays.stream(new int[] {0, 1, 2}).filter(k -> lb[k] == pb).findFirst().orElse(-1);
                assertThat(ia).as("flow %d port %s", i, port).isNotNegative().isEqualTo(ib);
                assertThat(ta.address(pa)).isEqualTo(tb.address(pb));
                seen[ia]++;
            }
            assertThat(java.util.Arrays.stream(seen).min().getAsInt()).isPositive();
        }
    }

    @Test
    void mh_sameServersInAnotherOrder_disagreesOnSomeFlows() {
        DestinationTable ta = v4Table();
        DestinationTable tb = v4Table();
        threeServers(ta);
        tb.add(ip("10.0.0.3"), 80, 3);
        tb.add(ip("10.0.0.2"), 80, 2);
        tb.add(ip("10.0.0.1"), 80, 1);
        ServiceScheduler a = ServiceScheduler.of(Scheduler.MH, ta);
        ServiceScheduler b = ServiceScheduler.of(Scheduler.MH, tb);
        SplittableRandom r = new SplittableRandom(7);
        int differ = 0;
        for (int i = 0; i < 2000; i++) {
            int src = r.nextInt();
            differ += ta.address(a.pickIpv4(src, 5, 1, 80)).equals(tb.address(b.pickIpv4(src, 5, 1, 80))) ? 0 : 1;
        }
        assertThat(differ).isPositive(); // why directors must add their real servers in the same order
    }
}
