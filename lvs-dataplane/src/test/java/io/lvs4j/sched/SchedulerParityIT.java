package io.lvs4j.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.AddressFamily;
import io.lvs4j.Scheduler;
import io.lvs4j.internal.Addresses;
import io.lvs4j.lab.LabResult;
import io.lvs4j.lab.RequiresUmlLab;
import io.lvs4j.lab.UmlLab;
import java.net.Inet4Address;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The userspace schedulers choose what the kernel chooses. Inside User-Mode Linux, a client
 * namespace makes real TCP connections through kernel IPVS (LVS-NAT, the director in the root
 * namespace) to four real servers in their own namespaces, each answering with its name. The
 * sequence of real servers the kernel chose is then replayed through {@link ServiceScheduler}
 * with the same destinations (added in the same order, same weights and thresholds) and the same
 * flows.
 *
 * <p>Each scenario uses its own service port: a service re-created with the same key would get its
 * destinations back from the kernel's trash, connection counts and all.
 */
@RequiresUmlLab
@Tag("parallel-lab") // its own guest, nothing fixed on the host: runs beside another (pom.xml)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchedulerParityIT {
    private static final String[] RS = {"203.0.113.2", "203.0.113.6", "203.0.113.10", "203.0.113.14"};

    /** One kernel service and the connections made to it. */
    static final class Scenario {
        final String name;
        final Scheduler scheduler;
        final String vip;
        final int[] order; // real servers (0..3) in the order they are added
        final int[] weights; // per added server
        final int[] upper; // per added server
        final boolean hold;
        final List<String> flows = new ArrayList<>(); // "src,dst,dport"
        int port;

        Scenario(String name, Scheduler scheduler, String vip, int[] order, int[] weights, int[] upper, boolean hold) {
            this.name = name;
            this.scheduler = scheduler;
            this.vip = vip;
            this.order = order;
            this.weights = weights;
            this.upper = upper;
            this.hold = hold;
        }
    }

    private final List<Scenario> scenarios = new ArrayList<>();
    private final Map<String, List<String>> kernelAnswers = new LinkedHashMap<>();
    private int nextSource = 10;

    private Scenario scenario(String name, Scheduler s, String vip, int[] order, int[] weights, int[] upper,
            boolean hold, int connections) {
        Scenario sc = new Scenario(name, s, vip, order, weights, upper, hold);
        sc.port = 8000 + scenarios.size();
        for (int i = 0; i < connections; i++) {
            sc.flows.add("198.51.100." + nextSource++ + "," + vip + "," + sc.port);
        }
        scenarios.add(sc);
        return sc;
    }

    @BeforeAll
    void runKernel(UmlLab lab) throws Exception {
        int[] none = {0, 0, 0, 0};
        scenario("rr", Scheduler.RR, "198.51.100.1", new int[] {0, 1, 2, 3}, new int[] {1, 1, 1, 1}, none, false, 10);
        scenario("wrr", Scheduler.WRR, "198.51.100.1", new int[] {2, 0, 3, 1}, new int[] {4, 3, 2, 1}, none, false, 20);
        scenario("wrr-quiesced", Scheduler.WRR, "198.51.100.1", new int[] {0, 1, 2, 3}, new int[] {2, 0, 3, 1}, none, false, 12);
        scenario("sh", Scheduler.SH, "198.51.100.1", new int[] {0, 1, 2, 3}, new int[] {1, 2, 1, 1}, none, false, 24);
        scenario("mh", Scheduler.MH, "198.51.100.1", new int[] {3, 1, 0, 2}, new int[] {1, 1, 1, 1}, none, false, 24);
        scenario("mh-weighted", Scheduler.MH, "198.51.100.1", new int[] {0, 1, 2, 3}, new int[] {3, 1, 2, 1}, none, false, 24);
        for (int v = 1; v <= 4; v++) {
            scenario("dh-vip" + v, Scheduler.DH, "198.51.100." + v, new int[] {0, 1, 2, 3}, new int[] {1, 1, 1, 1}, none, false, 2);
        }
        scenario("lc-held", Scheduler.LC, "198.51.100.1", new int[] {0, 1, 2, 3}, new int[] {1, 1, 1, 1}, none, true, 10);
        scenario("wlc-held", Scheduler.WLC, "198.51.100.1", new int[] {1, 3, 0, 2}, new int[] {3, 1, 2, 1}, none, true, 14);
        scenario("wlc-threshold", Scheduler.WLC, "198.51.100.1", new int[] {0, 1, 2, 3}, new int[] {5, 1, 1, 1},
                new int[] {2, 0, 0, 0}, true, 10);
        scenario("sed-held", Scheduler.SED, "198.51.100.1", new int[] {0, 1, 2, 3}, new int[] {4, 2, 1, 1}, none, true, 12);
        scenario("nq-held", Scheduler.NQ, "198.51.100.1", new int[] {0, 1, 2, 3}, new int[] {4, 2, 1, 1}, none, true, 12);

        Path res = Paths.get(resource("parity/rs.py")).getParent();
        StringBuilder sh = new StringBuilder("set -e\n");
        sh.append("P=").append(res).append('\n');
        sh.append("sysctl -qw net.ipv4.ip_forward=1\n");
        sh.append("ip netns add cl\nip link add c0 type veth peer name c1\nip link set c1 netns cl\n");
        for (int v = 1; v <= 4; v++) {
            sh.append("ip addr add 198.51.100.").append(v).append("/24 dev c0\n");
        }
        sh.append("ip link set c0 up\nip -n cl link set lo up\n");
        for (int s = 10; s < nextSource; s++) {
            sh.append("ip -n cl addr add 198.51.100.").append(s).append("/24 dev c1\n");
        }
        sh.append("ip -n cl link set c1 up\n");
        for (int n = 1; n <= 4; n++) {
            int base = 4 * n - 3;
            sh.append("ip netns add rs").append(n).append('\n')
              .append("ip link add v").append(n).append(" type veth peer name w").append(n).append('\n')
              .append("ip link set w").append(n).append(" netns rs").append(n).append('\n')
              .append("ip addr add 203.0.113.").append(base).append("/30 dev v").append(n).append('\n')
              .append("ip link set v").append(n).append(" up\n")
              .append("ip -n rs").append(n).append(" link set lo up\n")
              .append("ip -n rs").append(n).append(" addr add 203.0.113.").append(base + 1).append("/30 dev w").append(n).append('\n')
              .append("ip -n rs").append(n).append(" link set w").append(n).append(" up\n")
              .append("ip -n rs").append(n).append(" route add default via 203.0.113.").append(base).append('\n')
              .append("ip netns exec rs").append(n).append(" python3 $P/rs.py rs").append(n).append(" &\n");
        }
        // wait until every real server listens (at most 30 s each: python starts slowly on a loaded machine)
        sh.append("for n in 1 2 3 4; do end=$(($(date +%s) + 30)); ")
          .append("until ip netns exec rs$n ss -ltn | grep -q ':80 ' || [ $(date +%s) -ge $end ]; do sleep 0.1; done; ")
          .append("ip netns exec rs$n ss -ltn | grep -q ':80 ' || { echo \"rs$n not listening\"; exit 3; }; done\n");
        for (Scenario sc : scenarios) {
            String svc = "-t " + sc.vip + ":" + sc.port;
            sh.append("ipvsadm -C\nipvsadm -A ").append(svc).append(" -s ").append(sc.scheduler.kernelName()).append('\n');
            for (int i = 0; i < sc.order.length; i++) {
                sh.append("ipvsadm -a ").append(svc).append(" -r ").append(RS[sc.order[i]]).append(":80 -m -w ")
                  .append(sc.weights[i]);
                if (sc.upper[i] != 0) {
                    sh.append(" -x ").append(sc.upper[i]);
                }
                sh.append('\n');
            }
            sh.append("echo '== ").append(sc.name).append("'\n");
            sh.append("ip netns exec cl python3 $P/client.py ").append(sc.hold ? "hold" : "close");
            for (String f : sc.flows) {
                sh.append(' ').append(f);
            }
            sh.append('\n');
        }
        sh.append("echo '== end'\n");
        LabResult r = lab.run(Duration.ofMinutes(8), sh.toString()).requireSuccess();
        String current = null;
        for (String line : r.stdout().split("\n")) {
            if (line.startsWith("== ")) {
                current = line.substring(3);
                kernelAnswers.put(current, new ArrayList<>());
            } else if (current != null && !line.isBlank()) {
                kernelAnswers.get(current).add(line);
            }
        }
    }

    private static java.net.URI resource(String name) throws URISyntaxException {
        return SchedulerParityIT.class.getClassLoader().getResource(name).toURI();
    }

    /** Replays a scenario's flows through the userspace scheduler. */
    private static List<String> replay(Scenario sc, List<String> kernelLines) {
        DestinationTable table = DestinationTable.create(AddressFamily.INET);
        Map<Integer, String> names = new HashMap<>();
        List<String> picks = new ArrayList<>();
        // as with ipvsadm -A then -a: the scheduler exists before the destinations arrive
        try (ServiceScheduler s = ServiceScheduler.of(sc.scheduler, table)) {
            for (int i = 0; i < sc.order.length; i++) {
                int h = table.add(Addresses.parse(RS[sc.order[i]], "rs"), 80, sc.weights[i], 0, sc.upper[i]);
                names.put(h, "rs" + (sc.order[i] + 1));
            }
            for (String line : kernelLines) {
                String[] f = line.split(" ");
                int src = Addresses.toInt((Inet4Address) Addresses.parse(f[0], "src"));
                int sport = Integer.parseInt(f[1]);
                int dst = Addresses.toInt((Inet4Address) Addresses.parse(f[2], "dst"));
                int dport = Integer.parseInt(f[3]);
                int h = s.pickIpv4(src, sport, dst, dport);
                picks.add(h == ServiceScheduler.NONE ? "none" : names.get(h));
                if (sc.hold && h != ServiceScheduler.NONE) {
                    table.bind(h, true);
                }
            }
        }
        return picks;
    }

    private void check(String prefix) {
        int compared = 0;
        for (Scenario sc : scenarios) {
            if (!sc.name.startsWith(prefix)) {
                continue;
            }
            List<String> lines = kernelAnswers.get(sc.name);
            assertThat(lines).as("kernel answers for " + sc.name).hasSize(sc.flows.size());
            List<String> kernel = new ArrayList<>();
            for (String l : lines) {
                kernel.add(l.substring(l.lastIndexOf(' ') + 1));
            }
            assertThat(replay(sc, lines)).as(sc.name + " (kernel chose " + kernel + ")").isEqualTo(kernel);
            compared++;
        }
        assertThat(compared).isPositive();
    }

    @Test
    void rr_userspaceMatchesKernel() {
        check("rr");
    }

    @Test
    void wrr_userspaceMatchesKernel_quiescedIncluded() {
        check("wrr");
    }

    @Test
    void sh_userspaceMatchesKernel() {
        check("sh");
    }

    @Test
    void mh_userspaceMatchesKernel() {
        check("mh");
    }

    @Test
    void dh_userspaceMatchesKernel() {
        check("dh");
    }

    @Test
    void lcWlcSedNq_withConnectionsHeldOpen_userspaceMatchesKernel() {
        check("lc");
        check("wlc");
        check("sed");
        check("nq");
    }
}
