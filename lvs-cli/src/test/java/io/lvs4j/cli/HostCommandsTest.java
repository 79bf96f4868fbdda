package io.lvs4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code down --state FILE} refuses a record that names what lvs4j never changes, before anything
 * on the host is touched ({@link HostCommandsIT} applies real records in a namespace).
 */
class HostCommandsTest {
    private int code;
    private String out;
    private String err;

    private void run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        code = Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
    }

    @Test
    void directorSysctlDown_stateNamingAnotherSysctl_exit1NamingFileLineAndTheAllowedOnes(@TempDir Path dir)
            throws Exception {
        Path state = dir.resolve("d.state");
        String text = "lvs4j-host-changes 1\nnetns\t-\nsysctl\tnet.ipv4.ip_forward\t0\t1\n"
                + "sysctl\tkernel.core_pattern\t|/tmp/own-the-host\tcore\n";
        Files.writeString(state, text);

        run("director-sysctl", "down", "--state", state.toString());

        assertThat(code).isEqualTo(Main.FAILED);
        assertThat(out).isEmpty();
        assertThat(err).isEqualTo("lvs4j: " + state + ":4: sysctl: \"kernel.core_pattern\" (expected: one of "
                + "net.ipv4.ip_forward, net.ipv6.conf.all.forwarding, net.ipv4.conf.all.arp_ignore, "
                + "net.ipv4.conf.lo.arp_ignore, net.ipv4.conf.all.arp_announce, net.ipv4.conf.lo.arp_announce, "
                + "net.ipv4.conf.all.rp_filter, net.ipv4.conf.tunl0.rp_filter, net.ipv4.vs.sloppy_tcp, net.ipv4.conf.INTERFACE.send_redirects)\n");
        assertThat(Files.readString(state)).as("the record is kept").isEqualTo(text);
    }

    @Test
    void realserverDown_stateRemovingAnAddressOffEth0_exit1NamingFileAndLine(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("rs.state");
        Files.writeString(state, "lvs4j-host-changes 1\nnetns\t-\naddress\teth0\t-\t10.0.0.1/32\n");

        run("realserver", "down", "--vip", "192.0.2.100", "--state", state.toString());

        assertThat(code).isEqualTo(Main.FAILED);
        assertThat(err).isEqualTo("lvs4j: " + state + ":3: address interface: \"eth0\" (expected: lo)\n");
    }
}
