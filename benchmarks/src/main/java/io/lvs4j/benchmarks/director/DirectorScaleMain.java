package io.lvs4j.benchmarks.director;

import io.lvs4j.Change;
import io.lvs4j.DirectorConfig;
import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.VirtualService;
import io.lvs4j.director.Director;
import io.lvs4j.director.DirectorState;
import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.director.config.KeepalivedMapper;
import io.lvs4j.director.config.ReadOptions;
import io.lvs4j.health.CheckPolicy;
import io.lvs4j.health.ServiceHealth;
import io.lvs4j.netlink.Ipvs;
import io.lvs4j.table.InMemoryIpvs;
import io.lvs4j.table.IpvsTable;
import io.lvs4j.table.Reconciler;
import io.lvs4j.table.ServiceState;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 15's scale figures through the director's public API, one flavour per JVM (clean heap
 * figures): a director holding SERVICES x SERVERS real servers, each with a real TCP check
 * against a loopback listener ({@link ScaleSetup}); the time from {@code start()} to its return
 * (start() returns after the first full reconcile, which installs every service and real server:
 * keepalived's real servers are up until a check says otherwise); the heap the director holds per
 * service; then RELOADS reloads that each change one real server's weight (a different service
 * each time, toggling 1 and 2), each timed from the call to its return (the kernel or table has
 * the change then) and counted through a {@link CountingTable}: it fails unless every reload sent
 * exactly one change request (an EDIT_SERVER of that real server) in one batch.
 *
 * <pre>
 * java -Xmx2g -cp benchmarks/target/benchmarks.jar io.lvs4j.benchmarks.director.DirectorScaleMain \
 *     table=memory flavour=typed services=10000 servers=4 reloads=50 delayLoop=60
 * </pre>
 *
 * <ul>
 *   <li>{@code table=memory}: {@link InMemoryIpvs}; {@code table=kernel}: the kernel's IPVS in the
 *       current network namespace (run inside the lab's User-Mode Linux, as root).
 *   <li>{@code flavour=typed}: {@code Director.builder().service(ServiceHealth...)}, reloads by
 *       {@code putService} (the service replaced with one weight changed) and by {@code weight()};
 *       {@code flavour=keepalived}: {@code Director.builder().config(mapper.map(KeepalivedConfig))},
 *       reloads by {@code apply(mapper.map(KeepalivedConfig))} of a whole configuration that
 *       differs in one weight, the mapping (a {@code KeepalivedMapper}, which maps only the changed
 *       block) timed with the reload (the two configurations are parsed before; the parse is timed
 *       on its own).
 *   <li>{@code repair=SECONDS}: the director's repair interval (default 10, the director's); each
 *       pass reads the whole table, which in the lab's guest takes seconds at this size.
 * </ul>
 * Prints {@code key value} lines.
 */
public final class DirectorScaleMain {
    private DirectorScaleMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>(Map.of("table", "memory", "flavour", "typed", "services", "10000",
                "servers", "4", "reloads", "50", "delayLoop", "60", "listeners", "4", "idle", "0"));
        o.put("repair", "10"); // seconds between the director's anti-entropy passes (its default)
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq < 0 || !o.containsKey(a.substring(0, eq))) {
                throw new IllegalArgumentException("argument: " + a + " (expected: one of " + o.keySet() + "=VALUE)");
            }
            o.put(a.substring(0, eq), a.substring(eq + 1));
        }
        int n = Integer.parseInt(o.get("services"));
        int k = Integer.parseInt(o.get("servers"));
        int reloads = Integer.parseInt(o.get("reloads"));
        Duration delayLoop = Duration.ofSeconds(Long.parseLong(o.get("delayLoop")));
        boolean kernel = o.get("table").equals("kernel");
        boolean typed = o.get("flavour").equals("typed");
        print("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " " + ManagementFactory.getRuntimeMXBean().getInputArguments());
        print("cpus", Runtime.getRuntime().availableProcessors());
        print("loadavg", loadavg());
        print("config", o.get("table") + " " + o.get("flavour") + " services=" + n + " servers=" + k
                + " delayLoop=" + delayLoop.toSeconds() + "s listeners=" + o.get("listeners"));

        try (ScaleSetup.Listeners listeners = new ScaleSetup.Listeners(Integer.parseInt(o.get("listeners")))) {
            int[] ports = listeners.ports();
            if (!kernel) {
                tableHeap(n, k);
            }
            long heap0 = usedHeap();
            IpvsTable raw = kernel ? Ipvs.open() : new InMemoryIpvs();
            CountingTable table = new CountingTable(raw);
            KeepalivedConfig base = null;
            KeepalivedConfig changed = null;
            List<ServiceHealth> services = null;
            long t0 = System.nanoTime();
            if (typed) {
                services = ScaleSetup.services(n, k, ports, ScaleSetup.policy(delayLoop));
                print("build_ms", ms(System.nanoTime() - t0));
            } else {
                String a = ScaleSetup.keepalivedConf(n, k, ports, delayLoop, -1, 1);
                String b = ScaleSetup.keepalivedConf(n, k, ports, delayLoop, 0, 2);
                long p0 = System.nanoTime();
                base = KeepalivedConfig.parse("scale.conf", a, ReadOptions.defaults()).config();
                print("parse_ms", ms(System.nanoTime() - p0));
                print("conf_bytes", a.length());
                changed = KeepalivedConfig.parse("scale.conf", b, ReadOptions.defaults()).config();
            }
            long heapBuilt = usedHeap();
            KeepalivedMapper mapper = KeepalivedMapper.create();
            Director.Builder db = typed ? Director.builder() : Director.builder().config(mapper.map(base));
            if (typed) {
                for (ServiceHealth sh : services) {
                    db.service(sh);
                }
            }
            java.util.concurrent.atomic.AtomicLong healthEvents = new java.util.concurrent.atomic.AtomicLong();
            db.listener(e -> {
                if (e instanceof io.lvs4j.director.DirectorEvent.Health h && healthEvents.incrementAndGet() <= 3) {
                    System.out.println("health_event " + h);
                }
            });
            db.ipvs(table).exclusive(false).keepRulesOnClose(kernel).refreshInterval(Duration.ofHours(1))
                    .repairInterval(Duration.ofSeconds(Long.parseLong(o.get("repair"))));
            long s0 = System.nanoTime();
            long m0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            long p0 = processCpu();
            Director d = db.start();
            long startNanos = System.nanoTime() - s0;
            print("start_cpu_ms", "main " + ms(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - m0)
                    + ", director thread " + ms(directorCpu()) + ", whole process " + ms(processCpu() - p0));
            try {
                CountingTable.Counts atStart = table.counts();
                print("start_ms", ms(startNanos));
                print("start_requests", atStart);
                List<ServiceState> states = raw.serviceStates();
                int rs = states.stream().mapToInt(s -> s.realServers().size()).sum();
                print("table_after_start", states.size() + " services " + rs + " real servers");
                if (states.size() != n || rs != n * k) {
                    throw new AssertionError("the first reconcile left " + states.size() + " services, " + rs
                            + " real servers (expected " + n + ", " + n * k + ")");
                }
                states = null;
                long heapRunning = usedHeap();
                print("heap_before_mb", mb(heap0));
                print("heap_config_built_mb", mb(heapBuilt));
                print("heap_running_mb", mb(heapRunning));
                print("heap_per_service_bytes", (heapRunning - heap0) / n + " (config built: "
                        + (heapBuilt - heap0) / n + ")");

                long idle = Long.parseLong(o.get("idle"));
                if (idle > 0) { // the checks run: TCP connections accepted by the listeners while idle
                    long a0 = listeners.accepted();
                    long c0 = directorCpu();
                    Thread.sleep(idle * 1000);
                    print("idle_checks_per_s", (listeners.accepted() - a0) / idle + " (director thread CPU "
                            + ms(directorCpu() - c0) + " ms in " + idle + " s)");
                }
                if (typed) {
                    ServiceHealth[] current = services.toArray(new ServiceHealth[0]);
                    services = null;
                    reloads("putService", reloads, n, table, r -> {
                        int i = r % n;
                        int w = current[i].service().realServers().get(0).weight() == 1 ? 2 : 1;
                        VirtualService vs = ScaleSetup.service(i, k, w);
                        current[i] = current[i].withService(vs);
                        d.putService(current[i]);
                        return expect(i, w);
                    });
                    reloads("weight", reloads, n, table, r -> {
                        int i = (r + n / 2) % n;
                        int w = current[i].service().realServers().get(0).weight() == 1 ? 2 : 1;
                        current[i] = current[i].withService(ScaleSetup.service(i, k, w));
                        d.weight(ServiceKey.of(io.lvs4j.Protocol.TCP, ScaleSetup.vip(i), 80),
                                InetAddress.getByName(ScaleSetup.rip(i, 1)), 80, w);
                        return expect(i, w);
                    });
                } else {
                    KeepalivedConfig a = base;
                    KeepalivedConfig b = changed;
                    base = null;
                    changed = null;
                    reloads("apply", reloads, n, table, r -> {
                        boolean toB = r % 2 == 0;
                        d.apply(mapper.map(toB ? b : a));
                        return expect(0, toB ? 2 : 1);
                    });
                }
                print("checks_accepted", listeners.accepted());
                print("health_events", healthEvents.get());
                DirectorState st = d.state();
                print("state_services", st.services().size());
            } finally {
                long c0 = System.nanoTime();
                d.close();
                print("close_ms", ms(System.nanoTime() - c0));
                if (raw instanceof Ipvs ipvs) {
                    ipvs.close();
                }
            }
            print("loadavg_end", loadavg());
        }
    }

    /** What one reload must have sent: one EDIT_SERVER of service i's first real server at weight w. */
    private record Expect(String vip, String rip, int weight) {}

    private static Expect expect(int i, int w) {
        return new Expect(ScaleSetup.vip(i), ScaleSetup.rip(i, 1), w);
    }

    interface Reload {
        Expect run(int r) throws Exception;
    }

    /** Times {@code count} reloads after a few untimed ones, checking that each sent exactly one change request. */
    private static void reloads(String name, int count, int n, CountingTable table, Reload reload) throws Exception {
        int warm = Math.min(10, count);
        long[] nanos = new long[count];
        long[] cpus = new long[count];
        long[] allocs = new long[count];
        long[] procs = new long[count];
        CountingTable.Counts total = null;
        for (int r = 0; r < warm + count; r++) {
            CountingTable.Counts before = table.counts();
            long cpu0 = directorCpu();
            long alloc0 = directorAllocated();
            long proc0 = processCpu();
            long t0 = System.nanoTime();
            Expect e = reload.run(r);
            long t = System.nanoTime() - t0;
            long cpu = directorCpu() - cpu0;
            long alloc = directorAllocated() - alloc0;
            long proc = processCpu() - proc0;
            CountingTable.Counts c = table.counts().minus(before);
            List<Change> sent = table.lastBatch();
            if (c.changes() != 1 || c.batches() != 1 || sent.size() != 1
                    || sent.get(0).kind() != Change.Kind.EDIT_SERVER
                    || !sent.get(0).key().equals(ServiceKey.of(io.lvs4j.Protocol.TCP, e.vip(), 80))
                    || !sent.get(0).server().address().equals(InetAddress.getByName(e.rip()))
                    || sent.get(0).server().weight() != e.weight()) {
                throw new AssertionError(name + " reload " + r + ": expected one EDIT_SERVER of " + e + ", got "
                        + c + " " + (sent.size() > 5 ? sent.subList(0, 5) + " ..." : sent));
            }
            if (r >= warm) {
                nanos[r - warm] = t;
                cpus[r - warm] = cpu;
                allocs[r - warm] = alloc;
                procs[r - warm] = proc;
                total = total == null ? c : new CountingTable.Counts(total.dumps() + c.dumps(),
                        total.batches() + c.batches(), total.changes() + c.changes(),
                        total.otherReads() + c.otherReads());
            }
        }
        Arrays.sort(nanos);
        Arrays.sort(cpus);
        Arrays.sort(allocs);
        Arrays.sort(procs);
        print("reload_" + name, String.format(Locale.ROOT,
                "n=%d wall p50=%.1fms p90=%.1fms max=%.1fms min=%.1fms; director thread CPU p50=%.1fms p90=%.1fms allocated p50=%.1fMB;"
                        + " process CPU p50=%.1fms;"
                        + " per reload: changes=%.0f batches=%.0f dumps=%.1f otherReads=%.1f",
                count, nanos[count / 2] / 1e6, nanos[count * 9 / 10] / 1e6, nanos[count - 1] / 1e6, nanos[0] / 1e6,
                cpus[count / 2] / 1e6, cpus[count * 9 / 10] / 1e6, allocs[count / 2] / 1048576.0, procs[count / 2] / 1e6,
                (double) total.changes() / count, (double) total.batches() / count, (double) total.dumps() / count,
                (double) total.otherReads() / count));
    }

    /** The heap an in-memory table holding the same services takes, for the in-memory director's share. */
    private static void tableHeap(int n, int k) throws Exception {
        long h0 = usedHeap();
        InMemoryIpvs t = new InMemoryIpvs();
        DirectorConfig.Builder b = DirectorConfig.builder();
        for (int i = 0; i < n; i++) {
            b.service(ScaleSetup.service(i, k, 1));
        }
        Reconciler.of(t).reconcile(b.build());
        b = null;
        long h1 = usedHeap();
        print("inmemory_table_per_service_bytes", (h1 - h0) / n + " (" + t.serviceStates().size() + " services)");
    }

    /** CPU time of the director's thread (its loop: reconcile, diff, publish) so far, in nanoseconds. */
    private static long directorCpu() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("lvs4j-director")) {
                long c = mx.getThreadCpuTime(t.getId());
                sum += Math.max(0, c);
            }
        }
        return sum;
    }

    /** CPU time of the whole process (every thread, GC and JIT included) so far, in nanoseconds. */
    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Bytes the director's thread allocated so far. */
    private static long directorAllocated() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("lvs4j-director")) {
                sum += Math.max(0, mx.getThreadAllocatedBytes(t.getId()));
            }
        }
        return sum;
    }

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
    }

    private static void print(String key, Object value) {
        System.out.println(key + " " + value);
    }
}
