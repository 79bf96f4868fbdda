package io.lvs4j.bgp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: an error of the JVM thrown in the speaker's code on the transport's Netty thread (here
 * in the connect listener's callback) reaches that thread's uncaught exception handler, not
 * Netty's listener log.
 */
class NettyTransportFatalTest {
    private final Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
    private final List<String> handed = new CopyOnWriteArrayList<>();
    private final CountDownLatch told = new CountDownLatch(1);

    @AfterEach
    void restore() {
        Thread.setDefaultUncaughtExceptionHandler(before);
    }

    @Test
    void connectListener_eventsThrowOutOfMemory_reportedOnTheBgpThread() throws Exception {
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            handed.add(t.getName() + " " + e);
            told.countDown();
        });
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort(); // refused once closed
        }
        NettyTransport transport = new NettyTransport(null);
        try {
            transport.start(new Transport.Events() {
                @Override
                public void accepted(Connection c) {
                }

                @Override
                public void connected(Connection c) {
                    throw new OutOfMemoryError("in connected");
                }

                @Override
                public void connectFailed(Connection c, String cause) {
                    throw new OutOfMemoryError("in connectFailed");
                }

                @Override
                public void received(Connection c, ByteBuf message) {
                }

                @Override
                public void closed(Connection c, String cause) {
                }
            }, null, Map.of());
            transport.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort), null, null, null);
            assertThat(told.await(10, TimeUnit.SECONDS)).as("handed over: %s", handed).isTrue();
        } finally {
            transport.close().get(5, TimeUnit.SECONDS);
        }
        assertThat(handed).singleElement().asString().startsWith("lvs4j-bgp ")
                .endsWith("java.lang.OutOfMemoryError: in connectFailed");
    }
}
