package io.lvs4j.bgp;

import static io.lvs4j.bgp.LoopbackTest.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.internal.Addresses;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link BgpSpeaker#reconfigure} on real sockets over loopback: speaker A (127.0.0.2) changes its
 * neighbours while B (127.0.0.3) and C (127.0.0.4), speakers peering with A, watch what reaches
 * them.
 */
class ReconfigureTest {
    static final InetAddress A = Addresses.parse("127.0.0.2", "a");
    static final InetAddress B = Addresses.parse("127.0.0.3", "b");
    static final InetAddress C = Addresses.parse("127.0.0.4", "c");
    static final InetAddress VIP = Addresses.parse("198.51.100.10", "vip");

    final List<BgpSpeaker> speakers = new CopyOnWriteArrayList<>();
    final List<BgpEvent> eventsB = new CopyOnWriteArrayList<>();
    final List<BgpEvent> eventsC = new CopyOnWriteArrayList<>();
    int port;

    @BeforeEach
    void port() throws IOException {
        port = freePort();
    }

    @AfterEach
    void closeAll() {
        for (BgpSpeaker s : speakers) {
            s.close();
        }
    }

    static int freePort() throws IOException {
        for (int i = 0; i < 20; i++) {
            int p;
            try (ServerSocket s = new ServerSocket(0, 1, A)) {
                p = s.getLocalPort();
            }
            try (ServerSocket sb = new ServerSocket(p, 1, B); ServerSocket sc = new ServerSocket(p, 1, C)) {
                return p;
            } catch (IOException e) {
                // taken on another address: another one
            }
        }
        throw new IOException("no free port on the three loopback addresses");
    }

    BgpNeighbor neighbor(InetAddress peer, long as, int holdSeconds) {
        return BgpNeighbor.builder(peer).remoteAs(as).port(port).localAddress(A)
                .holdTime(Duration.ofSeconds(holdSeconds)).build();
    }

    BgpSpeaker.Builder a(String routerId, BgpNeighbor... neighbors) {
        return BgpSpeaker.builder().routerId(routerId).localAs(65002).neighbors(List.of(neighbors)).listenAddress(A)
                .listenPort(port).connectRetry(Duration.ofMillis(100), Duration.ofMillis(400));
    }

    /** A peer of A's at {@code self}, AS {@code as}. */
    BgpSpeaker peer(InetAddress self, String routerId, long as, List<BgpEvent> events) throws Exception {
        BgpSpeaker s = BgpSpeaker.builder().routerId(routerId).localAs(as)
                .neighbor(BgpNeighbor.builder(A).remoteAs(65002).port(port).localAddress(self)
                        .holdTime(Duration.ofSeconds(3)).build())
                .listenAddress(self).listenPort(port).connectRetry(Duration.ofMillis(100), Duration.ofMillis(400))
                .listener(events::add).build();
        speakers.add(s);
        s.start();
        return s;
    }

    static BgpSession session(BgpSpeaker s, InetAddress neighbor) {
        return s.sessions().stream().filter(x -> x.neighbor().address().equals(neighbor)).findFirst().orElseThrow();
    }

    static boolean established(BgpSpeaker s, InetAddress neighbor) {
        return session(s, neighbor).state() == SessionState.ESTABLISHED;
    }

    static boolean receivedCease(List<BgpEvent> events, int subcode) {
        return events.stream().anyMatch(e -> e instanceof BgpEvent.NotificationReceived n
                && n.notification().code() == 6 && n.notification().subcode() == subcode);
    }

    static long stateChanges(List<BgpEvent> events) {
        return events.stream().filter(e -> e instanceof BgpEvent.StateChanged).count();
    }

    @Test
    void reconfigure_neighborAdded_keptSessionStaysAndTheNewOneGetsTheRoutes() throws Exception {
        BgpSpeaker a = a("10.0.0.2", neighbor(B, 65003, 3)).build();
        speakers.add(a);
        a.start();
        BgpSpeaker b = peer(B, "10.0.0.3", 65003, eventsB);
        BgpSpeaker c = peer(C, "10.0.0.4", 65004, eventsC);
        a.announce(VIP);
        assertThat(waitUntil(() -> established(a, B) && session(b, A).updatesReceived() >= 2)).isTrue();
        long bChanges = stateChanges(eventsB);

        a.reconfigure(a("10.0.0.2", neighbor(B, 65003, 3), neighbor(C, 65004, 3)).build());

        assertThat(a.neighbors()).extracting(BgpNeighbor::address).containsExactly(B, C);
        assertThat(waitUntil(() -> established(a, C) && !session(a, C).announced().isEmpty()))
                .as("%s", a.sessions()).isTrue();
        assertThat(session(a, C).announced()).containsExactly(VIP);
        assertThat(session(a, B).establishedTransitions()).isEqualTo(1);
        assertThat(stateChanges(eventsB)).as("B's session state changes after the reload").isEqualTo(bChanges);
        assertThat(session(b, A).state()).isEqualTo(SessionState.ESTABLISHED);
    }

    @Test
    void reconfigure_neighborRemoved_itGetsCeasePeerDeconfiguredAndTheOtherStays() throws Exception {
        BgpSpeaker a = a("10.0.0.2", neighbor(B, 65003, 3), neighbor(C, 65004, 3)).build();
        speakers.add(a);
        a.start();
        BgpSpeaker b = peer(B, "10.0.0.3", 65003, eventsB);
        BgpSpeaker c = peer(C, "10.0.0.4", 65004, eventsC);
        assertThat(waitUntil(() -> established(a, B) && established(a, C) && established(b, A) && established(c, A)))
                .isTrue();
        long cChanges = stateChanges(eventsC);

        a.reconfigure(a("10.0.0.2", neighbor(C, 65004, 3)).build());

        assertThat(waitUntil(() -> receivedCease(eventsB, 3))).as("%s", eventsB).isTrue();
        assertThat(session(b, A).lastNotificationReceived()).hasValueSatisfying(n ->
                assertThat(n.toString()).isEqualTo("6/3 Cease/Peer De-configured"));
        assertThat(a.sessions()).extracting(x -> x.neighbor().address()).containsExactly(C);
        Thread.sleep(500); // B dials again: refused, never established
        assertThat(established(b, A)).isFalse();
        assertThat(stateChanges(eventsC)).isEqualTo(cChanges);
        assertThat(session(a, C).establishedTransitions()).isEqualTo(1);
    }

    @Test
    void reconfigure_holdTimeChanged_thatSessionRestartsWithOtherConfigurationChange() throws Exception {
        BgpSpeaker a = a("10.0.0.2", neighbor(B, 65003, 3), neighbor(C, 65004, 3)).build();
        speakers.add(a);
        a.start();
        BgpSpeaker b = peer(B, "10.0.0.3", 65003, eventsB);
        BgpSpeaker c = peer(C, "10.0.0.4", 65004, eventsC);
        assertThat(waitUntil(() -> established(a, B) && established(a, C) && established(b, A) && established(c, A)))
                .isTrue();
        long cChanges = stateChanges(eventsC);

        a.reconfigure(a("10.0.0.2", neighbor(B, 65003, 6), neighbor(C, 65004, 3)).build());

        assertThat(waitUntil(() -> receivedCease(eventsB, 6))).as("%s", eventsB).isTrue();
        assertThat(waitUntil(() -> established(a, B) && established(b, A))).isTrue();
        assertThat(session(a, B).neighbor().holdTime()).isEqualTo(Duration.ofSeconds(6));
        assertThat(session(b, A).establishedTransitions()).isEqualTo(2);
        assertThat(stateChanges(eventsC)).isEqualTo(cChanges);
    }

    @Test
    void reconfigure_routerIdChanged_everySessionRestartsAndThePeersSeeTheNewId() throws Exception {
        BgpSpeaker a = a("10.0.0.2", neighbor(B, 65003, 3), neighbor(C, 65004, 3)).build();
        speakers.add(a);
        a.start();
        BgpSpeaker b = peer(B, "10.0.0.3", 65003, eventsB);
        BgpSpeaker c = peer(C, "10.0.0.4", 65004, eventsC);
        assertThat(waitUntil(() -> established(b, A) && established(c, A))).isTrue();

        a.reconfigure(a("10.0.0.22", neighbor(B, 65003, 3), neighbor(C, 65004, 3)).build());

        InetAddress id = Addresses.parse("10.0.0.22", "id");
        assertThat(waitUntil(() -> receivedCease(eventsB, 6) && receivedCease(eventsC, 6))).isTrue();
        assertThat(waitUntil(() -> established(b, A) && established(c, A)
                && session(b, A).peerRouterId().orElseThrow().equals(id)
                && session(c, A).peerRouterId().orElseThrow().equals(id))).as("%s %s", b.sessions(), c.sessions())
                .isTrue();
        assertThat(a.routerId()).isEqualTo(id);
    }

    @Test
    void reconfigure_listenPortChanged_refusedAndNothingChanges() throws Exception {
        BgpSpeaker a = a("10.0.0.2", neighbor(B, 65003, 3)).build();
        speakers.add(a);
        a.start();
        BgpSpeaker b = peer(B, "10.0.0.3", 65003, eventsB);
        assertThat(waitUntil(() -> established(a, B))).isTrue();
        BgpSpeaker other = a("10.0.0.2", neighbor(C, 65004, 3)).listenPort(port + 1 > 65535 ? port - 1 : port + 1)
                .build();

        assertThat(a.reconfigurable(other)).isFalse();
        assertThatThrownBy(() -> a.reconfigure(other)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("settings: BgpSpeaker[10.0.0.2 AS65002 new neighbors=1] (expected: the same"
                        + " listener");
        assertThat(a.neighbors()).extracting(BgpNeighbor::address).containsExactly(B);
        Thread.sleep(300);
        assertThat(established(a, B) && established(b, A)).isTrue();
        assertThat(session(a, B).establishedTransitions()).isEqualTo(1);
    }

    @Test
    void reconfigure_beforeStart_startsWithTheNewNeighbors() throws Exception {
        BgpSpeaker a = a("10.0.0.2", neighbor(B, 65003, 3)).build();
        speakers.add(a);

        a.reconfigure(a("10.0.0.2", neighbor(C, 65004, 3)).build());
        a.start();
        BgpSpeaker c = peer(C, "10.0.0.4", 65004, eventsC);

        assertThat(waitUntil(() -> established(a, C) && established(c, A))).isTrue();
        assertThat(a.sessions()).hasSize(1);
    }
}
