package io.lvs4j.sched;

import java.util.random.RandomGenerator;

/**
 * twos ({@code ip_vs_twos.c}): two weighted random draws over the available destinations, then the
 * one with the lower {@code overhead / weight}, comparing in 32-bit arithmetic as the kernel does.
 * The draws come from the injected random source: each is uniform in {@code [0, total weight]},
 * both inclusive, as the kernel draws them.
 */
final class Twos extends ServiceScheduler {
    private final RandomGenerator random;

    Twos(Builder b, RandomGenerator random) {
        super(b);
        this.random = random;
    }

    @Override
    int pick(int srcFold, int srcPort, int dstFold, int d0, int d1, int d2, int d3) {
        DestinationTable t = table;
        int n = t.sizeU();
        int total = 0;
        int choice1 = NONE;
        for (int i = 0; i < n; i++) {
            int h = t.at(i);
            if (!t.overloadedU(h)) {
                int w = t.weightU(h);
                if (w > 0) {
                    total += w;
                    choice1 = h;
                }
            }
        }
        if (choice1 == NONE) {
            return NONE;
        }
        total += 1;
        int r1 = random.nextInt(total);
        int r2 = random.nextInt(total);
        int choice2 = NONE;
        int w1 = -1;
        int w2 = -1;
        int oh1 = 0;
        int oh2 = 0;
        for (int i = 0; i < n; i++) {
            int h = t.at(i);
            if (t.overloadedU(h)) {
                continue;
            }
            int w = t.weightU(h);
            if (w <= 0) {
                continue;
            }
            r1 -= w;
            r2 -= w;
            if (r1 <= 0 && w1 == -1) {
                choice1 = h;
                w1 = w;
                oh1 = t.overheadU(h);
            }
            if (r2 <= 0 && w2 == -1) {
                choice2 = h;
                w2 = w;
                oh2 = t.overheadU(h);
            }
            if (w1 != -1 && w2 != -1) {
                break;
            }
        }
        if (choice2 != NONE && w2 * oh1 > w1 * oh2) {
            choice1 = choice2;
        }
        return choice1;
    }
}
