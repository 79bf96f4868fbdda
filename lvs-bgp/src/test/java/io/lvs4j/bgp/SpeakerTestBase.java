package io.lvs4j.bgp;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.bgp.internal.Message;
import io.lvs4j.internal.Addresses;
import io.lvs4j.time.VirtualClock;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A speaker on the virtual clock with a {@link FakeTransport}: the router ID 192.0.2.11, AS 65001,
 * one neighbour 192.0.2.1 in AS 65000 unless a test says otherwise; events collected in order.
 */
abstract class SpeakerTestBase {
    static final String PEER = "192.0.2.1";
    final VirtualClock clock = new VirtualClock();
    final FakeTransport t = new FakeTransport(clock);
    final List<BgpEvent> events = new ArrayList<>();
    double random = 1.0;

    static InetAddress ip(String s) {
        return Addresses.parse(s, "test");
    }

    BgpNeighbor.Builder neighbor() {
        return BgpNeighbor.builder(PEER).remoteAs(65000).holdTime(Duration.ofSeconds(9));
    }

    BgpSpeaker.Builder speakerBuilder(BgpNeighbor n) {
        return BgpSpeaker.builder().routerId("192.0.2.11").localAs(65001).neighbor(n).scheduler(clock)
                .listener(events::add);
    }

    BgpSpeaker start(BgpSpeaker.Builder b) throws Exception {
        BgpSpeaker s = BgpSpeaker.create(b, t, () -> random);
        s.start();
        clock.runDue();
        return s;
    }

    BgpSpeaker start(BgpNeighbor n) throws Exception {
        return start(speakerBuilder(n));
    }

    SessionState state(BgpSpeaker s) {
        return s.sessions().get(0).state();
    }

    /** Starts a speaker and brings its session up over the first dial: OPEN (peer hold 3 s) and KEEPALIVE. */
    BgpSpeaker established(BgpNeighbor n) throws Exception {
        BgpSpeaker s = start(n);
        t.lastDial().up();
        t.lastDial().deliver(Peer.open(n.remoteAs(), 3, PEER));
        t.lastDial().deliver(Peer.keepalive());
        assertThat(state(s)).isEqualTo(SessionState.ESTABLISHED);
        return s;
    }

    List<BgpEvent.StateChanged> transitions() {
        List<BgpEvent.StateChanged> out = new ArrayList<>();
        for (BgpEvent e : events) {
            if (e instanceof BgpEvent.StateChanged sc) {
                out.add(sc);
            }
        }
        return out;
    }

    String path() {
        StringBuilder sb = new StringBuilder();
        for (BgpEvent.StateChanged sc : transitions()) {
            sb.append(sc.from()).append('>').append(sc.to()).append('(').append(sc.reason()).append(") ");
        }
        return sb.toString().trim();
    }

    static Message.Notification notification(Message m) {
        assertThat(m).isInstanceOf(Message.Notification.class);
        return (Message.Notification) m;
    }

    static void isNotification(Message m, int code, int subcode) {
        Message.Notification n = notification(m);
        assertThat(n.code() + "/" + n.subcode()).isEqualTo(code + "/" + subcode);
    }

}
