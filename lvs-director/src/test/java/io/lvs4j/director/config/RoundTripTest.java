package io.lvs4j.director.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.director.config.CheckOptions;
import io.lvs4j.director.config.HttpCheck;
import io.lvs4j.director.config.HttpUrl;
import io.lvs4j.director.config.StatusRange;
import io.lvs4j.director.config.TcpCheck;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** toKeepalivedConf() reads back to an equal configuration. */
class RoundTripTest {
    static java.util.stream.Stream<Path> seedFiles() throws Exception {
        return SeedsTest.seedFiles();
    }

    @ParameterizedTest
    @MethodSource("seedFiles")
    void seed_roundTrips(Path file) throws Exception {
        KeepalivedConfig c = KeepalivedConfig.read(file, SeedsTest.options()).config();
        KeepalivedConfig back = Configs.parse(c.toKeepalivedConf()).config();
        assertThat(back).isEqualTo(c);
        assertThat(back.virtualServices()).isEqualTo(c.virtualServices());
    }

    @Test
    void builtConfig_roundTrips() throws Exception {
        CheckOptions o = new CheckOptions(null, 8080, null, null, null, null, Duration.ofMillis(2500), 3, null, null,
                null, null, null);
        HttpUrl url = new HttpUrl("/health#check", "ff20ad2481f97b1754ef3e12ecd3a9cc",
                List.of(new StatusRange(200, 299), new StatusRange(301, 301)), null, null, false, List.of(), null, null);
        RealServerConfig rs = new RealServerConfig(InetAddress.getByName("10.0.0.1"), 8080, 5, LvsMethod.NAT, 100, 10,
                true, "/bin/up x", null, null, null, null, null, null, null, null, null,
                List.of(new TcpCheck(o), new HttpCheck(false, CheckOptions.NONE, "1.1", null, false, "h", List.of(url))));
        VirtualServerConfig vs = new VirtualServerConfig(InetAddress.getByName("192.0.2.1"), 80, 0, null,
                io.lvs4j.Protocol.TCP, io.lvs4j.Scheduler.SH, Set.of(io.lvs4j.SchedulerFlag.SH_PORT), false, false,
                LvsMethod.NAT, 600, "255.255.255.0", null, null, 1, 0, null, null, null, false, false, false, true, null,
                Duration.ofSeconds(6), null, null, null, null, null, null, List.of(rs), null);
        KeepalivedConfig c = KeepalivedConfig.ofLvs(List.of(), List.of(vs));
        KeepalivedConfig back = Configs.parse(c.toKeepalivedConf()).config();
        assertThat(back).isEqualTo(c);
    }

    @Test
    void seedsFolder_hasAllEight() throws Exception {
        assertThat(Files.list(SeedsTest.seeds()).filter(p -> p.toString().endsWith(".conf")).count()).isEqualTo(8);
    }
}
