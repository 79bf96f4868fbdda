package io.lvs4j.director;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.RealServer;
import io.lvs4j.UncheckedOsException;
import io.lvs4j.VirtualService;
import io.lvs4j.health.CheckPolicy;
import io.lvs4j.health.Checks;
import io.lvs4j.health.FailureReason;
import io.lvs4j.health.HealthEvent;
import io.lvs4j.health.ServiceHealth;
import io.lvs4j.table.ReconcileException;
import io.lvs4j.table.ServiceState;
import io.lvs4j.time.VirtualClock;
import io.lvs4j.vrrp.RouterState;
import io.lvs4j.vrrp.VrrpInstance;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InMemoryDirectorTest {
    private final VirtualClock clock = new VirtualClock();
    private final List<DirectorEvent> events = new CopyOnWriteArrayList<>();
    private InMemoryDirector director;
    private ServerSocket silent;

    @AfterEach
    void close() throws Exception {
        if (director != null) {
            director.close();
        }
        if (silent != null) {
            silent.close();
        }
    }

    private static VirtualService web(int weight3) {
        return VirtualService.tcp("192.0.2.10", 80).scheduler("wrr")
                .realServer(RealServer.of("10.0.0.2", 80).weight(3).route())
                .realServer(RealServer.of("10.0.0.3", 80).weight(weight3).route()).build();
    }

    private Director.Builder builder(VirtualService web) {
        return Director.builder().service(web)
                .vrrpInstance(VrrpInstance.builder("VI_1").interfaceName("eth0").virtualRouterId(51).priority(100)
                        .virtualAddress("192.0.2.10/24").build())
                .listener(events::add);
    }

    private String rules() {
        return director.table().serviceStates().stream().map(ServiceState::service)
                .map(s -> s.key() + " " + s.realServers().stream().map(r -> r.endpoint() + "=" + r.weight())
                        .sorted().collect(Collectors.joining(" ")))
                .collect(Collectors.joining("\n"));
    }

    @Test
    void start_oneCall_tableProgrammedAndVrrpMasterOnTheVirtualClock() {
        director = InMemoryDirector.start(builder(web(1)), clock);

        assertThat(rules()).isEqualTo("TCP 192.0.2.10:80 10.0.0.2:80=3 10.0.0.3:80=1");
        assertThat(director.state().instance("VI_1").orElseThrow().state()).isNotEqualTo(RouterState.MASTER);
        director.advance(Duration.ofSeconds(4));
        assertThat(director.state().instance("VI_1").orElseThrow().state()).isEqualTo(RouterState.MASTER);
        assertThat(director.clock()).isSameAs(clock);
        assertThat(events).anyMatch(e -> e instanceof DirectorEvent.VirtualAddresses v && v.held());
    }

    @Test
    void weight_noCheckedException_oneChangeInTheTable() {
        director = InMemoryDirector.start(builder(web(1)), clock);
        int before = director.table().requests().size();

        director.weight(web(1).key(), address("10.0.0.3"), 80, 5);

        assertThat(director.table().requests()).hasSize(before + 1);
        assertThat(rules()).isEqualTo("TCP 192.0.2.10:80 10.0.0.2:80=3 10.0.0.3:80=5");
        assertThat(director.state().service(web(1).key()).orElseThrow().realServer("10.0.0.3:80").orElseThrow()
                .appliedWeight()).isEqualTo(5);
    }

    @Test
    void putService_schedulerTheTableLacks_uncheckedWithTheKernelPathsExceptionAsCause() {
        director = InMemoryDirector.start(builder(web(1)), clock);
        VirtualService twos = VirtualService.tcp("192.0.2.11", 80).scheduler("twos")
                .realServer(RealServer.of("10.0.0.4", 80).route()).build();

        assertThatThrownBy(() -> director.putService(twos)).isInstanceOf(UncheckedOsException.class)
                .satisfies(e -> assertThat(((UncheckedOsException) e).getCause()).isInstanceOf(ReconcileException.class))
                .hasMessageContaining("192.0.2.11:80");
    }

    @Test
    void realCheckStillRunningPastItsWatchdog_reportedLate_realServerLeavesTheTable() throws Exception {
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()); // connects, never answers
        RealServer rs = RealServer.of("127.0.0.1", silent.getLocalPort()).weight(2).masquerade().build();
        VirtualService vs = VirtualService.tcp("192.0.2.20", 80).realServer(rs).build();
        CheckPolicy policy = CheckPolicy.builder().interval(Duration.ofSeconds(1)).fall(1)
                .watchdog(Duration.ofMillis(300)).build();
        director = InMemoryDirector.start(Director.builder().service(ServiceHealth.builder(vs)
                .check(Checks.http("/").readTimeout(Duration.ofSeconds(30)), policy).build())
                .listener(events::add), clock);
        assertThat(rules()).isEqualTo("TCP 192.0.2.20:80 127.0.0.1:" + silent.getLocalPort() + "=2");

        director.advance(Duration.ofSeconds(2));

        assertThat(events).filteredOn(DirectorEvent.Health.class::isInstance)
                .map(e -> ((DirectorEvent.Health) e).event()).first().satisfies(h -> {
                    assertThat(h.type()).isEqualTo(HealthEvent.Type.CHECK_LATE);
                    assertThat(h.cause().reason()).isEqualTo(FailureReason.CHECKER_ERROR);
                    assertThat(h.detail()).contains("still running");
                });
        assertThat(rules()).isEqualTo("TCP 192.0.2.20:80 ");
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
