package io.lvs4j.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** TCP_CHECK against loopback listeners. */
class TcpCheckerIT {
    @Test
    void tcpCheck_listenerThenClosed_upThenRefused() throws Exception {
        try (CheckRuntime rt = CheckRuntime.create()) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
                CheckResult up = TcpChecker.of(Endpoint.of("127.0.0.1", port)).check(rt).toCompletableFuture()
                        .get(5, TimeUnit.SECONDS);
                assertThat(up.isUp()).as(up.toString()).isTrue();
            }
            CheckResult down = TcpChecker.of(Endpoint.of("127.0.0.1", port)).check(rt).toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            assertThat(down.reason()).isEqualTo(FailureReason.REFUSED);
        }
    }

    @Test
    void tcpCheck_bindto_connectsFromThatAddress() throws Exception {
        try (CheckRuntime rt = CheckRuntime.create();
                ServerSocket s = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            CheckResult bad = TcpChecker.of(Endpoint.of("127.0.0.1", s.getLocalPort())
                    .withBind(InetAddress.getByName("192.0.2.1"), 0)).check(rt).toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            assertThat(bad.reason()).isEqualTo(FailureReason.IO_ERROR);
            CheckResult ok = TcpChecker.of(Endpoint.of("127.0.0.1", s.getLocalPort())
                    .withBind(InetAddress.getByName("127.0.0.2"), 0)).check(rt).toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            assertThat(ok.isUp()).as(ok.toString()).isTrue();
        }
    }
}
