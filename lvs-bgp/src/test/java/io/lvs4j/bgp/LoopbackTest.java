package io.lvs4j.bgp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs4j.internal.Addresses;
import io.lvs4j.netlink.InterfaceException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two speakers peering with each other over loopback (127.0.0.2 and 127.0.0.3) on the real
 * transport and their own threads: both listen and both dial, so the connection collision is
 * resolved on real sockets; TCP MD5 on real sockets when the kernel has it.
 */
class LoopbackTest {
    static final InetAddress A = Addresses.parse("127.0.0.2", "a");
    static final InetAddress B = Addresses.parse("127.0.0.3", "b");
    final List<BgpSpeaker> speakers = new CopyOnWriteArrayList<>();
    final List<BgpEvent> eventsA = new CopyOnWriteArrayList<>();
    final List<BgpEvent> eventsB = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() {
        for (BgpSpeaker s : speakers) {
            s.close();
        }
    }

    static int freePort() throws IOException {
        for (int i = 0; i < 20; i++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, A)) {
                port = s.getLocalPort();
            }
            try (ServerSocket s = new ServerSocket(port, 1, B)) {
                return s.getLocalPort();
            } catch (IOException e) {
                // taken on the other address: another one
            }
        }
        throw new IOException("no free port on both loopback addresses");
    }

    BgpSpeaker speaker(InetAddress self, String id, long as, InetAddress peer, long peerAs, int port, String password,
            List<BgpEvent> events) {
        BgpNeighbor.Builder n = BgpNeighbor.builder(peer).remoteAs(peerAs).port(port).localAddress(self)
                .holdTime(Duration.ofSeconds(3));
        if (password != null) {
            n.password(password);
        }
        BgpSpeaker s = BgpSpeaker.builder().routerId(id).localAs(as).neighbor(n.build()).listenAddress(self)
                .listenPort(port).connectRetry(Duration.ofMillis(100), Duration.ofMillis(400)).listener(events::add)
                .build();
        speakers.add(s);
        return s;
    }

    static boolean waitUntil(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }

    static SessionState state(BgpSpeaker s) {
        return s.sessions().get(0).state();
    }

    @Test
    void bothDial_oneConnectionSurvivesAndBothAreEstablished() throws Exception {
        int port = freePort();
        BgpSpeaker a = speaker(A, "10.0.0.2", 65002, B, 65003, port, null, eventsA);
        BgpSpeaker b = speaker(B, "10.0.0.3", 65003, A, 65002, port, null, eventsB);
        a.start();
        b.start();

        assertThat(waitUntil(() -> state(a) == SessionState.ESTABLISHED && state(b) == SessionState.ESTABLISHED))
                .as("%s / %s", a.sessions(), b.sessions()).isTrue();
        // one TCP connection: each side's local end is the other's remote end
        InetSocketAddress aLocal = a.sessions().get(0).localEndpoint().get();
        InetSocketAddress bRemote = b.sessions().get(0).remoteEndpoint().get();
        assertThat(waitUntil(() -> b.sessions().get(0).remoteEndpoint().get().equals(
                a.sessions().get(0).localEndpoint().get()))).as("%s vs %s", aLocal, bRemote).isTrue();
        assertThat(a.sessions().get(0).fourOctetAs()).isTrue();
        assertThat(a.sessions().get(0).peerRouterId()).contains((java.net.Inet4Address) Addresses.parse("10.0.0.3", "b"));
    }

    @Test
    void bothDialAtOnceTenTimes_alwaysOneSessionWithinSeconds() throws Exception {
        // two speakers started together dial each other at the same moment: collisions, and
        // (before a speaker waiting to start again took the peer's connection) refusals in turn
        for (int round = 0; round < 10; round++) {
            int port = freePort();
            BgpSpeaker a = speaker(A, "10.0.0.2", 65002, B, 65003, port, null, eventsA);
            BgpSpeaker b = speaker(B, "10.0.0.3", 65003, A, 65002, port, null, eventsB);
            Thread ta = new Thread(() -> start(a));
            Thread tb = new Thread(() -> start(b));
            ta.start();
            tb.start();
            ta.join();
            tb.join();

            assertThat(waitUntil(() -> state(a) == SessionState.ESTABLISHED && state(b) == SessionState.ESTABLISHED))
                    .as("round %d: %s / %s", round, a.sessions(), b.sessions()).isTrue();
            a.close();
            b.close();
        }
    }

    private static void start(BgpSpeaker s) {
        try {
            s.start();
        } catch (InterfaceException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void announceWithdrawAndClose_peerSeesUpdatesThenTheCease() throws Exception {
        int port = freePort();
        BgpSpeaker a = speaker(A, "10.0.0.2", 65002, B, 65003, port, null, eventsA);
        BgpSpeaker b = speaker(B, "10.0.0.3", 65003, A, 65002, port, null, eventsB);
        a.start();
        b.start();
        assertThat(waitUntil(() -> state(a) == SessionState.ESTABLISHED && state(b) == SessionState.ESTABLISHED))
                .isTrue();
        // a's End-of-RIB (IPv4 only) first: B may be ESTABLISHED before it arrives
        assertThat(waitUntil(() -> b.sessions().get(0).updatesReceived() == 1)).isTrue();
        long before = 1;

        a.announce(Addresses.parse("198.51.100.10", "vip"));
        a.announce(Addresses.parse("2001:db8::10", "vip")); // no IPv6 next hop on an IPv4 session: not sent
        assertThat(waitUntil(() -> b.sessions().get(0).updatesReceived() == before + 1)).isTrue();
        // a's session records what it sent on its own loop: the peer may count the update first
        waitUntil(() -> !a.sessions().get(0).announced().isEmpty());
        assertThat(a.sessions().get(0).announced()).containsExactly(Addresses.parse("198.51.100.10", "vip"));
        a.withdraw(Addresses.parse("198.51.100.10", "vip"));
        assertThat(waitUntil(() -> b.sessions().get(0).updatesReceived() == before + 2)).isTrue();

        a.close();

        assertThat(waitUntil(() -> state(b) != SessionState.ESTABLISHED)).isTrue();
        assertThat(b.sessions().get(0).lastNotificationReceived()).hasValueSatisfying(n ->
                assertThat(n.toString()).isEqualTo("6/2 Cease/Administrative Shutdown: \"lvs4j: shutdown\""));
    }

    @Test
    void wildcardListener_acceptsIpv4AndIpv6Peers() throws Exception {
        InetAddress v6 = Addresses.parse("::1", "v6");
        try (ServerSocket probe = new ServerSocket(0, 1, v6)) {
            assumeTrue(probe.isBound(), "IPv6 loopback");
        } catch (IOException e) {
            assumeTrue(false, "no IPv6 loopback: " + e.getMessage());
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        BgpSpeaker a = BgpSpeaker.builder().routerId("10.0.0.2").localAs(65002).listenPort(port)
                .neighbor(BgpNeighbor.builder(B).remoteAs(65003).passive(true).build())
                .neighbor(BgpNeighbor.builder(v6).remoteAs(65004).passive(true).build()).build();
        BgpSpeaker b = BgpSpeaker.builder().routerId("10.0.0.3").localAs(65003).listen(false)
                .neighbor(BgpNeighbor.builder(A).remoteAs(65002).port(port).localAddress(B).build()).build();
        BgpSpeaker c = BgpSpeaker.builder().routerId("10.0.0.4").localAs(65004).listen(false)
                .neighbor(BgpNeighbor.builder(v6).remoteAs(65002).port(port).localAddress(v6).build()).build();
        speakers.addAll(List.of(a, b, c));
        a.start();
        b.start();
        c.start();

        assertThat(waitUntil(() -> a.sessions().stream().allMatch(x -> x.state() == SessionState.ESTABLISHED)))
                .as("%s", a.sessions()).isTrue();
        assertThat(a.sessions().get(1).localEndpoint().get().getAddress()).isEqualTo(v6);
        assertThat(a.sessions().get(0).localEndpoint().get().getAddress()).isEqualTo(A);
    }

    @Test
    void tcpMd5_samePassword_established() throws Exception {
        assumeTrue(BgpSpeaker.isTcpMd5Available(), () -> "TCP MD5: " + BgpSpeaker.tcpMd5UnavailabilityCause());
        int port = freePort();
        BgpSpeaker a = speaker(A, "10.0.0.2", 65002, B, 65003, port, "lvs4j-md5", eventsA);
        BgpSpeaker b = speaker(B, "10.0.0.3", 65003, A, 65002, port, "lvs4j-md5", eventsB);
        a.start();
        b.start();

        assertThat(waitUntil(() -> state(a) == SessionState.ESTABLISHED && state(b) == SessionState.ESTABLISHED))
                .as("%s / %s", a.sessions(), b.sessions()).isTrue();
    }

    @Test
    void tcpMd5_differentPasswords_noSession() throws Exception {
        assumeTrue(BgpSpeaker.isTcpMd5Available(), () -> "TCP MD5: " + BgpSpeaker.tcpMd5UnavailabilityCause());
        int port = freePort();
        BgpSpeaker a = speaker(A, "10.0.0.2", 65002, B, 65003, port, "one", eventsA);
        BgpSpeaker b = speaker(B, "10.0.0.3", 65003, A, 65002, port, "two", eventsB);
        a.start();
        b.start();

        Thread.sleep(2000);

        assertThat(eventsA).noneMatch(e -> e instanceof BgpEvent.StateChanged sc && sc.to() == SessionState.OPEN_SENT);
        assertThat(eventsB).noneMatch(e -> e instanceof BgpEvent.StateChanged sc && sc.to() == SessionState.OPEN_SENT);
    }

    @Test
    void tcpMd5_oneSideWithout_noSession() throws Exception {
        assumeTrue(BgpSpeaker.isTcpMd5Available(), () -> "TCP MD5: " + BgpSpeaker.tcpMd5UnavailabilityCause());
        int port = freePort();
        BgpSpeaker a = speaker(A, "10.0.0.2", 65002, B, 65003, port, "one", eventsA);
        BgpSpeaker b = speaker(B, "10.0.0.3", 65003, A, 65002, port, null, eventsB);
        a.start();
        b.start();

        Thread.sleep(2000);

        assertThat(state(a)).isNotEqualTo(SessionState.ESTABLISHED);
        assertThat(eventsB).noneMatch(e -> e instanceof BgpEvent.StateChanged sc && sc.to() == SessionState.OPEN_CONFIRM);
    }

    @Test
    void start_listenPortTaken_interfaceExceptionWithErrnoAndNothingLeftRunning() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, A)) {
            BgpSpeaker a = speaker(A, "10.0.0.2", 65002, B, 65003, taken.getLocalPort(), null, eventsA);

            assertThatThrownBy(a::start).isInstanceOf(InterfaceException.class)
                    .hasMessageStartingWith("bind failed: Address already in use (errno 98) for BGP listener 127.0.0.2:"
                            + taken.getLocalPort())
                    .satisfies(e -> assertThat(((InterfaceException) e).errno()).isEqualTo(98));
            assertThat(a.toString()).contains(" closed ");
            assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("lvs4j-bgp") && t.isAlive()
                    && waitDead(t));
        }
    }

    @Test
    void start_networkNamespaceMissing_interfaceExceptionNamingIt() {
        BgpSpeaker s = BgpSpeaker.builder().routerId("10.0.0.2").localAs(65002)
                .neighbor(BgpNeighbor.builder(B).remoteAs(65003).build()).networkNamespace("lvs4j-bgp-no-such-netns")
                .build();
        speakers.add(s);
        long t0 = System.nanoTime();

        assertThatThrownBy(s::start).isInstanceOf(InterfaceException.class)
                .hasMessageContaining("network namespace lvs4j-bgp-no-such-netns");
        assertThat(System.nanoTime() - t0).isLessThan(Duration.ofSeconds(5).toNanos());
    }

    private static boolean waitDead(Thread t) {
        try {
            t.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return t.isAlive();
    }
}
