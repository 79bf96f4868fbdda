package io.lvs4j.director.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.Forwarding;
import io.lvs4j.Protocol;
import io.lvs4j.Scheduler;
import io.lvs4j.VirtualService;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Every keepalived.conf of the tutorials in shared/seeds reads without errors. */
class SeedsTest {
    static Path seeds() throws URISyntaxException {
        return Path.of(SeedsTest.class.getResource("/keepalived/seeds").toURI());
    }

    static Stream<Path> seedFiles() throws IOException, URISyntaxException {
        return Files.list(seeds()).filter(p -> p.toString().endsWith(".conf")).sorted();
    }

    static ReadOptions options() {
        return ReadOptions.builder().configId("test").build();
    }

    @ParameterizedTest
    @MethodSource("seedFiles")
    void seed_reads_withoutErrors(Path file) throws Exception {
        ConfigResult r = KeepalivedConfig.read(file, options());
        assertThat(r.config().virtualServers()).isNotEmpty();
        assertThat(r.config().virtualServices()).isNotEmpty();
        assertThat(r.config().vrrpInstances()).hasSize(1);
    }

    @Test
    void seed002_natMask_isAnUnknownKeywordWarning() throws Exception {
        ConfigResult r = KeepalivedConfig.read(seeds().resolve("002-master.conf"), options());
        assertThat(r.warnings()).anySatisfy(w -> {
            assertThat(w.message()).contains("\"nat_mask\"");
            assertThat(w.line()).isEqualTo(32);
            assertThat(w.column()).isEqualTo(5);
        });
    }

    @Test
    void seed002_rendersWlcDrPersistent50() throws Exception {
        List<VirtualService> s = KeepalivedConfig.read(seeds().resolve("002-master.conf"), options()).config()
                .virtualServices();
        assertThat(s).hasSize(1);
        VirtualService v = s.get(0);
        assertThat(v.key().protocol()).isEqualTo(Protocol.TCP);
        assertThat(v.key().port()).isEqualTo(80);
        assertThat(v.scheduler()).isEqualTo(Scheduler.WLC);
        assertThat(v.persistenceSeconds()).isEqualTo(50);
        assertThat(v.realServers()).extracting(rs -> rs.weight()).containsExactly(3, 3);
        assertThat(v.realServers()).extracting(rs -> rs.forwarding()).containsOnly(Forwarding.ROUTE);
    }

    @Test
    void seed003_rendersTwoWrrServices() throws Exception {
        List<VirtualService> s = KeepalivedConfig.read(seeds().resolve("003-lvs01.conf"), options()).config()
                .virtualServices();
        assertThat(s).extracting(v -> v.key().port()).containsExactly(80, 443);
        assertThat(s).extracting(VirtualService::scheduler).containsOnly(Scheduler.WRR);
        assertThat(s).allSatisfy(v -> assertThat(v.isPersistent()).isFalse());
    }

    @Test
    void seed000_nbGetRetryInTcpCheck_isIgnoredWithWarning() throws Exception {
        ConfigResult r = KeepalivedConfig.read(seeds().resolve("000-master.conf"), options());
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w.message()).startsWith("TCP_CHECK: \"nb_get_retry\""));
    }
}
