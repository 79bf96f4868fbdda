package io.lvs4j.director;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.Protocol;
import io.lvs4j.ServiceKey;
import io.lvs4j.SyncDaemon;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecoveryTest {
    private static final ServiceKey WEB = ServiceKey.of(Protocol.TCP, "192.0.2.10", 80);
    private static final ServiceKey MAIL = ServiceKey.of(Protocol.TCP, "192.0.2.10", 25);
    private static final ServiceKey DNS = ServiceKey.of(Protocol.UDP, "192.0.2.10", 53);
    private static final OwnershipRecord.Daemon SYNC = new OwnershipRecord.Daemon(SyncDaemon.Role.MASTER, "eth0", 5);

    private static OwnershipRecord.Vip vip(String a, boolean held) throws Exception {
        return new OwnershipRecord.Vip("VI_1", InetAddress.getByName(a), 32, "eth0", held);
    }

    private static OwnershipRecord crashed(List<OwnershipRecord.Vip> vips, Set<ServiceKey> services) {
        return new OwnershipRecord(99, "", null, vips, services, List.of(SYNC));
    }

    @Test
    void plan_atStart_everyRecordedVipRemovedHeldOrNot() throws Exception {
        OwnershipRecord r = crashed(List.of(vip("192.0.2.10", true), vip("192.0.2.11", false)), Set.of());

        Recovery.Plan p = Recovery.plan(r, Set.of(), Set.of(), Set.of(), true, Set.of());

        assertThat(p.removeAddresses()).containsExactly(vip("192.0.2.10", true), vip("192.0.2.11", false));
    }

    @Test
    void plan_vipHeldAsMasterNow_kept() throws Exception {
        OwnershipRecord r = crashed(List.of(vip("192.0.2.10", true), vip("192.0.2.11", true)), Set.of());

        Recovery.Plan p = Recovery.plan(r, Set.of(InetAddress.getByName("192.0.2.11")), Set.of(), Set.of(), true, Set.of());

        assertThat(p.removeAddresses()).containsExactly(vip("192.0.2.10", true));
    }

    @Test
    void plan_serviceNoLongerConfigured_removed_configuredOneAdopted_foreignUntouched() {
        ServiceKey foreign = ServiceKey.of(Protocol.TCP, "192.0.2.99", 80);
        OwnershipRecord r = crashed(List.of(), Set.of(WEB, MAIL));

        Recovery.Plan p = Recovery.plan(r, Set.of(), Set.of(WEB, DNS), Set.of(WEB, MAIL, foreign), true, Set.of());

        assertThat(p.removeServices()).containsExactly(MAIL);
        assertThat(p.adoptServices()).containsExactly(WEB);
    }

    @Test
    void plan_recordedServiceGoneFromTable_neitherRemovedNorAdopted() {
        OwnershipRecord r = crashed(List.of(), Set.of(WEB, MAIL));

        Recovery.Plan p = Recovery.plan(r, Set.of(), Set.of(WEB), Set.of(), true, Set.of());

        assertThat(p.removeServices()).isEmpty();
        assertThat(p.adoptServices()).isEmpty();
    }

    @Test
    void plan_syncDaemonNoLongerConfigured_stopped_configured_keptForTakeover() {
        OwnershipRecord r = crashed(List.of(), Set.of());

        assertThat(Recovery.plan(r, Set.of(), Set.of(), Set.of(), false, Set.of()).stopDaemons()).containsExactly(SYNC);
        assertThat(Recovery.plan(r, Set.of(), Set.of(), Set.of(), true, Set.of()).stopDaemons()).isEmpty();
    }

    @Test
    void plan_rhiAddressNotOnTheDeviceInTheNewRun_removed_stillAnnouncedOneAdopted() throws Exception {
        OwnershipRecord.Route kept = new OwnershipRecord.Route(InetAddress.getByName("198.51.100.10"), "lo");
        OwnershipRecord.Route gone = new OwnershipRecord.Route(InetAddress.getByName("198.51.100.11"), "lo");
        OwnershipRecord.Route moved = new OwnershipRecord.Route(InetAddress.getByName("198.51.100.10"), "dummy0");
        OwnershipRecord r = new OwnershipRecord(99, "", null, List.of(), List.of(kept, gone, moved), Set.of(),
                List.of());

        Recovery.Plan p = Recovery.plan(r, Set.of(), Set.of(), Set.of(), true, Set.of(kept));

        assertThat(p.removeRoutes()).containsExactly(gone, moved);
        assertThat(Recovery.plan(r, Set.of(), Set.of(), Set.of(), true, Set.of()).removeRoutes())
                .containsExactly(kept, gone, moved);
    }
}
