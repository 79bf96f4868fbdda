package io.lvs4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.director.DirectorEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventFeedTest {
    private static DirectorEvent event(long seq) {
        return new DirectorEvent.Failure(seq, seq * 10, "op" + seq, new IllegalStateException("e" + seq));
    }

    private static List<Long> drain(EventFeed.Subscription s) throws InterruptedException {
        List<Long> out = new ArrayList<>();
        for (EventFeed.Entry e; (e = s.next(10, TimeUnit.MILLISECONDS)) != null;) {
            out.add(e.sequence());
        }
        return out;
    }

    @Test
    void subscribe_afterSomeEvents_replayThenLiveWithoutGap() throws Exception {
        EventFeed f = new EventFeed(100);
        for (long i = 1; i <= 5; i++) {
            f.onEvent(event(i));
        }
        EventFeed.Subscription s = f.subscribe(2);
        f.onEvent(event(6));
        assertThat(drain(s)).containsExactly(3L, 4L, 5L, 6L);
    }

    @Test
    void replay_beyondCapacity_keepsTheLastOnly() {
        EventFeed f = new EventFeed(3);
        for (long i = 1; i <= 5; i++) {
            f.onEvent(event(i));
        }
        assertThat(f.recent(0)).extracting(EventFeed.Entry::sequence).containsExactly(3L, 4L, 5L);
        assertThat(f.recent(0).get(0).type()).isEqualTo("failure");
    }

    @Test
    void slowSubscriber_queueFull_cutOffWithoutBlockingTheDirector() throws Exception {
        EventFeed f = new EventFeed(2);
        EventFeed.Subscription s = f.subscribe(0);
        for (long i = 1; i <= 5; i++) {
            f.onEvent(event(i)); // returns at once although nobody reads
        }
        assertThat(f.subscribers()).isZero();
        assertThat(drain(s)).containsExactly(1L, 2L);
        assertThat(s.overflowed()).isTrue();
    }
}
