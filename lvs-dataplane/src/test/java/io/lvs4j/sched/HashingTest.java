package io.lvs4j.sched;

import static io.lvs4j.sched.Fixtures.addAll;
import static io.lvs4j.sched.Fixtures.ip;
import static io.lvs4j.sched.Fixtures.v4;
import static io.lvs4j.sched.Fixtures.v4Table;
import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.AddressFamily;
import io.lvs4j.Scheduler;
import io.lvs4j.SchedulerFlag;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * dh and sh. Expected buckets were computed by hand from hash_32 (x * 0x61C88647 >> 24):
 * 192.0.2.1 -> 50, 192.0.2.2 -> 148, 198.51.100.7 -> 171, 2001:db8::1 (fold 0x20010db9) -> 63,
 * 192.0.2.1 + port 80 -> 193, + port 1234 -> 139.
 */
class HashingTest {
    @Test
    void hash32_knownValues() {
        assertThat(Hashing.hash32(0xC0000201, 8)).isEqualTo(50);
        assertThat(Hashing.hash32(0xC0000202, 8)).isEqualTo(148);
        assertThat(Hashing.hash32(0xC0000201, 10)).isEqualTo(203);
    }

    @Test
    void dh_bucketsRoundRobinOverList_destinationAddressPicks() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 1, 5, 1); // list h2, h1, h0; weights ignored
        ServiceScheduler dh = ServiceScheduler.of(Scheduler.DH, t);
        assertThat(dh.pickIpv4(v4("10.9.9.9"), 1, v4("192.0.2.1"), 80)).isEqualTo(h[0]); // 50 % 3 = 2
        assertThat(dh.pickIpv4(v4("10.9.9.8"), 2, v4("192.0.2.2"), 80)).isEqualTo(h[1]); // 148 % 3 = 1
        assertThat(dh.pickIpv4(v4("10.9.9.7"), 3, v4("198.51.100.7"), 80)).isEqualTo(h[2]); // 171 % 3 = 0
    }

    @Test
    void dh_ipv6_foldsWords() {
        DestinationTable t = DestinationTable.create(AddressFamily.INET6);
        int[] h = new int[3];
        for (int i = 0; i < 3; i++) {
            h[i] = t.add(ip("2001:db8:1::" + (i + 1)), 80, 1);
        }
        ServiceScheduler dh = ServiceScheduler.of(Scheduler.DH, t);
        // 2001:db8::1 -> bucket 63, 63 % 3 = 0 -> list head h2
        assertThat(dh.pickIpv6(0x20010db800000000L, 7, 1000, 0x20010db800000000L, 1L, 80)).isEqualTo(h[2]);
    }

    @Test
    void dh_quiescedOrOverloadedHit_none() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 1, 1, 1);
        ServiceScheduler dh = ServiceScheduler.of(Scheduler.DH, t);
        t.weight(h[0], 0);
        assertThat(dh.pickIpv4(1, 1, v4("192.0.2.1"), 80)).isEqualTo(ServiceScheduler.NONE);
    }

    @Test
    void dh_shares_equalPerDestinationWhateverTheWeights() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 1, 2, 3);
        ServiceScheduler dh = ServiceScheduler.of(Scheduler.DH, t);
        int[] count = new int[3];
        for (int b = 0; b < 256; b++) {
            count[indexOf(h, bucketOwner(dh, b))]++;
        }
        // 256 buckets over the list h2, h1, h0 round and round
        assertThat(count[2]).isEqualTo(86);
        assertThat(count[1]).isEqualTo(85);
        assertThat(count[0]).isEqualTo(85);
    }

    @Test
    void sh_bucketsByWeight_sourceAddressPicks() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 1, 2, 1); // list C(1) B(2) A(1): buckets C B B A C B B A ...
        ServiceScheduler sh = ServiceScheduler.of(Scheduler.SH, t);
        assertThat(sh.pickIpv4(v4("192.0.2.1"), 1234, v4("10.0.0.100"), 80)).isEqualTo(h[1]); // 50 % 4 = 2
        assertThat(sh.pickIpv4(v4("192.0.2.2"), 1234, v4("10.0.0.100"), 80)).isEqualTo(h[2]); // 148 % 4 = 0
        assertThat(sh.pickIpv4(v4("198.51.100.7"), 1, v4("10.0.0.100"), 80)).isEqualTo(h[0]); // 171 % 4 = 3
    }

    @Test
    void sh_port_hashesSourcePortToo() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 1, 2, 1);
        ServiceScheduler sh = ServiceScheduler.builder(Scheduler.SH, t).flags(SchedulerFlag.SH_PORT).build();
        assertThat(sh.pickIpv4(v4("192.0.2.1"), 80, v4("10.0.0.100"), 80)).isEqualTo(h[1]); // 193 % 4 = 1: B
        assertThat(sh.pickIpv4(v4("192.0.2.1"), 1234, v4("10.0.0.100"), 80)).isEqualTo(h[0]); // 139 % 4 = 3: A
    }

    @Test
    void sh_fallback_walksFromTwiceTheHash() {
        DestinationTable t = v4Table();
        int a = t.add(ip("10.0.0.1"), 80, 1);
        int b = t.add(ip("10.0.0.2"), 80, 2, 0, 1);
        int c = t.add(ip("10.0.0.3"), 80, 1); // list C B B A ...
        ServiceScheduler plain = ServiceScheduler.of(Scheduler.SH, t);
        ServiceScheduler fallback = ServiceScheduler.builder(Scheduler.SH, t).flags(SchedulerFlag.SH_FALLBACK).build();
        t.bind(b, true); // b overloaded; the table is unchanged
        assertThat(plain.pickIpv4(v4("192.0.2.1"), 1, 2, 80)).isEqualTo(ServiceScheduler.NONE);
        // bucket 50 is B; the walk looks at (50 + 50 + offset) & 255 = 100, which is 100 % 4 = 0: C
        assertThat(fallback.pickIpv4(v4("192.0.2.1"), 1, 2, 80)).isEqualTo(c);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void sh_shares_matchWeights() {
        SplittableRandom rnd = new SplittableRandom(3);
        DestinationTable t = v4Table();
        int[] w = {1, 2, 3, 4, 5, 6, 7, 4};
        int[] h = addAll(t, w);
        ServiceScheduler sh = ServiceScheduler.of(Scheduler.SH, t);
        int[] count = new int[h.length];
        for (int b = 0; b < 256; b++) {
            count[indexOf(h, bucketOwner(sh, b))]++;
        }
        // 256 = 8 cycles of 32
        for (int i = 0; i < w.length; i++) {
            assertThat(count[i]).isEqualTo(8 * w[i]);
        }
        int[] flows = new int[h.length];
        for (int i = 0; i < 64_000; i++) {
            flows[indexOf(h, sh.pickIpv4(rnd.nextInt(), 1, 2, 80))]++;
        }
        for (int i = 0; i < w.length; i++) {
            assertThat(flows[i] / 64_000.0).isCloseTo(w[i] / 32.0, org.assertj.core.data.Offset.offset(0.01));
        }
    }

    @Test
    void sh_quiesced_neverPicked() {
        DestinationTable t = v4Table();
        int[] h = addAll(t, 1, 0, 1);
        ServiceScheduler sh = ServiceScheduler.builder(Scheduler.SH, t).flags(SchedulerFlag.SH_FALLBACK).build();
        SplittableRandom rnd = new SplittableRandom(4);
        for (int i = 0; i < 2000; i++) {
            assertThat(sh.pickIpv4(rnd.nextInt(), rnd.nextInt(65536), 2, 80)).isNotEqualTo(h[1]).isNotEqualTo(-1);
        }
    }

    /** Finds a source address whose hash is bucket b, and picks it. */
    private static int bucketOwner(ServiceScheduler s, int b) {
        for (int x = 0; ; x++) {
            if (Hashing.hash32(x, 8) == b) {
                return s.pickIpv4(x, 0, x, 80);
            }
        }
    }

    private static int indexOf(int[] h, int handle) {
        for (int i = 0; i < h.length; i++) {
            if (h[i] == handle) {
                return i;
            }
        }
        throw new AssertionError("handle " + handle);
    }
}
