package io.lvs4j.director;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.RealServer;
import io.lvs4j.VirtualService;
import io.lvs4j.health.CheckPolicy;
import io.lvs4j.health.Checks;
import io.lvs4j.health.FailureReason;
import io.lvs4j.health.HealthEvent;
import io.lvs4j.health.ServiceHealth;
import io.lvs4j.table.InMemoryIpvs;
import io.lvs4j.table.ServiceState;
import io.lvs4j.time.VirtualClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The in-memory director on a virtual clock with real TCP checks of real listeners on 127.0.0.1:
 * the table follows the health view as the checks find them, at virtual times the test decides.
 */
class DirectorVirtualClockChecksTest {
    private final VirtualClock clock = new VirtualClock();
    private final InMemoryIpvs table = new InMemoryIpvs();
    private final List<DirectorEvent> events = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /**
     * A listener on 127.0.0.1 that accepts and closes (at most 100 connections). Closing it waits
     * for its accepting thread: while that thread is blocked in accept the socket still listens.
     */
    private AutoCloseable listener(int[] port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        Thread t = new Thread(() -> {
            for (int i = 0; i < 100 && !s.isClosed(); i++) {
                try (Socket c = s.accept()) {
                    // a TCP check only connects
                } catch (IOException e) {
                    return;
                }
            }
        }, "listener " + s.getLocalPort());
        t.setDaemon(true);
        t.start();
        port[0] = s.getLocalPort();
        AutoCloseable close = () -> {
            s.close();
            t.join(5000);
        };
        open.add(close);
        return close;
    }

    private List<String> inTable(VirtualService vs) {
        ServiceState s = table.serviceStates().stream().filter(x -> x.service().key().equals(vs.key())).findFirst()
                .orElseThrow();
        return s.service().realServers().stream().map(r -> r.endpoint() + "=" + r.weight()).sorted().toList();
    }

    @Test
    void realTcpCheck_listenerClosed_realServerLeavesTheTable_eventSaysWhy() throws Exception {
        int[] pa = new int[1];
        int[] pb = new int[1];
        listener(pa);
        AutoCloseable b = listener(pb);
        RealServer ra = RealServer.of("127.0.0.1", pa[0]).masquerade().weight(3).build();
        RealServer rb = RealServer.of("127.0.0.1", pb[0]).masquerade().weight(1).build();
        VirtualService web = VirtualService.tcp("192.0.2.10", 80).realServer(ra).realServer(rb).build();
        CheckPolicy policy = CheckPolicy.builder().interval(Duration.ofSeconds(1)).fall(2).rise(2).build();
        Director d = Director.builder().ipvs(table).virtualClock(clock).listener(events::add)
                .service(ServiceHealth.builder(web).check(Checks.tcp().connectTimeout(Duration.ofSeconds(1)), policy)
                        .build())
                .start();
        open.add(0, d);
        clock.advance(Duration.ofMillis(3500)); // checks at 0, 1, 2, 3 s, done (one at 4 s would still run)
        assertThat(inTable(web)).containsExactlyInAnyOrder(ra.endpoint() + "=3", rb.endpoint() + "=1");

        b.close();
        clock.advance(Duration.ofSeconds(3)); // failures at 4 and 5 s: down at the second
        assertThat(inTable(web)).containsExactly(ra.endpoint() + "=3");
        DirectorState.Server s = d.state().service(web.key()).orElseThrow().realServer(rb.endpoint()).orElseThrow();
        assertThat(s.health()).isEqualTo(DirectorState.Health.DOWN);
        assertThat(events).filteredOn(e -> e instanceof DirectorEvent.Health).singleElement().satisfies(e -> {
            HealthEvent h = ((DirectorEvent.Health) e).event();
            assertThat(h.type()).isEqualTo(HealthEvent.Type.REAL_SERVER_DOWN);
            assertThat(h.realServer()).isEqualTo(rb);
            assertThat(h.cause().reason()).isEqualTo(FailureReason.REFUSED);
            assertThat(h.nanos()).isEqualTo(Duration.ofSeconds(5).toNanos());
        });
    }
}
