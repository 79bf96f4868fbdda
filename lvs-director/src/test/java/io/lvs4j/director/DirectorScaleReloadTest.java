package io.lvs4j.director;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.Change;
import io.lvs4j.Protocol;
import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.VirtualService;
import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.director.config.KeepalivedMapper;
import io.lvs4j.director.config.ReadOptions;
import io.lvs4j.health.CheckPolicy;
import io.lvs4j.health.Checks;
import io.lvs4j.health.ServiceHealth;
import io.lvs4j.table.InMemoryIpvs;
import io.lvs4j.table.IpvsException;
import io.lvs4j.table.IpvsTable;
import io.lvs4j.table.ReconcileResult;
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
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: a reload that changes one weight of a director holding many services, every real
 * server with a real TCP check, costs one request to the table and leaves everything else alone,
 * through the public API (a keepalived.conf reload and a typed {@code putService}). The figures at
 * 10,000 services are in benchmarks/RESULTS.md ("Director at scale").
 */
class DirectorScaleReloadTest {
    private static final int SERVICES = 250;
    private static final int SERVERS = 4;

    private final VirtualClock clock = new VirtualClock();
    private final InMemoryIpvs memory = new InMemoryIpvs();
    private final Counting table = new Counting(memory);
    private final List<AutoCloseable> open = new ArrayList<>();
    private int port;

    /** Counts what the director asks of the table: one kernel request per change in a batch. */
    private static final class Counting extends ForwardingTable {
        final List<Change> changes = new ArrayList<>();
        int batches;
        int dumps;

        Counting(IpvsTable table) {
            super(table);
        }

        @Override
        public List<ServiceState> serviceStates() throws IpvsException {
            dumps++;
            return table.serviceStates();
        }

        @Override
        public void apply(List<Change> batch) throws IpvsException {
            batches++;
            changes.addAll(batch);
            table.apply(batch);
        }
    }

    /** One loopback listener that accepts and closes: every real server's TCP check connects to it. */
    @BeforeEach
    void listen() throws IOException {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 4096);
        Thread t = new Thread(() -> {
            while (!s.isClosed()) {
                try (Socket c = s.accept()) {
                    // a TCP check only connects
                } catch (IOException e) {
                    return;
                }
            }
        }, "listener " + s.getLocalPort());
        t.setDaemon(true);
        t.start();
        port = s.getLocalPort();
        open.add(() -> {
            s.close();
            t.join(5000);
        });
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private static String vip(int i) {
        return "172.16." + i / 256 + "." + i % 256;
    }

    private static String rip(int i, int j) {
        return "10.0." + i + "." + j;
    }

    /** Every service as keepalived.conf text; service {@code changed}'s first real server has weight {@code w}. */
    private String conf(int changed, int w) {
        StringBuilder s = new StringBuilder("global_defs {\n router_id scale\n}\n");
        for (int i = 0; i < SERVICES; i++) {
            s.append("virtual_server ").append(vip(i)).append(" 80 {\n delay_loop 1\n lb_algo wlc\n lb_kind NAT\n")
                    .append(" protocol TCP\n");
            for (int j = 1; j <= SERVERS; j++) {
                s.append(" real_server ").append(rip(i, j)).append(" 80 {\n  weight ")
                        .append(i == changed && j == 1 ? w : 1).append("\n  TCP_CHECK {\n   connect_ip 127.0.0.1\n")
                        .append("   connect_port ").append(port).append("\n   connect_timeout 2\n  }\n }\n");
            }
            s.append("}\n");
        }
        return s.toString();
    }

    private static KeepalivedConfig parse(String text) throws Exception {
        return KeepalivedConfig.parse("keepalived.conf", text, ReadOptions.defaults()).config();
    }

    private static VirtualService service(int i, int w) {
        VirtualService.Builder b = VirtualService.tcp(vip(i), 80).scheduler("wlc");
        for (int j = 1; j <= SERVERS; j++) {
            b.realServer(RealServer.of(rip(i, j), 80).weight(j == 1 ? w : 1).masquerade());
        }
        return b.build();
    }

    /** The table as "service: rs=weight ..." lines: independent of the director's code. */
    private Map<String, String> rules() {
        Map<String, String> out = new TreeMap<>();
        for (ServiceState s : memory.serviceStates()) {
            out.put(s.service().key().toString(), s.service().realServers().stream()
                    .map(r -> r.endpoint() + "=" + r.weight()).sorted().reduce((a, b) -> a + " " + b).orElse(""));
        }
        return out;
    }

    private Director start(Director.Builder b) throws Exception {
        Director d = b.ipvs(table).virtualClock(clock).start();
        open.add(0, d);
        clock.advance(Duration.ofMillis(1500)); // every real server's first check ran (and reached the listener)
        assertThat(d.state().services()).hasSize(SERVICES)
                .allSatisfy(s -> assertThat(s.realServers()).hasSize(SERVERS)
                        .allSatisfy(r -> assertThat(r.health()).isEqualTo(DirectorState.Health.UP)));
        assertThat(memory.serviceStates()).hasSize(SERVICES);
        return d;
    }

    private void assertOneEdit(Change c, int service, int weight) throws Exception {
        assertThat(c.kind()).isEqualTo(Change.Kind.EDIT_SERVER);
        assertThat(c.key().toString()).isEqualTo("TCP " + vip(service) + ":80");
        assertThat(c.server().address()).isEqualTo(InetAddress.getByName(rip(service, 1)));
        assertThat(c.server().weight()).isEqualTo(weight);
    }

    @Test
    void keepalivedReload_oneWeightChangedOfManyCheckedServices_oneTableRequest() throws Exception {
        KeepalivedMapper mapper = KeepalivedMapper.create(); // unchanged blocks: the same services
        Director d = start(Director.builder().config(mapper.map(parse(conf(-1, 1)))));
        Map<String, String> before = rules();
        int batches = table.batches;
        int changes = table.changes.size();

        ReconcileResult r = d.apply(mapper.map(parse(conf(117, 3))));

        assertThat(table.batches - batches).isEqualTo(1);
        assertThat(table.changes.subList(changes, table.changes.size())).singleElement()
                .satisfies(c -> assertOneEdit(c, 117, 3));
        assertThat(r.applied()).hasSize(1);
        Map<String, String> after = rules();
        before.put("TCP " + vip(117) + ":80", before.get("TCP " + vip(117) + ":80")
                .replace(rip(117, 1) + ":80=1", rip(117, 1) + ":80=3"));
        assertThat(after).isEqualTo(before);
    }

    @Test
    void keepalivedReload_oneWeightChanged_tableNotReadAndStateShowsNewWeight() throws Exception {
        KeepalivedMapper mapper = KeepalivedMapper.create();
        Director d = start(Director.builder().config(mapper.map(parse(conf(-1, 1)))));
        DirectorConfig changed = mapper.map(parse(conf(42, 5)));
        int dumps = table.dumps;

        d.apply(changed);

        assertThat(table.dumps - dumps).isZero(); // the director trusts its known table between repairs
        DirectorState.Service s = d.state().service(ServiceKey.of(Protocol.TCP, vip(42), 80)).orElseThrow();
        InetAddress first = InetAddress.getByName(rip(42, 1));
        assertThat(s.realServers()).filteredOn(r -> r.configured().address().equals(first))
                .singleElement().satisfies(r -> {
                    assertThat(r.appliedWeight()).isEqualTo(5);
                    assertThat(r.desiredWeight()).isEqualTo(5);
                });
        assertThat(s.applied().realServers()).extracting(RealServer::weight).containsExactlyInAnyOrder(5, 1, 1, 1);
        DirectorState.Service other = d.state().service(ServiceKey.of(Protocol.TCP, vip(43), 80)).orElseThrow();
        assertThat(other.realServers()).extracting(DirectorState.Server::appliedWeight).containsExactly(1, 1, 1, 1);
    }

    @Test
    void typedPutServiceAndWeight_oneWeightChangedOfManyCheckedServices_oneRequestNoDump() throws Exception {
        CheckPolicy policy = CheckPolicy.builder().interval(Duration.ofSeconds(1)).build();
        Director.Builder b = Director.builder();
        List<ServiceHealth> services = new ArrayList<>();
        for (int i = 0; i < SERVICES; i++) {
            ServiceHealth sh = ServiceHealth.builder(service(i, 1))
                    .check(Checks.tcp().connectIp("127.0.0.1").connectPort(port).connectTimeout(Duration.ofSeconds(2)),
                            policy)
                    .build();
            services.add(sh);
            b.service(sh);
        }
        Director d = start(b);
        Map<String, String> before = rules();
        int batches = table.batches;
        int changes = table.changes.size();

        int dumps = table.dumps;
        ReconcileResult r = d.putService(services.get(42).withService(service(42, 7)));

        assertThat(table.dumps - dumps).isZero();
        assertThat(table.batches - batches).isEqualTo(1);
        assertThat(table.changes.subList(changes, table.changes.size())).singleElement()
                .satisfies(c -> assertOneEdit(c, 42, 7));
        assertThat(r.applied()).hasSize(1);
        dumps = table.dumps;
        batches = table.batches;
        r = d.weight(services.get(43).service().key(), InetAddress.getByName(rip(43, 1)), 80, 4);
        assertThat(table.dumps - dumps).isZero();
        assertThat(table.batches - batches).isEqualTo(1);
        assertThat(r.applied()).singleElement().satisfies(c -> assertOneEdit(c, 43, 4));
        before.put("TCP " + vip(43) + ":80", before.get("TCP " + vip(43) + ":80")
                .replace(rip(43, 1) + ":80=1", rip(43, 1) + ":80=4"));
        clock.advance(Duration.ofSeconds(3)); // checks go on; nothing else is sent
        assertThat(table.changes.size() - changes).isEqualTo(2);
        Map<String, String> after = rules();
        before.put("TCP " + vip(42) + ":80", before.get("TCP " + vip(42) + ":80")
                .replace(rip(42, 1) + ":80=1", rip(42, 1) + ":80=7"));
        assertThat(after).isEqualTo(before);
    }
}
