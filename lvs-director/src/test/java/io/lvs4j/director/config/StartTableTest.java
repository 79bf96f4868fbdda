package io.lvs4j.director.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.VirtualService;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What a keepalived.conf installs at start, as keepalived 2.2.7 does (check/ipwrapper.c: a real
 * server with a failed checker, as alpha makes every checker at start, is not added unless
 * inhibit_on_failure; a service starting with quorum down gets its sorry server).
 */
class StartTableTest {
    private static KeepalivedConfig parse(String text) throws Exception {
        return KeepalivedConfig.parse("keepalived.conf", text, ReadOptions.defaults()).config();
    }

    private static String rules(List<VirtualService> services) {
        return services.stream().map(s -> s.key() + ": " + s.realServers().stream()
                .map(r -> r.endpoint() + "=" + r.weight()).collect(Collectors.joining(" ")))
                .collect(Collectors.joining("\n"));
    }

    private static final String TCP = "  TCP_CHECK {\n   connect_timeout 1\n  }\n";

    @Test
    void alpha_checkedRealServersOut_inhibitedAtZero_uncheckedIn() throws Exception {
        KeepalivedConfig c = parse("virtual_server 192.0.2.60 80 {\n lb_algo rr\n lb_kind DR\n protocol TCP\n alpha\n"
                + " real_server 198.51.100.61 80 {\n  weight 2\n" + TCP + " }\n"
                + " real_server 198.51.100.62 80 {\n  inhibit_on_failure\n" + TCP + " }\n"
                + " real_server 198.51.100.63 80 {\n  weight 3\n }\n}\n");
        assertThat(rules(StartTable.of(c))).isEqualTo("TCP 192.0.2.60:80: 198.51.100.62:80=0 198.51.100.63:80=3");
    }

    @Test
    void alpha_quorumDownAtStart_sorryServerIn() throws Exception {
        KeepalivedConfig c = parse("virtual_server 192.0.2.61 80 {\n lb_algo rr\n lb_kind DR\n protocol TCP\n alpha\n"
                + " sorry_server 198.51.100.69 80\n real_server 198.51.100.64 80 {\n" + TCP + " }\n}\n");
        assertThat(rules(StartTable.of(c))).isEqualTo("TCP 192.0.2.61:80: 198.51.100.69:80=1");
    }

    /**
     * Every configuration keepalived 2.2.7 was compared with (KeepalivedOracleIT: the seeds and the
     * oracle cases, none with alpha): its start table is the configured table, so render prints what
     * it printed when keepalived agreed, sorry servers and quorum included.
     */
    @Test
    void withoutAlpha_oracleConfigs_startTableIsTheConfiguredOne() throws Exception {
        int compared = 0;
        for (java.nio.file.Path dir : List.of(java.nio.file.Path.of("src/test/resources/keepalived/seeds"),
                java.nio.file.Path.of("../lvs-cli/src/test/resources/keepalived/oracle"))) {
            try (var files = java.nio.file.Files.list(dir)) {
                for (java.nio.file.Path f : files.filter(p -> p.toString().endsWith(".conf")).sorted().toList()) {
                    KeepalivedConfig c;
                    try {
                        c = KeepalivedConfig.read(f).config();
                    } catch (io.lvs4j.director.config.ConfigException e) {
                        continue; // the cases lvs4j refuses on purpose
                    }
                    assertThat(rules(StartTable.of(c))).as("%s", f).isEqualTo(rules(c.virtualServices()));
                    compared++;
                }
            }
        }
        assertThat(compared).isGreaterThan(30);
    }

    @Test
    void withoutAlpha_everyRealServerAsConfigured() throws Exception {
        KeepalivedConfig c = parse("virtual_server 192.0.2.62 80 {\n lb_algo rr\n lb_kind DR\n protocol TCP\n"
                + " sorry_server 198.51.100.69 80\n real_server 198.51.100.65 80 {\n  weight 4\n" + TCP + " }\n"
                + " real_server 198.51.100.66 80 {\n  alpha false\n" + TCP + " }\n}\n");
        assertThat(StartTable.of(c)).isEqualTo(c.virtualServices());
        assertThat(rules(StartTable.of(c))).isEqualTo("TCP 192.0.2.62:80: 198.51.100.65:80=4 198.51.100.66:80=1");
    }
}
