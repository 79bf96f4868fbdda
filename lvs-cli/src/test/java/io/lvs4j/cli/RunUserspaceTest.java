package io.lvs4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.director.config.ReadOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lvs4j run --userspace}: what the userspace forwarder cannot run is refused with exit
 * status 2 and one line saying why, before any socket, namespace or thread is opened; a VRRP VIP
 * that is a virtual server's address is accepted and picked out for the forwarder.
 */
class RunUserspaceTest {
    private static final String WEB = "virtual_server 192.0.2.10 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n"
            + " real_server 198.51.100.2 80 {\n  weight 1\n }\n}\n";

    private static final String VRRP = "vrrp_instance VI_1 {\n state BACKUP\n interface eth0\n virtual_router_id 51\n"
            + " priority 100\n virtual_ipaddress {\n  192.0.2.10/24\n  192.0.2.99/24\n }\n}\n";

    @TempDir
    Path dir;
    private int code;
    private String err;

    private void run(String conf, String... args) throws Exception {
        Path file = dir.resolve("keepalived.conf");
        Files.writeString(file, conf);
        String[] argv = new String[args.length + 2];
        argv[0] = "run";
        argv[1] = file.toString();
        System.arraycopy(args, 0, argv, 2, args.length);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        code = Main.run(argv, new ByteArrayInputStream(new byte[0]), new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        err = e.toString(StandardCharsets.UTF_8).replace(file.toString(), "FILE");
    }

    @Test
    void interface_withoutUserspace_exit2() throws Exception {
        run(WEB, "--interface", "eth0");
        assertThat(code).isEqualTo(Main.USAGE);
        assertThat(err).isEqualTo("lvs4j: --interface: only with --userspace\n");
    }

    @Test
    void activeActive_withoutUserspace_exit2() throws Exception {
        run(WEB, "--active-active");
        assertThat(code).isEqualTo(Main.USAGE);
        assertThat(err).isEqualTo("lvs4j: --active-active: only with --userspace (expected: for the kernel's IPVS,"
                + " lvs4j director-sysctl up --active-active)\n");
    }

    @Test
    void userspace_withoutInterface_exit2() throws Exception {
        run(WEB, "--userspace");
        assertThat(code).isEqualTo(Main.USAGE);
        assertThat(err).startsWith("lvs4j: --userspace: no --interface (expected: the director's interfaces");
    }

    @Test
    void userspace_fwmarkVirtualServer_exit2() throws Exception {
        run(WEB + "virtual_server fwmark 7 {\n lb_algo rr\n lb_kind DR\n real_server 198.51.100.2 {\n }\n}\n",
                "--userspace", "--interface", "eth0");
        assertThat(code).isEqualTo(Main.USAGE);
        assertThat(err).isEqualTo("lvs4j: FILE: virtual_server fwmark 7 (expected: an address and port with"
                + " --userspace, the forwarder sees no firewall marks)\n");
    }

    @Test
    void userspaceProblem_virtualServerOnAVrrpVip_none() throws Exception {
        KeepalivedConfig c = KeepalivedConfig.parse("keepalived.conf", VRRP + WEB, ReadOptions.defaults()).config();
        assertThat(RunCommand.userspaceProblem(c)).isNull();
    }

    @Test
    void sharedVips_twoVipsOneAVirtualServerAddress_onlyThatOne() throws Exception {
        KeepalivedConfig c = KeepalivedConfig.parse("keepalived.conf", VRRP + WEB, ReadOptions.defaults()).config();
        assertThat(RunCommand.sharedVips(c)).containsExactly(InetAddress.getByName("192.0.2.10"));
    }

    @Test
    void sharedVips_noVirtualServerOnAVip_empty() throws Exception {
        KeepalivedConfig c = KeepalivedConfig.parse("keepalived.conf",
                VRRP + WEB.replace("192.0.2.10 80", "192.0.2.20 80"), ReadOptions.defaults()).config();
        assertThat(RunCommand.sharedVips(c)).isEmpty();
    }

    @Test
    void sharedVipsChange_sameVips_none() throws Exception {
        KeepalivedConfig c = KeepalivedConfig.parse("keepalived.conf", VRRP + WEB, ReadOptions.defaults()).config();
        assertThat(RunCommand.sharedVipsChange(Set.of(InetAddress.getByName("192.0.2.10")), c)).isNull();
    }

    @Test
    void sharedVipsChange_aVirtualServerMovedOntoAnotherVip_saysWhatAndThatARestartIsNeeded() throws Exception {
        KeepalivedConfig c = KeepalivedConfig.parse("keepalived.conf",
                VRRP + WEB.replace("192.0.2.10 80", "192.0.2.99 80"), ReadOptions.defaults()).config();
        assertThat(RunCommand.sharedVipsChange(Set.of(InetAddress.getByName("192.0.2.10")), c))
                .isEqualTo("the VIPs that are virtual server addresses: [192.0.2.99] (expected: [192.0.2.10] as at"
                        + " start; with --userspace, changing them needs a restart)");
    }

    @Test
    void userspace_syncDaemon_exit2() throws Exception {
        run("global_defs {\n lvs_sync_daemon eth0 VI_1\n}\nvrrp_instance VI_1 {\n state MASTER\n interface eth0\n"
                + " virtual_router_id 51\n priority 100\n virtual_ipaddress {\n  192.0.2.99/24\n }\n}\n" + WEB,
                "--userspace", "--interface", "eth0");
        assertThat(code).isEqualTo(Main.USAGE);
        // the reader's warning that lvs4j does not act on lvs_sync_daemon yet comes first
        assertThat(err.lines().reduce((a, b) -> b).orElse(""))
                .startsWith("lvs4j: FILE: lvs_sync_daemon: (expected: none with --userspace");
    }
}
