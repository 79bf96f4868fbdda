package io.lvs4j.forwarder;

import io.lvs4j.netlink.internal.L4Checksum;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;

/**
 * Feeds arbitrary frames to the forwarder's checksum completion, which runs on every frame a
 * sender left to offload, before the packet path validates anything: no exception, no write
 * outside the frame, and at most the two bytes of a TCP or UDP checksum field changed. Seeds:
 * the golden frames of {@link ForwarderFramesTest}; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class ForwarderFramesFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void complete_anyFrame_changesAtMostTheChecksumField(byte[] frame) {
        int pad = 8;
        ByteBuf b = Unpooled.buffer(frame.length + 2 * pad);
        b.setBytes(pad, frame);
        byte[] before = new byte[b.capacity()];
        b.getBytes(0, before);
        boolean done = L4Checksum.complete(b, pad, frame.length);
        byte[] after = new byte[b.capacity()];
        b.getBytes(0, after);
        int changed = 0;
        int first = -1;
        for (int i = 0; i < after.length; i++) {
            if (before[i] != after[i]) {
                changed++;
                first = first < 0 ? i : first;
            }
        }
        if (!done) {
            assertThat(after).isEqualTo(before);
        } else {
            assertThat(changed).isLessThanOrEqualTo(2);
            if (changed > 0) {
                assertThat(first).isBetween(pad, pad + frame.length - 1);
            }
            assertThat(Arrays.copyOfRange(after, 0, pad)).containsOnly(0);
        }
    }
}
