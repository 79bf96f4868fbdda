package io.lvs4j.benchmarks;

import io.lvs4j.RealServer;
import io.lvs4j.VirtualService;
import io.lvs4j.director.Director;
import io.lvs4j.table.InMemoryIpvs;
import io.lvs4j.table.IpvsStats;
import java.time.Duration;

/**
 * A director on an in-memory IPVS table with {@code services} TCP services of {@code servers} real
 * servers each (issue 13's "1,000 services × 10 real servers"), every real server with
 * connections and counters that are not zero, published in the director's state.
 */
final class BigDirector {
    final InMemoryIpvs table = new InMemoryIpvs();
    final Director director;
    final VirtualService first;

    BigDirector(int services, int servers) throws Exception {
        Director.Builder b = Director.builder().ipvs(table).refreshInterval(Duration.ofSeconds(2));
        VirtualService firstService = null;
        for (int s = 0; s < services; s++) {
            VirtualService.Builder v = VirtualService.tcp("10.10." + (s / 250) + "." + (1 + s % 250), 80 + s % 7)
                    .scheduler("wrr");
            for (int r = 0; r < servers; r++) {
                v.realServer(RealServer.of("10.20." + r + "." + (1 + s % 250), 8080 + r)
                        .weight(1 + r % 10).route());
            }
            VirtualService vs = v.build();
            firstService = firstService == null ? vs : firstService;
            b.service(vs);
        }
        first = firstService;
        director = b.start();
        long n = 1;
        for (var s : director.state().services()) {
            for (var r : s.realServers()) {
                var rs = r.configured();
                table.connections(s.key(), rs.address().getHostAddress(), rs.port(), (int) (n % 1000), (int) (n % 37));
                table.stats(s.key(), rs.address().getHostAddress(), rs.port(),
                        new IpvsStats(n * 3, n * 1_000, n * 900, n * 1_500_000L, n * 90_000_000L, 0, 0, 0, 0, 0));
                n++;
            }
        }
        director.refresh();
    }

    void close() {
        director.close();
    }
}
