package io.lvs4j.netlink;

import io.lvs4j.RealServer;
import io.lvs4j.VirtualService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Applies 10,000 TCP services with 4 real servers each (50,000 objects) through one
 * {@link IpvsBatch}, in the lab's UML kernel; run by {@link ApplyBenchmarkIT}. Prints the time
 * of each apply (building the batch, encoding, sending, reading the answers) and leaves the rules
 * in the kernel for the caller to count. Services: 203.0.113.1-100 x ports 1000-1099; real servers
 * 198.51.100.1-250 port 8080 (the caller routes 198.51.100.0/24).
 */
public final class ApplyBenchmarkMain {
    private ApplyBenchmarkMain() {}

    static final int SERVICES = 10_000;
    static final int SERVERS_PER_SERVICE = 4;

    static List<VirtualService> services() {
        List<VirtualService> out = new ArrayList<>(SERVICES);
        for (int i = 0; i < SERVICES; i++) {
            VirtualService.Builder b = VirtualService.tcp("203.0.113." + (i / 100 + 1), 1000 + i % 100).scheduler("wrr");
            for (int k = 0; k < SERVERS_PER_SERVICE; k++) {
                b.realServer(RealServer.of("198.51.100." + ((i * SERVERS_PER_SERVICE + k) % 250 + 1), 8080)
                        .masquerade().weight(1 + k));
            }
            out.add(b.build());
        }
        return out;
    }

    /**
     * Args: namespace names for the rounds after the first ("-" for none). The first round runs
     * in the caller's namespace with a cold JVM; each later one in its own fresh namespace (the
     * kernel parks deleted real servers in a per-namespace trash that slows re-adding them, so a
     * flushed namespace is not a fresh one), with a warm JVM.
     */
    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        List<VirtualService> services = services();
        System.out.println("model-build-ms " + ms(System.nanoTime() - t0));
        List<String> spaces = new ArrayList<>();
        spaces.add(null);
        spaces.addAll(Arrays.asList(args));
        List<Long> warm = new ArrayList<>();
        for (String ns : spaces) {
            try (Ipvs ipvs = ns == null ? Ipvs.open() : Ipvs.open(ns)) {
                long a = System.nanoTime();
                IpvsBatch batch = ipvs.batch();
                for (VirtualService s : services) {
                    batch.addService(s);
                }
                int requests = batch.size();
                batch.apply();
                long t = System.nanoTime() - a;
                System.out.println("apply-ms " + ms(t) + " requests " + requests + " in "
                        + (ns == null ? "root namespace, cold JVM" : ns));
                if (ns != null) {
                    warm.add(t);
                }
            }
        }
        if (!warm.isEmpty()) {
            warm.sort(null);
            System.out.println("apply-warm-ms median " + ms(warm.get(warm.size() / 2)) + " min " + ms(warm.get(0))
                    + " (n=" + warm.size() + ")");
        }
    }

    private static String ms(long nanos) {
        return String.format("%.1f", nanos / 1e6);
    }
}
