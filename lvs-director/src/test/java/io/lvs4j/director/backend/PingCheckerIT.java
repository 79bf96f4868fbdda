package io.lvs4j.director.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.health.CheckResult;
import io.lvs4j.health.CheckRuntime;
import io.lvs4j.health.FailureReason;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * PING_CHECK on this machine, whose ping_group_range is left as it is: up against loopback when
 * this process's group is allowed, else down with a reason that says why. Echo up and down
 * against real servers in namespaces is in the lab ({@link KernelBackendIT}).
 */
class PingCheckerIT {
    @Test
    void ping_loopback_upOrClearlyNotAllowed() throws Exception {
        String[] range = Files.readString(Path.of("/proc/sys/net/ipv4/ping_group_range")).trim().split("\\s+");
        long gid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
        boolean allowed = Long.parseLong(range[0]) <= gid && gid <= Long.parseLong(range[1]);
        assertThat(PingChecker.isAvailable()).isEqualTo(allowed);
        try (CheckRuntime runtime = CheckRuntime.create()) {
            CheckResult r = PingChecker.of(InetAddress.getByName("127.0.0.1"), Duration.ofSeconds(1)).check(runtime)
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
            if (allowed) {
                assertThat(r.isUp()).as(r.toString()).isTrue();
                assertThat(r.latency()).isLessThan(Duration.ofSeconds(1));
            } else {
                assertThat(r.reason()).isEqualTo(FailureReason.IO_ERROR);
                assertThat(r.detail()).isEqualTo("socket failed: Permission denied (errno 13) for ICMP echo socket "
                        + "(this process's group is not in net.ipv4.ping_group_range, which applies to root too)");
            }
        }
    }

    @Test
    void of_ipv6_rejectedWithReason() {
        assertThatThrownBy(() -> PingChecker.of(InetAddress.getByName("::1"), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("connect_ip: ")
                .hasMessageContaining("IPv4");
    }
}
