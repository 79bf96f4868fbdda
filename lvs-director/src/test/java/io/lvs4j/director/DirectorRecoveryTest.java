package io.lvs4j.director;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.Change;
import io.lvs4j.DirectorConfig;
import io.lvs4j.Protocol;
import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.VirtualService;
import io.lvs4j.bgp.BgpNeighbor;
import io.lvs4j.bgp.BgpSpeaker;
import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.director.config.ReadOptions;
import io.lvs4j.table.InMemoryIpvs;
import io.lvs4j.table.Reconciler;
import io.lvs4j.table.RealServerState;
import io.lvs4j.table.ServiceState;
import io.lvs4j.time.VirtualClock;
import io.lvs4j.vrrp.RouterState;
import io.lvs4j.vrrp.memory.InMemoryNetwork;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The namespace lock and the crash recovery, in memory: the IPVS table an {@link InMemoryIpvs}, VRRP on a virtual clock. */
class DirectorRecoveryTest {
    private static final ServiceKey WEB = ServiceKey.of(Protocol.TCP, "192.0.2.100", 80);
    private static final ServiceKey MAIL = ServiceKey.of(Protocol.TCP, "192.0.2.100", 25);
    private static final ServiceKey FOREIGN = ServiceKey.of(Protocol.TCP, "203.0.113.7", 80);
    private static final String CONF = "vrrp_instance VI_1 {\n state BACKUP\n interface eth0\n virtual_router_id 51\n"
            + " priority 100\n advert_int 1\n virtual_ipaddress {\n  192.0.2.100/24\n }\n}\n"
            + "virtual_server 192.0.2.100 80 {\n lb_algo wrr\n lb_kind DR\n protocol TCP\n"
            + " real_server 198.51.100.2 80 {\n  weight 3\n }\n}\n";

    @TempDir
    Path run;

    private final VirtualClock clock = new VirtualClock();
    private final InMemoryNetwork network = new InMemoryNetwork(clock);
    private final InMemoryIpvs table = new InMemoryIpvs();
    private final List<OwnershipRecord.Vip> removedVips = new ArrayList<>();
    private final List<DirectorEvent> events = new ArrayList<>();
    private final List<Director> started = new ArrayList<>();

    @AfterEach
    void closeAll() {
        started.forEach(Director::close);
    }

    private static VirtualService web() {
        return VirtualService.tcp("192.0.2.100", 80).scheduler("wrr")
                .realServer(RealServer.of("198.51.100.2", 80).weight(3).route()).build();
    }

    private static VirtualService plain(String address, int port) {
        return VirtualService.tcp(address, port).scheduler("rr")
                .realServer(RealServer.of("198.51.100.9", port).weight(1).route()).build();
    }

    private Director.Builder builder() throws Exception {
        KeepalivedConfig c = KeepalivedConfig.parse("keepalived.conf", CONF, ReadOptions.defaults()).config();
        return Director.builder().config(c.toDirectorConfig()).ipvs(table).virtualClock(clock)
                .inMemoryVrrp(network, "a", InetAddress.getByName("192.0.2.1")).runDirectory(run)
                .addressRemover(new AddressRemover() {
                    @Override
                    public boolean remove(OwnershipRecord.Vip vip) {
                        removedVips.add(vip);
                        return true;
                    }

                    @Override
                    public void close() {}
                }).listener(events::add);
    }

    private Director start(Director.Builder b) throws Exception {
        Director d = b.start();
        started.add(d);
        return d;
    }

    private Path recordFile() throws Exception {
        long inode = ((Number) Files.getAttribute(Path.of("/proc/thread-self/ns/net"), "unix:ino")).longValue();
        return run.resolve("netns-" + inode + ".owned");
    }

    private OwnershipRecord record() throws Exception {
        return OwnershipRecord.parse("record", Files.readString(recordFile()));
    }

    private Set<String> keys() {
        Set<String> out = new TreeSet<>();
        for (ServiceState s : table.serviceStates()) {
            out.add(s.service().key().toString());
        }
        return out;
    }

    /** What a director killed while master leaves: its services in the table, its record, no lock. */
    private void crashedRun() throws Exception {
        Reconciler.builder(table).build().reconcile(DirectorConfig.builder().service(web())
                .service(plain("192.0.2.100", 25)).service(plain("203.0.113.7", 80)).build());
        table.connections(WEB, "198.51.100.2", 80, 5, 7);
        Files.writeString(recordFile(), """
                lvs4j-ownership 1
                pid 4242
                netns -
                vip 192.0.2.100/24 dev eth0 held instance VI_1
                service TCP 192.0.2.100:80
                service TCP 192.0.2.100:25
                """);
    }

    @Test
    void start_secondDirectorSameNamespace_failsNamingPid_changesNothing() throws Exception {
        Director first = start(builder());
        clock.advance(Duration.ofSeconds(5));
        List<String> requests = table.requests();
        String recordBefore = Files.readString(recordFile());

        Director.Builder second = Director.builder().ipvs(table).service(plain("192.0.2.100", 25))
                .virtualClock(new VirtualClock()).runDirectory(run);
        assertThatThrownBy(second::start).isInstanceOfSatisfying(DirectorLockException.class, e -> {
            assertThat(e.holderPid()).hasValue(ProcessHandle.current().pid());
            assertThat(e.getMessage()).contains("another lvs4j director runs in the current network namespace");
        });

        assertThat(table.requests()).isEqualTo(requests);
        assertThat(keys()).containsExactly("TCP 192.0.2.100:80");
        assertThat(Files.readString(recordFile())).isEqualTo(recordBefore);
        assertThat(first.state().instance("VI_1").orElseThrow().addressesHeld()).isTrue();
    }

    @Test
    void start_afterCrash_staleVipRemovedBeforeVrrp_orphanDeleted_keptServiceAdoptedWithConnections()
            throws Exception {
        crashedRun();
        int requestsBefore = table.requests().size();

        start(builder());

        assertThat(removedVips).containsExactly(new OwnershipRecord.Vip("VI_1", InetAddress.getByName("192.0.2.100"),
                24, "eth0", true));
        assertThat(keys()).containsExactly("TCP 192.0.2.100:80", "TCP 203.0.113.7:80"); // foreign one untouched
        List<String> requests = table.requests().subList(requestsBefore, table.requests().size());
        assertThat(requests).hasSize(1).allSatisfy(r -> assertThat(r).contains("192.0.2.100:25"));
        RealServerState rs = table.serviceStates().stream().filter(s -> s.service().key().equals(WEB)).findFirst()
                .orElseThrow().realServer(InetAddress.getByName("198.51.100.2"), 80).orElseThrow();
        assertThat(rs.activeConnections()).isEqualTo(5); // not flushed, not re-created
        assertThat(rs.inactiveConnections()).isEqualTo(7);
        DirectorEvent.Recovered r = events.stream().filter(DirectorEvent.Recovered.class::isInstance)
                .map(DirectorEvent.Recovered.class::cast).findFirst().orElseThrow();
        assertThat(r.previousPid()).isEqualTo(4242);
        assertThat(r.addressesRemoved()).singleElement().satisfies(a -> {
            assertThat(a.address()).isEqualTo(InetAddress.getByName("192.0.2.100"));
            assertThat(a.prefixLength()).isEqualTo(24);
            assertThat(a.device()).contains("eth0");
            assertThat(a).hasToString("192.0.2.100/24 dev eth0");
        });
        assertThat(r.servicesRemoved()).containsExactly(MAIL);
        assertThat(r.servicesAdopted()).containsExactly(WEB);
        // the recovery came before any VRRP action and before the deletion
        assertThat(events.indexOf(r)).isLessThan(events.indexOf(events.stream()
                .filter(e -> e instanceof DirectorEvent.KernelChange k && k.applied().stream()
                        .anyMatch(c -> c.kind() == Change.Kind.REMOVE_SERVICE)).findFirst().orElseThrow()));
        assertThat(events).noneMatch(e -> e instanceof DirectorEvent.VirtualAddresses && events.indexOf(e) < events
                .indexOf(r));
        assertThat(record().pid).isEqualTo(ProcessHandle.current().pid());
        assertThat(record().services).containsExactly(WEB);
    }

    @Test
    void start_afterCrash_recordedVipComesBackWhenMaster() throws Exception {
        crashedRun();
        Director d = start(builder());
        assertThat(record().vips).singleElement().satisfies(v -> assertThat(v.held()).isFalse());

        clock.advance(Duration.ofSeconds(5)); // alone: master

        assertThat(d.state().instance("VI_1").orElseThrow().state()).isEqualTo(RouterState.MASTER);
        assertThat(record().vips).singleElement().satisfies(v -> {
            assertThat(v.held()).isTrue();
            assertThat(v.device()).isEqualTo("eth0");
            assertThat(v.prefixLength()).isEqualTo(24);
        });
    }

    @Test
    void record_followsOwnership_putAndRemoveService_cleanCloseRemovesIt() throws Exception {
        Director d = start(builder());
        assertThat(record().services).containsExactly(WEB);

        d.putService(plain("192.0.2.100", 25));
        assertThat(record().services).containsExactlyInAnyOrder(WEB, MAIL);
        d.removeService(MAIL);
        assertThat(record().services).containsExactly(WEB);

        d.close();
        assertThat(recordFile()).doesNotExist();
        start(builder()).close(); // the lock was released
        assertThat(removedVips).isEmpty(); // no record: nothing to recover
    }

    @Test
    void start_afterCrash_recordedSyncDaemonNoLongerConfigured_stopped() throws Exception {
        table.startDaemon(io.lvs4j.SyncDaemon.builder(io.lvs4j.SyncDaemon.Role.MASTER, "eth0").syncId(51).build());
        Files.writeString(recordFile(), "lvs4j-ownership 1\npid 4242\nnetns -\nsync-daemon MASTER dev eth0 syncid 51\n");

        start(builder());

        assertThat(table.daemons()).isEmpty();
        assertThat(record().daemons).isEmpty();
    }

    @Test
    void exclusive_defaults_onForTheKernelOffInMemory() throws Exception {
        assertThat(Director.builder().exclusiveNow()).isTrue(); // the kernel's table
        assertThat(Director.builder().ipvs(table).exclusiveNow()).isFalse();
        assertThat(Director.builder().ipvs(table).vrrpInstance(HostLab.lvs4jInstance("VI_1",
                io.lvs4j.vrrp.InitialState.BACKUP, 1, 100, "192.0.2.9/32")).exclusiveNow()).isTrue(); // raw VRRP
        assertThat(Director.builder().virtualClock(clock).exclusiveNow()).isFalse();
        assertThat(Director.builder().ipvs(table).runDirectory(run).exclusiveNow()).isTrue();
        assertThat(Director.builder().runDirectory(run).exclusive(false).exclusiveNow()).isFalse();
    }

    private static RouteHealthInjection rhi(boolean onDevice) {
        // a neighbour nobody listens for: the speaker only retries; nothing here needs a session
        BgpSpeaker speaker = BgpSpeaker.builder().routerId("192.0.2.11").localAs(65001).listen(false)
                .neighbor(BgpNeighbor.builder("127.0.0.1").remoteAs(65000).port(9).build()).build();
        return RouteHealthInjection.builder(speaker).addressOnDevice(onDevice).stopDrain(Duration.ZERO).build();
    }

    @Test
    void record_rhiAddressesOnTheDevice_recordedBeforeAnyIsAnnounced() throws Exception {
        // no real server: no quorum, nothing announced, nothing put on lo by this test
        VirtualService empty = VirtualService.tcp("198.51.100.10", 80).scheduler("rr").build();
        start(Director.builder().ipvs(table).virtualClock(clock).runDirectory(run).service(empty)
                .routeHealthInjection(rhi(true)));

        assertThat(record().routes).containsExactly(new OwnershipRecord.Route(InetAddress.getByName("198.51.100.10"),
                "lo"));
        assertThat(Files.readString(recordFile())).contains("\nrhi-address 198.51.100.10/32 dev lo\n");
    }

    @Test
    void start_afterCrash_recordedRhiAddressesTheNewRunDoesNotPutThere_removed() throws Exception {
        Files.writeString(recordFile(), """
                lvs4j-ownership 1
                pid 4242
                netns -
                rhi-address 198.51.100.10/32 dev lo
                rhi-address 2001:db8::20/128 dev lo
                """);

        start(builder().routeHealthInjection(rhi(false))); // this run puts no address on a device

        assertThat(removedVips).extracting(v -> v.address().getHostAddress() + "/" + v.prefixLength() + " "
                + v.device()).containsExactly("198.51.100.10/32 lo", "2001:db8:0:0:0:0:0:20/128 lo");
        DirectorEvent.Recovered r = events.stream().filter(DirectorEvent.Recovered.class::isInstance)
                .map(DirectorEvent.Recovered.class::cast).findFirst().orElseThrow();
        assertThat(r.addressesRemoved()).extracting(Object::toString)
                .containsExactly("198.51.100.10/32 dev lo", "2001:db8::20/128 dev lo");
        assertThat(record().routes).isEmpty();
    }
}
