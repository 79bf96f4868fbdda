package io.lvs4j.netlink;

import io.lvs4j.table.IpvsBatchException;
import io.lvs4j.table.IpvsTable;
import io.lvs4j.table.ReconcileException;
import io.lvs4j.table.ReconcileResult;
import io.lvs4j.table.Reconciler;
import io.lvs4j.table.ServiceState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.Change;
import io.lvs4j.ConfigDiff;
import io.lvs4j.DirectorConfig;
import io.lvs4j.RealServer;
import io.lvs4j.SchedulerFlag;
import io.lvs4j.Timeouts;
import io.lvs4j.VirtualService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a reconcile does to an IPVS table, checked the same way against the in-memory table
 * ({@link ReconcileContractTest}) and the real kernel in the lab ({@link ReconcileLabMain},
 * started by {@link ReconcileIT}). Every scenario starts from an empty table with the kernel's
 * default timeouts (900 120 300).
 */
final class ReconcileContract {
    private ReconcileContract() {}

    interface Check {
        void run(IpvsTable empty) throws Exception;
    }

    record Scenario(String name, Check check) {}

    static List<Scenario> scenarios() {
        return List.of(
                new Scenario("reconcile_fromEmpty_addsEverythingInDiffOrder", ReconcileContract::fromEmpty),
                new Scenario("reconcile_sameConfigTwice_secondChangesNothing", ReconcileContract::sameTwice),
                new Scenario("reconcile_settingsChanged_editedInPlaceWithSet", ReconcileContract::edited),
                new Scenario("reconcile_serversAndServiceLeft_deleted", ReconcileContract::removed),
                new Scenario("reconcile_timeoutsChanged_setOnce", ReconcileContract::timeouts),
                new Scenario("reconcile_refusedChanges_failedAndAppliedNamed", ReconcileContract::refused),
                new Scenario("reconcile_idleServerLeftWithDrain_deletedAtOnce", ReconcileContract::idleDrain));
    }

    static VirtualService web(int weight2) {
        return VirtualService.tcp("192.0.2.10", 80).scheduler("wrr")
                .realServer(RealServer.of("10.0.0.1", 8080).masquerade().weight(3))
                .realServer(RealServer.of("10.0.0.2", 80).route().weight(weight2).upperThreshold(100).lowerThreshold(10))
                .build();
    }

    static final VirtualService DNS6 = VirtualService.udp("2001:db8::1", 53).scheduler("rr")
            .realServer(RealServer.of("2001:db8:1::2", 53).masquerade().weight(2)).build();

    static final VirtualService MARK = VirtualService.fwmark(7).scheduler("sh").flags(SchedulerFlag.SH_PORT)
            .persistenceSeconds(300).persistenceNetmask("255.255.255.0")
            .realServer(RealServer.of("10.0.0.3", 0).route()).build();

    static DirectorConfig config(VirtualService... services) {
        return DirectorConfig.builder().services(List.of(services)).build();
    }

    /** The services with their real servers sorted, so that list order does not matter. */
    static Set<String> normalized(List<VirtualService> services) {
        return services.stream().map(s -> {
            List<RealServer> rs = new ArrayList<>(s.realServers());
            rs.sort(Comparator.comparing(RealServer::endpoint));
            return s.toBuilder().clearRealServers().realServers(rs).build().toString();
        }).collect(Collectors.toSet());
    }

    static void assertState(IpvsTable b, DirectorConfig want) throws Exception {
        List<VirtualService> now = b.serviceStates().stream().map(ServiceState::service).toList();
        assertThat(normalized(now)).isEqualTo(normalized(want.services()));
    }

    static List<Change.Kind> kinds(ReconcileResult r) {
        return r.applied().stream().map(Change::kind).toList();
    }

    static void fromEmpty(IpvsTable b) throws Exception {
        DirectorConfig want = config(web(1), DNS6, MARK);
        ReconcileResult r = Reconciler.builder(b).build().reconcile(want);
        assertThat(r.applied()).isEqualTo(ConfigDiff.from(want).changes());
        assertThat(r.applied()).hasSize(3 + 4);
        assertThat(r.draining()).isEmpty();
        assertState(b, want);
    }

    static void sameTwice(IpvsTable b) throws Exception {
        DirectorConfig want = config(web(1), DNS6, MARK);
        Reconciler rec = Reconciler.builder(b).build();
        rec.reconcile(want);
        ReconcileResult again = rec.reconcile(want);
        assertThat(again.applied()).isEmpty();
        assertThat(again.isEmpty()).isTrue();
        assertState(b, want);
    }

    static void edited(IpvsTable b) throws Exception {
        Reconciler rec = Reconciler.builder(b).build();
        rec.reconcile(config(web(1), DNS6, MARK));
        VirtualService web2 = web(5).toBuilder().scheduler("wlc").build();
        VirtualService dns2 = DNS6.toBuilder().clearRealServers()
                .realServer(RealServer.of("2001:db8:1::2", 53).masquerade().weight(2).upperThreshold(50)).build();
        VirtualService mark2 = MARK.toBuilder().persistenceSeconds(600).build();
        DirectorConfig want = config(web2, dns2, mark2);
        ReconcileResult r = rec.reconcile(want);
        assertThat(kinds(r)).containsExactlyInAnyOrder(Change.Kind.EDIT_SERVICE, Change.Kind.EDIT_SERVICE,
                Change.Kind.EDIT_SERVER, Change.Kind.EDIT_SERVER);
        assertThat(r.applied().stream().map(Change::toString))
                .contains("EDIT_SERVER TCP 192.0.2.10:80 -> 10.0.0.2:80 weight 1 -> 5");
        assertState(b, want);
    }

    static void removed(IpvsTable b) throws Exception {
        Reconciler rec = Reconciler.builder(b).build();
        rec.reconcile(config(web(1), DNS6, MARK));
        VirtualService web1 = web(1).toBuilder().removeRealServer(web(1).realServers().get(1).address(), 80)
                .realServer(RealServer.of("10.0.0.4", 80).masquerade()).build();
        DirectorConfig want = config(web1, MARK);
        ReconcileResult r = rec.reconcile(want);
        assertThat(r.applied().stream().map(Change::toString)).containsExactly(
                "ADD_SERVER TCP 192.0.2.10:80 -> 10.0.0.4:80",
                "REMOVE_SERVER TCP 192.0.2.10:80 -> 10.0.0.2:80",
                "REMOVE_SERVICE UDP [2001:db8::1]:53");
        assertState(b, want);
    }

    static void timeouts(IpvsTable b) throws Exception {
        Reconciler rec = Reconciler.builder(b).build();
        DirectorConfig want = config(MARK).toBuilder().timeouts(Timeouts.ofSeconds(0, 30, 0)).build();
        ReconcileResult r = rec.reconcile(want);
        assertThat(r.applied().get(r.applied().size() - 1)).isEqualTo(Change.setTimeouts(Timeouts.ofSeconds(0, 30, 0)));
        assertThat(b.timeouts()).isEqualTo(Timeouts.ofSeconds(900, 30, 300));
        assertThat(rec.reconcile(want).applied()).isEmpty();
    }

    static void refused(IpvsTable b) throws Exception {
        VirtualService bad = VirtualService.tcp("192.0.2.20", 80).scheduler("twos")
                .realServer(RealServer.of("10.0.0.5", 80).masquerade()).build();
        DirectorConfig want = config(web(1), bad, MARK);
        List<Change> plan = ConfigDiff.from(want).changes();
        assertThatThrownBy(() -> Reconciler.builder(b).build().reconcile(want))
                .isInstanceOfSatisfying(ReconcileException.class, e -> {
                    assertThat(e.failures()).extracting(f -> f.change().toString()).containsExactly(
                            "ADD_SERVICE TCP 192.0.2.20:80", "ADD_SERVER TCP 192.0.2.20:80 -> 10.0.0.5:80");
                    assertThat(e.failures()).extracting(f -> f.error().errno()).containsExactly(2, 3);
                    assertThat(e.applied()).isEqualTo(plan.stream()
                            .filter(c -> !c.key().equals(bad.key())).toList());
                    assertThat(e.notSent()).isEmpty();
                    assertThat(e.inDoubt()).isEmpty();
                    assertThat(e.errno()).isEqualTo(2);
                    assertThat(e.getCause()).isInstanceOf(IpvsBatchException.class);
                    assertThat(e.getMessage()).startsWith("reconcile of 7 changes: 2 failed, 5 applied, 0 not sent; "
                            + "ADD_SERVICE TCP 192.0.2.20:80: IPVS_CMD_NEW_SERVICE failed: No such file or directory"
                            + " (errno 2) for ");
                });
        // what it reported applied is what the table holds
        assertState(b, config(web(1), MARK));
    }

    static void idleDrain(IpvsTable b) throws Exception {
        Reconciler rec = Reconciler.builder(b).drainTimeout(Duration.ofMinutes(5)).build();
        rec.reconcile(config(web(1)));
        VirtualService one = web(1).toBuilder().removeRealServer(web(1).realServers().get(0).address(), 8080).build();
        ReconcileResult r = rec.reconcile(config(one));
        assertThat(r.applied().stream().map(Change::toString))
                .containsExactly("REMOVE_SERVER TCP 192.0.2.10:80 -> 10.0.0.1:8080");
        assertThat(r.draining()).isEmpty();
        assertThat(rec.drains()).isEmpty();
        assertState(b, config(one));
    }
}
