package io.lvs4j.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** UDP_CHECK, DNS_CHECK, MISC_CHECK, SMTP_CHECK and FILE_CHECK against real loopback peers and programs. */
class OtherCheckersIT {
    static CheckRuntime runtime;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        runtime = CheckRuntime.create();
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    static CheckResult run(Checker c) throws Exception {
        return c.check(runtime).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A UDP responder on loopback answering each datagram with what {@code answer} makes of it (null: silence). */
    static final class Responder implements AutoCloseable {
        final DatagramSocket socket;
        final Thread thread;

        Responder(java.util.function.Function<byte[], byte[]> answer) throws Exception {
            socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> {
                byte[] buf = new byte[2048];
                while (!socket.isClosed()) {
                    try {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        socket.receive(p);
                        byte[] in = java.util.Arrays.copyOf(p.getData(), p.getLength());
                        byte[] out = answer.apply(in);
                        if (out != null) {
                            socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
                        }
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws InterruptedException {
            socket.close();
            thread.join(2000);
        }
    }

    /** For a peer that answers: 5 s, as the timeout also covers the responder thread's reply on a busy host. */
    static Endpoint udp(int port) {
        return Endpoint.of("127.0.0.1", port).withConnectTimeout(Duration.ofSeconds(5));
    }

    /** For a peer that stays silent: the check waits the whole timeout, so it stays short. */
    static Endpoint udpSilent(int port) {
        return Endpoint.of("127.0.0.1", port).withConnectTimeout(Duration.ofMillis(400));
    }

    @Test
    void udpCheck_requireReplyPattern_matchAndMismatch() throws Exception {
        try (Responder r = new Responder(in -> in[0] == 0x01 ? new byte[] {(byte) 0xca, (byte) 0xfe, 0x00}
                : new byte[] {0x00})) {
            assertThat(run(UdpChecker.builder(udp(r.port())).payloadHex("01").requireReplyHex("cafe").build()).isUp())
                    .isTrue();
            CheckResult bad = run(UdpChecker.builder(udp(r.port())).payloadHex("02").requireReplyHex("cafe").build());
            assertThat(bad.reason()).isEqualTo(FailureReason.REPLY_MISMATCH);
            assertThat(bad.detail()).contains("cafe");
        }
    }

    @Test
    void udpCheck_silentPeer_upWithoutRequireReplyTimeoutWithIt() throws Exception {
        try (Responder r = new Responder(in -> null)) {
            assertThat(run(UdpChecker.builder(udpSilent(r.port())).payloadHex("00").build()).isUp()).isTrue();
            CheckResult need = run(UdpChecker.builder(udpSilent(r.port())).payloadHex("00").requireReply().build());
            assertThat(need.reason()).isEqualTo(FailureReason.READ_TIMEOUT);
        }
    }

    @Test
    void udpCheck_closedPort_refusedByIcmp() throws Exception {
        int port;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        CheckResult r = run(UdpChecker.builder(udp(port)).payloadHex("00").build());
        assertThat(r.reason()).as(r.toString()).isEqualTo(FailureReason.REFUSED);
    }

    /** A DNS responder: echoes the id and question with QR set, rcode from the question's first label. */
    static byte[] dnsAnswer(byte[] q) {
        byte[] a = q.clone();
        a[2] = (byte) (q[2] | 0x80);
        int firstLabelLength = q[12];
        String label = firstLabelLength == 0 ? "" : new String(q, 13, firstLabelLength, StandardCharsets.US_ASCII);
        a[3] = (byte) (label.equals("nxdomain") ? 3 : 0);
        return a;
    }

    @Test
    void dnsCheck_localResponder_upOnNoErrorDownOnNxdomainAndWrongId() throws Exception {
        try (Responder r = new Responder(OtherCheckersIT::dnsAnswer)) {
            assertThat(run(DnsChecker.of(udp(r.port()), "SOA", ".")).isUp()).isTrue();
            assertThat(run(DnsChecker.of(udp(r.port()), "a", "www.example.test")).isUp()).isTrue();
            CheckResult nx = run(DnsChecker.of(udp(r.port()), "A", "nxdomain.example.test"));
            assertThat(nx.reason()).isEqualTo(FailureReason.PROTOCOL_ERROR);
            assertThat(nx.detail()).isEqualTo("rcode 3 (expected: 0)");
        }
        try (Responder wrongId = new Responder(q -> {
            byte[] a = dnsAnswer(q);
            a[0] ^= 0x55;
            return a;
        })) {
            CheckResult r = run(DnsChecker.of(udp(wrongId.port()), "A", "x.test"));
            assertThat(r.reason()).isEqualTo(FailureReason.BAD_RESPONSE);
            assertThat(r.detail()).startsWith("reply id ");
        }
    }

    @Test
    void dnsCheck_queryBytes_asRfc1035Says() throws Exception {
        byte[][] seen = new byte[1][];
        try (Responder r = new Responder(q -> {
            seen[0] = q;
            return dnsAnswer(q);
        })) {
            assertThat(run(DnsChecker.of(udp(r.port()), "MX", "ab.c")).isUp()).isTrue();
        }
        byte[] q = seen[0];
        assertThat(java.util.Arrays.copyOfRange(q, 2, q.length)).containsExactly(
                0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 2, 'a', 'b', 1, 'c', 0, 0, 15, 0, 1);
    }

    @Test
    void miscCheck_everyExitCode_keepalivedMeaning() throws Exception {
        Path script = dir.resolve("check.sh");
        Files.writeString(script, "#!/bin/sh\nexit \"$1\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        for (int code = 0; code <= 255; code++) {
            List<String> argv = List.of(script.toString(), Integer.toString(code));
            CheckResult plain = run(MiscChecker.of(argv, Duration.ofSeconds(5), false));
            CheckResult dynamic = run(MiscChecker.of(argv, Duration.ofSeconds(5), true));
            if (code == 0) {
                assertThat(plain.isUp()).isTrue();
                assertThat(dynamic.isUp()).isTrue();
                assertThat(dynamic.weight()).isEmpty();
            } else if (code == 1) {
                assertThat(plain.reason()).isEqualTo(FailureReason.EXIT_STATUS);
                assertThat(dynamic.reason()).isEqualTo(FailureReason.EXIT_STATUS);
                assertThat(dynamic.detail()).isEqualTo("exited with status 1");
            } else {
                assertThat(plain.reason()).as("exit %d", code).isEqualTo(FailureReason.EXIT_STATUS);
                assertThat(dynamic.isUp()).as("exit %d", code).isTrue();
                assertThat(dynamic.weight()).as("exit %d", code).hasValue(code - 2);
            }
        }
    }

    @Test
    void miscCheck_pastTimeout_killedAndDown() throws Exception {
        CheckResult r = run(MiscChecker.of(List.of("/bin/sleep", "5"), Duration.ofMillis(300), false));
        assertThat(r.reason()).isEqualTo(FailureReason.READ_TIMEOUT);
        assertThat(r.detail()).contains("killed after 300 ms");
        assertThat(r.latency()).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void miscCheck_noShell_metacharactersAreArguments() throws Exception {
        Path marker = dir.resolve("marker");
        CheckResult r = run(MiscChecker.of(MiscChecker.split("/bin/echo ok; touch " + marker), Duration.ofSeconds(5),
                false));
        assertThat(r.isUp()).isTrue();
        assertThat(marker).doesNotExist();
        CheckResult missing = run(MiscChecker.of(List.of(dir.resolve("nope").toString()), Duration.ofSeconds(5), false));
        assertThat(missing.reason()).isEqualTo(FailureReason.IO_ERROR);
    }

    @Test
    void smtpCheck_greetingHeloQuit_andBadGreeting() throws Exception {
        StringBuilder seen = new StringBuilder();
        try (ScriptedServer smtp = new ScriptedServer((in, out) -> {
            out.write("220-mail.test ESMTP\r\n220 ready\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            String helo = r.readLine();
            synchronized (seen) {
                seen.append(helo);
            }
            out.write("250 hello\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            r.readLine();
        })) {
            CheckResult ok = run(SmtpChecker.of(Endpoint.of("127.0.0.1", smtp.port()), "lvs4j.test"));
            assertThat(ok.isUp()).as(ok.toString()).isTrue();
            synchronized (seen) {
                assertThat(seen.toString()).isEqualTo("HELO lvs4j.test");
            }
        }
        try (ScriptedServer busy = new ScriptedServer((in, out) ->
                out.write("554 no service\r\n".getBytes(StandardCharsets.US_ASCII)))) {
            CheckResult r = run(SmtpChecker.of(Endpoint.of("127.0.0.1", busy.port()), "x"));
            assertThat(r.reason()).isEqualTo(FailureReason.PROTOCOL_ERROR);
            assertThat(r.detail()).isEqualTo("greeting 554 (expected: 220)");
        }
    }

    @Test
    void fileCheck_valuesFromTheFile() throws Exception {
        Path f = dir.resolve("weight");
        Files.writeString(f, "0\n");
        assertThat(run(FileChecker.of(f, 0, false, false)).isUp()).isTrue();
        Files.writeString(f, "1\n");
        assertThat(run(FileChecker.of(f, 0, false, false)).reason()).isEqualTo(FailureReason.REPLY_MISMATCH);
        Files.writeString(f, "7\n");
        assertThat(run(FileChecker.of(f, 3, false, true)).weight()).hasValue(21);
        assertThat(run(FileChecker.of(f, 3, true, true)).reason()).isEqualTo(FailureReason.REPLY_MISMATCH);
        Files.writeString(f, "junk");
        assertThat(run(FileChecker.of(f, 3, false, true)).isUp()).isTrue(); // no leading number reads as 0
        assertThat(run(FileChecker.of(dir.resolve("missing"), 0, false, false)).isUp()).isTrue();
    }
}
