package io.lvs4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control socket against a real unprivileged peer: a client process run as {@code nobody}
 * ({@code setpriv}) talks to a socket a root director made.
 */
class ControlAccessIT {
    private static final String CLIENT = """
            import socket, sys
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(sys.argv[1])
            except OSError as e:
                print("connect failed: " + e.strerror); sys.exit(0)
            s.sendall((sys.argv[2] + "\\n").encode())
            out = b""
            while True:
                b = s.recv(4096)
                if not b: break
                out += b
            sys.stdout.write(out.decode())
            """;

    @TempDir
    Path dir;

    private String asNobody(Path sock, String request) throws IOException, InterruptedException {
        Path script = dir.resolve("client.py");
        Files.writeString(script, CLIENT);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
        Process p = new ProcessBuilder(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                "/usr/bin/python3", script.toString(), sock.toString(), request)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    private Path openDir() throws IOException {
        // nobody must be able to reach the socket's directory (the test's temp dir is root's 0700)
        Path d = Files.createDirectory(dir.resolve("run"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        return d;
    }

    @Test
    void unprivilegedPeer_inGroup_statusAnsweredReloadRefused() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run a peer as nobody");
        AtomicInteger reloads = new AtomicInteger();
        Path sock = openDir().resolve("g.sock");
        try (Control c = Control.listen(sock, "nogroup", r -> {
            if (r.equals("reload")) {
                reloads.incrementAndGet();
            }
            return new Control.Answer(Main.OK, "did " + r + "\n");
        })) {
            assertThat(asNobody(sock, "status")).isEqualTo("0\ndid status\n");
            String refused = asNobody(sock, "reload");
            assertThat(refused).startsWith(Main.FAILED + "\nrefused: reload needs root or the director's user (root);"
                    + " peer is user nobody, group nogroup");
            assertThat(reloads).hasValue(0);
            assertThat(Control.ask(sock, "reload").text()).isEqualTo("did reload\n"); // root may
            assertThat(reloads).hasValue(1);
        }
    }

    @Test
    void unprivilegedPeer_ownerOnlySocket_cannotConnect() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run a peer as nobody");
        AtomicInteger calls = new AtomicInteger();
        Path sock = openDir().resolve("o.sock");
        try (Control c = Control.listen(sock, r -> {
            calls.incrementAndGet();
            return new Control.Answer(Main.OK, "did " + r + "\n");
        })) {
            assertThat(asNobody(sock, "reload")).isEqualTo("connect failed: Permission denied\n");
            assertThat(asNobody(sock, "status")).isEqualTo("connect failed: Permission denied\n");
            assertThat(calls).hasValue(0);
        }
    }
}
