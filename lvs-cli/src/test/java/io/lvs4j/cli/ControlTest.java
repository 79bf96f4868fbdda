package io.lvs4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlTest {
    @TempDir
    Path dir;

    private Control control;

    @AfterEach
    void close() {
        if (control != null) {
            control.close();
        }
    }

    private static Control.Answer echo(String request) {
        return new Control.Answer(Main.OK, "did " + request + "\n");
    }

    @Test
    void listen_anyUmask_socketIsOwnerOnly() throws IOException {
        Path sock = dir.resolve("a.sock");
        control = Control.listen(sock, ControlTest::echo);
        // the JVM's umask (022 here, 000 on a careless host) must not decide the mode
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock))).isEqualTo("rw-------");
        assertThat(Control.ask(sock, "status").text()).isEqualTo("did status\n");
    }

    @Test
    void listen_withGroup_socketIsGroupReadWrite() throws IOException {
        Path sock = dir.resolve("g.sock");
        control = Control.listen(sock, "nogroup", ControlTest::echo);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock))).isEqualTo("rw-rw----");
        assertThat(Files.getAttribute(sock, "posix:group").toString()).isEqualTo("nogroup");
        assertThat(Files.list(dir)).containsExactly(sock); // no staging directory left behind
    }

    @Test
    void listen_unknownGroup_refusedNamingIt() {
        assertThatThrownBy(() -> Control.listen(dir.resolve("x.sock"), "no-such-group-lvs4j", ControlTest::echo))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("control group: no-such-group-lvs4j (expected: an existing group)");
    }

    @Test
    void listen_directoryWritableByEveryone_refused() throws IOException {
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> Control.listen(open.resolve("c.sock"), ControlTest::echo))
                .isInstanceOf(IOException.class).hasMessageContaining("writable by every user");
        assertThat(Files.list(open)).isEmpty();
    }

    @Test
    void listen_anotherDirectorAnswers_refused() throws IOException {
        Path sock = dir.resolve("b.sock");
        control = Control.listen(sock, ControlTest::echo);
        assertThatThrownBy(() -> Control.listen(sock, ControlTest::echo)).isInstanceOf(IOException.class)
                .hasMessageContaining("another lvs4j run answers there");
        assertThat(Control.ask(sock, "status").status()).isEqualTo(Main.OK);
    }

    @Test
    void listen_staleSocketFile_replaced() throws IOException {
        Path sock = dir.resolve("stale.sock");
        try (var s = java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(sock)); // bound, then closed: nobody answers
        }
        assertThat(sock).exists();
        control = Control.listen(sock, ControlTest::echo);
        assertThat(Control.ask(sock, "status").text()).isEqualTo("did status\n");
    }

    @Test
    void idleClient_statusStillAnswered() throws IOException {
        Path sock = dir.resolve("idle.sock");
        control = Control.listen(sock, ControlTest::echo);
        try (SocketChannel idle = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
            // connected, says nothing: before, the one serving thread waited for its line
            Control.Answer a = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> Control.ask(sock, "status"));
            assertThat(a.text()).isEqualTo("did status\n");
            assertThat(idle.isConnected()).isTrue();
        }
    }

    @Test
    void idleClient_droppedAfterRequestTimeout() throws IOException {
        Path sock = dir.resolve("drop.sock");
        control = Control.listen(sock, ControlTest::echo);
        try (SocketChannel idle = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
            long start = System.nanoTime();
            int n = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> idle.read(ByteBuffer.allocate(16)));
            assertThat(n).isEqualTo(-1); // closed by the director, without an answer
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Control.REQUEST_TIMEOUT.toNanos() / 2);
        }
    }

    @Test
    void longReload_statusAnsweredMeanwhile() throws Exception {
        CountDownLatch reloading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Path sock = dir.resolve("slow.sock");
        control = Control.listen(sock, r -> {
            if (r.equals("reload")) {
                reloading.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return echo(r);
        });
        Thread reloader = new Thread(() -> {
            try {
                Control.ask(sock, "reload");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        reloader.start();
        assertThat(reloading.await(10, TimeUnit.SECONDS)).isTrue();
        Control.Answer a = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> Control.ask(sock, "status json"));
        assertThat(a.text()).isEqualTo("did status json\n");
        release.countDown();
        reloader.join(10_000);
    }

    @Test
    void requests_readingAndChanging_classified() {
        assertThat(Control.changes("status")).isFalse();
        assertThat(Control.changes("status json")).isFalse();
        assertThat(Control.changes("reload")).isTrue();
        assertThat(Control.changes("statusx")).isTrue(); // unknown requests count as changing
    }

    @Test
    void ownUser_mayReload() throws IOException {
        AtomicInteger reloads = new AtomicInteger();
        Path sock = dir.resolve("own.sock");
        control = Control.listen(sock, r -> {
            reloads.incrementAndGet();
            return echo(r);
        });
        assertThat(Control.ask(sock, "reload").text()).isEqualTo("did reload\n");
        assertThat(reloads).hasValue(1);
    }

    @Test
    void answer_firstLineNotAnExitStatus_isAnIOException() throws IOException {
        Path p = Path.of("/run/lvs4j/control");
        for (String bad : new String[] {"HTTP/1.1 200 OK\nx", "99999999999\n", "256\n", "-1\n", "\n", "0"}) {
            assertThatThrownBy(() -> Control.answer(bad, p)).as(bad).isInstanceOf(IOException.class)
                    .hasMessageStartingWith("/run/lvs4j/control: ");
        }
        assertThat(Control.answer(" 2 \nunknown request\n", p)).isEqualTo(new Control.Answer(2, "unknown request\n"));
    }
}
