package io.lvs4j.director;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.Change;
import io.lvs4j.RealServer;
import io.lvs4j.VirtualService;
import io.lvs4j.table.InMemoryIpvs;
import io.lvs4j.table.IpvsException;
import io.lvs4j.table.ReconcileResult;
import io.lvs4j.table.ServiceState;
import io.lvs4j.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The periodic anti-entropy pass (issue 16, point 7): the table drifts behind the director's back
 * (a flush as {@code ipvsadm -C} does, a real server removed or reweighted, a change the kernel
 * refused) and the director puts back what it owns within {@link Director.Builder#repairInterval},
 * with a {@link DirectorEvent.Repaired}; services it does not own are left alone. Virtual clock,
 * in-memory table.
 */
class DirectorRepairTest {
    private final VirtualClock clock = new VirtualClock();
    private final RefusingTable table = new RefusingTable(new InMemoryIpvs());
    private final List<DirectorEvent> events = new ArrayList<>();
    private Director director;

    @AfterEach
    void close() {
        if (director != null) {
            director.close();
        }
    }

    private static final VirtualService WEB = VirtualService.tcp("192.0.2.100", 80).scheduler("rr")
            .realServer(RealServer.of("198.51.100.2", 80).weight(3).route())
            .realServer(RealServer.of("198.51.100.3", 80).weight(4).route()).build();
    private static final VirtualService OTHER = VirtualService.tcp("192.0.2.200", 80).scheduler("rr")
            .realServer(RealServer.of("198.51.100.9", 80).weight(1).route()).build();

    private Director start(Director.Builder b) throws Exception {
        director = b.service(WEB).ipvs(table).virtualClock(clock).listener(events::add).start();
        return director;
    }

    /** The table as "service: rs=weight ..." lines, sorted: independent of the director's code. */
    private Map<String, String> rules() throws IpvsException {
        Map<String, String> out = new TreeMap<>();
        for (ServiceState s : table.serviceStates()) {
            out.put(s.service().key().toString(), s.service().realServers().stream()
                    .map(r -> r.endpoint() + "=" + r.weight()).sorted().collect(Collectors.joining(" ")));
        }
        return out;
    }

    private List<DirectorEvent.Repaired> repairs() {
        return events.stream().filter(e -> e instanceof DirectorEvent.Repaired).map(e -> (DirectorEvent.Repaired) e)
                .toList();
    }

    @Test
    void repair_tableFlushedBehindItsBack_restoredWithinTheIntervalAndReported() throws Exception {
        start(Director.builder().repairInterval(Duration.ofSeconds(5)));
        Map<String, String> wanted = Map.of("TCP 192.0.2.100:80", "198.51.100.2:80=3 198.51.100.3:80=4");
        assertThat(rules()).isEqualTo(wanted);
        clock.advance(Duration.ofSeconds(12));
        assertThat(repairs()).isEmpty(); // nothing drifted: nothing done

        table.flush(); // ipvsadm -C
        clock.advance(Duration.ofMillis(2900));
        assertThat(rules()).isEmpty(); // not before the next pass (at 15 s)
        clock.advance(Duration.ofMillis(200));

        assertThat(rules()).isEqualTo(wanted);
        assertThat(repairs()).singleElement().satisfies(r -> {
            assertThat(r.nanos()).isEqualTo(Duration.ofSeconds(15).toNanos());
            assertThat(r.applied()).extracting(Change::kind).containsExactly(Change.Kind.ADD_SERVICE,
                    Change.Kind.ADD_SERVER, Change.Kind.ADD_SERVER);
        });
        int i = events.indexOf(repairs().get(0));
        assertThat(events.get(i + 1)).isInstanceOfSatisfying(DirectorEvent.KernelChange.class,
                k -> assertThat(k.applied()).isEqualTo(repairs().get(0).applied()));
        assertThat(director.state().service(WEB.key()).orElseThrow().installed()).isTrue();
    }

    @Test
    void repair_realServerRemovedAndReweighted_putBackLeavingOthersServicesAlone() throws Exception {
        start(Director.builder());
        table.apply(List.of(Change.addService(OTHER), Change.addServer(OTHER, OTHER.realServers().get(0))));
        table.apply(List.of(Change.removeServer(WEB, WEB.realServers().get(1)),
                Change.editServer(WEB, WEB.realServers().get(0).withWeight(9), WEB.realServers().get(0))));
        assertThat(rules()).containsEntry("TCP 192.0.2.100:80", "198.51.100.2:80=9");

        clock.advance(Duration.ofSeconds(10)); // the default interval

        assertThat(rules()).isEqualTo(Map.of("TCP 192.0.2.100:80", "198.51.100.2:80=3 198.51.100.3:80=4",
                "TCP 192.0.2.200:80", "198.51.100.9:80=1"));
        assertThat(repairs()).singleElement().satisfies(r -> assertThat(r.applied()).extracting(Change::kind)
                .containsExactlyInAnyOrder(Change.Kind.ADD_SERVER, Change.Kind.EDIT_SERVER));
    }

    @Test
    void repair_kernelRefusedTheChange_retriedUntilItWorksFailureReportedOnce() throws Exception {
        table.refuse = true;
        start(Director.builder().repairInterval(Duration.ofSeconds(1)));
        assertThat(rules()).isEmpty();
        clock.advance(Duration.ofSeconds(3));
        assertThat(events).filteredOn(e -> e instanceof DirectorEvent.Failure f && f.operation().equals("repair"))
                .hasSize(1);
        assertThat(rules()).isEmpty();

        table.refuse = false;
        clock.advance(Duration.ofSeconds(1));

        assertThat(rules()).isEqualTo(Map.of("TCP 192.0.2.100:80", "198.51.100.2:80=3 198.51.100.3:80=4"));
        assertThat(repairs()).hasSize(1);
    }

    @Test
    void repairInterval_zero_driftStaysUntilTheNextChange() throws Exception {
        start(Director.builder().repairInterval(Duration.ZERO));
        table.flush();
        clock.advance(Duration.ofMinutes(5));
        assertThat(rules()).isEmpty();
        assertThat(repairs()).isEmpty();
    }

    @Test
    void repairInterval_outOfRange_rejectedNamingTheSetting() {
        assertThatThrownBy(() -> Director.builder().repairInterval(Duration.ofMillis(50)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("repair interval: PT0.05S (expected: 0 (off) or 100 ms to 1 day)");
        assertThatThrownBy(() -> Director.builder().repairInterval(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void weight_tableDriftedBehindItsBack_changeSentAloneDriftRepairedByThePass() throws Exception {
        start(Director.builder().service(OTHER).repairInterval(Duration.ofSeconds(10)));
        table.apply(List.of(Change.editServer(WEB, WEB.realServers().get(1).withWeight(9), WEB.realServers().get(1))));
        int dumps = table.dumps;
        int sent = table.sent.size();

        director.weight(OTHER.key(), OTHER.realServers().get(0).address(), 80, 5);

        // the known table is trusted: one request, no dump, the drift in WEB not seen yet
        assertThat(table.dumps - dumps).isZero();
        assertThat(table.sent.subList(sent, table.sent.size())).singleElement()
                .satisfies(c -> assertThat(c.kind()).isEqualTo(Change.Kind.EDIT_SERVER));
        assertThat(rules()).containsEntry("TCP 192.0.2.100:80", "198.51.100.2:80=3 198.51.100.3:80=9")
                .containsEntry("TCP 192.0.2.200:80", "198.51.100.9:80=5");

        clock.advance(Duration.ofSeconds(10)); // the anti-entropy pass reads the table

        assertThat(rules()).isEqualTo(Map.of("TCP 192.0.2.100:80", "198.51.100.2:80=3 198.51.100.3:80=4",
                "TCP 192.0.2.200:80", "198.51.100.9:80=5"));
        assertThat(repairs()).singleElement().satisfies(r -> assertThat(r.applied()).singleElement()
                .satisfies(c -> assertThat(c.server().weight()).isEqualTo(4)));
    }

    @Test
    void weight_changeFailsOnAStaleTable_fullReadAndReconcileInTheSameCall() throws Exception {
        start(Director.builder().repairInterval(Duration.ZERO));
        table.flush(); // ipvsadm -C, and no refresh since: the known table still has WEB
        int dumps = table.dumps;

        ReconcileResult r = director.weight(WEB.key(), WEB.realServers().get(0).address(), 80, 7);

        assertThat(table.dumps - dumps).isEqualTo(1); // the fallback's one read
        assertThat(rules()).isEqualTo(Map.of("TCP 192.0.2.100:80", "198.51.100.2:80=7 198.51.100.3:80=4"));
        assertThat(r.applied()).extracting(Change::kind).containsExactly(Change.Kind.ADD_SERVICE,
                Change.Kind.ADD_SERVER, Change.Kind.ADD_SERVER);
        assertThat(director.state().service(WEB.key()).orElseThrow().applied().realServers())
                .extracting(RealServer::weight).containsExactlyInAnyOrder(7, 4);
    }

    @Test
    void weight_kernelRefusesTheChange_nextChangeIsAFullPassThatCatchesUp() throws Exception {
        start(Director.builder().service(OTHER).repairInterval(Duration.ZERO));
        table.refuse = true;
        assertThatThrownBy(() -> director.weight(WEB.key(), WEB.realServers().get(0).address(), 80, 7))
                .isInstanceOf(IpvsException.class);
        assertThat(rules()).containsEntry("TCP 192.0.2.100:80", "198.51.100.2:80=3 198.51.100.3:80=4");
        table.refuse = false;
        int dumps = table.dumps;

        director.weight(OTHER.key(), OTHER.realServers().get(0).address(), 80, 2);

        // the refused weight of WEB is sent with OTHER's: the change after a refusal reads the table
        assertThat(table.dumps - dumps).isGreaterThanOrEqualTo(1);
        assertThat(rules()).isEqualTo(Map.of("TCP 192.0.2.100:80", "198.51.100.2:80=7 198.51.100.3:80=4",
                "TCP 192.0.2.200:80", "198.51.100.9:80=2"));
        dumps = table.dumps;
        director.weight(OTHER.key(), OTHER.realServers().get(0).address(), 80, 3);
        assertThat(table.dumps - dumps).isZero(); // trusted again
    }

    /** A table that refuses every change while {@link #refuse} is set, as a kernel without a module would. */
    private static final class RefusingTable extends ForwardingTable {
        volatile boolean refuse;
        int dumps;
        final List<Change> sent = new ArrayList<>();

        @Override
        public List<ServiceState> serviceStates() throws IpvsException {
            dumps++;
            return table.serviceStates();
        }

        RefusingTable(InMemoryIpvs table) {
            super(table);
        }

        @Override
        public void apply(List<Change> changes) throws IpvsException {
            if (refuse && !changes.isEmpty()) {
                throw new IpvsException("IPVS_CMD_NEW_SERVICE", changes.get(0).key().toString(), 12,
                        "Cannot allocate memory", null, null);
            }
            sent.addAll(changes);
            table.apply(changes);
        }
    }
}
