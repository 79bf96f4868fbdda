package io.lvs4j.bgp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lvs4j.bgp.internal.Decoder;
import io.lvs4j.bgp.internal.Message;
import io.lvs4j.time.VirtualClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.Arrays;

/**
 * Any bytes from a peer of an established session: nothing is thrown, and the session is either
 * still ESTABLISHED or IDLE after a NOTIFICATION one way or the other. Input: byte 0 picks the peer
 * (bit 0: a 2-octet speaker, bit 1: internal), the rest is the byte stream it sends, framed as the
 * transport frames it. Under {@code mvn test} it replays its seeds; {@code JAZZER_FUZZ=1} fuzzes.
 */
class SessionFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void established_anyBytesFromThePeer_noExceptionAndAConsistentState(byte[] input) throws Exception {
        if (input.length < 1) {
            return;
        }
        boolean old = (input[0] & 1) != 0;
        boolean internal = (input[0] & 2) != 0;
        long peerAs = internal ? 65001 : 65000;
        VirtualClock clock = new VirtualClock();
        FakeTransport t = new FakeTransport(clock);
        BgpSpeaker s = BgpSpeaker.create(BgpSpeaker.builder().routerId("192.0.2.11").localAs(65001)
                .neighbor(BgpNeighbor.builder("192.0.2.1").remoteAs(peerAs).ipv6NextHop("2001:db8::11").build())
                .scheduler(clock), t, () -> 1.0);
        s.announce(io.lvs4j.internal.Addresses.parse("198.51.100.10", "vip"));
        s.start();
        clock.runDue();
        FakeTransport.Conn c = t.lastDial();
        c.up();
        c.deliver(old ? Peer.oldOpen((int) peerAs, 3, "192.0.2.1") : Peer.open(peerAs, 3, "192.0.2.1"));
        c.deliver(Peer.keepalive());
        if (s.sessions().get(0).state() != SessionState.ESTABLISHED) {
            throw new AssertionError("not established: " + s.sessions());
        }
        ByteBuf stream = Unpooled.wrappedBuffer(Arrays.copyOfRange(input, 1, input.length));
        for (int i = 0; i < 1000 && s.sessions().get(0).state() == SessionState.ESTABLISHED; i++) {
            int n = Decoder.frameLength(stream);
            if (n == 0) {
                break;
            }
            c.deliver(Unpooled.copiedBuffer(stream.readSlice(n == Decoder.BAD_HEADER ? 19 : n)));
            clock.advance(Duration.ofMillis(100));
            if (n == Decoder.BAD_HEADER) {
                break;
            }
        }
        SessionState state = s.sessions().get(0).state();
        if (state == SessionState.IDLE) {
            boolean notified = !c.sent.isEmpty() && c.last() instanceof Message.Notification
                    || s.sessions().get(0).lastNotificationReceived().isPresent();
            if (!notified || !c.closed) {
                throw new AssertionError("IDLE without a NOTIFICATION or with the connection open");
            }
        } else if (state != SessionState.ESTABLISHED) {
            throw new AssertionError("state " + state);
        }
        s.close();
    }
}
