package io.lvs4j.netlink;

import io.lvs4j.table.IpvsException;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.lab.LabResult;
import io.lvs4j.lab.RequiresUmlLab;
import io.lvs4j.lab.UmlLab;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * lvs4j against the real 6.1 kernel inside User-Mode Linux. Both sides of every comparison come
 * from real tools: the rules lvs4j wrote are printed by ipvsadm and compared with ipvsadm's
 * printout of the same rules entered with ipvsadm itself.
 */
@RequiresUmlLab
@Tag("parallel-lab") // its own guest, nothing fixed on the host: runs beside another (pom.xml)
class IpvsRoundTripIT {
    /** The ipvsadm commands equivalent to {@link IpvsLabMain#write}. */
    static final String IPVSADM_RULES = String.join("\n",
            "ipvsadm -A -t 192.0.2.10:80 -s wrr",
            "ipvsadm -a -t 192.0.2.10:80 -r 10.0.0.1:8080 -m -w 3",
            "ipvsadm -a -t 192.0.2.10:80 -r 10.0.0.2:80 -g -w 1 -x 100 -y 10",
            "ipvsadm -A -u [2001:db8::1]:53 -s rr",
            "ipvsadm -a -u [2001:db8::1]:53 -r [2001:db8:1::2]:53 -m -w 2",
            "ipvsadm -A -f 7 -s sh -b sh-port -p 300 -M 255.255.255.0",
            "ipvsadm -a -f 7 -r 10.0.0.3 -g -w 1",
            "ipvsadm -A --sctp-service 192.0.2.11:3868 -s mh -b mh-fallback,mh-port",
            "ipvsadm -a --sctp-service 192.0.2.11:3868 -r 10.0.0.4:3868 -i --tun-type gue --tun-port 6080 --tun-csum -w 1",
            "ipvsadm -a --sctp-service 192.0.2.11:3868 -r 10.0.0.5:3868 -i --tun-type gre -w 1",
            "ipvsadm -A -t 192.0.2.12:443 -s lc -p 600",
            "ipvsadm --set 900 120 300",
            "ipvsadm --start-daemon master --mcast-interface d0 --syncid 5",
            "");

    private static final String SHOW = "ipvsadm -Sn; ipvsadm -Ln; ipvsadm -Ln --thresholds; ipvsadm -L --timeout; ipvsadm -L --daemon\n";

    private static String java(String mode) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(UmlLab.DEFAULT_JVM_OPTIONS);
        cmd.add("-cp");
        cmd.add("'" + System.getProperty("java.class.path") + "'");
        cmd.add(IpvsLabMain.class.getName());
        cmd.add(mode);
        return String.join(" ", cmd) + "\n";
    }

    private static String section(String out, String name) {
        int a = out.indexOf("== " + name + "\n");
        assertThat(a).as("section " + name + " in:\n" + out).isNotNegative();
        int b = out.indexOf("\n== ", a + 1);
        return out.substring(a + name.length() + 4, b < 0 ? out.length() : b + 1);
    }

    private static final String SETUP = "set -e\n"
            + "ip link add d0 type dummy; ip addr add 10.0.0.10/24 dev d0\n"
            + "ip -6 addr add 2001:db8:1::10/64 dev d0 nodad; ip link set d0 up\n";

    @Test
    void writeWithLvs4j_ipvsadmShowsSameAsIpvsadmCommands(UmlLab lab) throws Exception {
        LabResult r = lab.run(SETUP
                + "echo '== lvs4j'\n" + java("write") + SHOW
                + "ipvsadm -C; ipvsadm --stop-daemon master; ipvsadm --set 0 0 0 || true\n"
                + "echo '== ipvsadm'\n" + IPVSADM_RULES + SHOW
                + "echo '== read'\n" + java("read")
                + "echo '== end'\n").requireSuccess();
        String out = r.stdout();
        String viaLvs4j = section(out, "lvs4j").replace("available true\n", "");
        String viaIpvsadm = section(out, "ipvsadm");
        assertThat(viaLvs4j).contains("-A -t 192.0.2.10:80 -s wrr\n", "--tun-type gue --tun-port 6080 --tun-csum",
                "-A -f 7 -s sh -p 300 -M 255.255.255.0 -b sh-port", "master sync daemon (mcast=d0, syncid=5,",
                "  -> 10.0.0.2:80                  100        10         ");
        assertThat(viaLvs4j).isEqualTo(viaIpvsadm);

        // the rules ipvsadm made, read by lvs4j, are the model IpvsLabMain wrote
        List<String> read = new ArrayList<>(Arrays.asList(section(out, "read").split("\n")));
        assertThat(read).contains("available true", "timeouts " + io.lvs4j.Timeouts.ofSeconds(900, 120, 300),
                "info 1.2.1 4096");
        assertThat(read.stream().filter(l -> l.startsWith("VirtualService")))
                .containsExactlyInAnyOrderElementsOf(IpvsLabMain.rules().stream().map(IpvsLabMain::sorted).toList());
        assertThat(read.stream().filter(l -> l.startsWith("daemons")).findFirst().orElseThrow())
                .contains("d0").contains("5");
    }

    @Test
    void errors_duplicateUnknownSchedulerMissingDestBatch_reportedPlainly(UmlLab lab) throws Exception {
        LabResult r = lab.run(SETUP + "echo '== errors'\n" + java("errors") + "echo '== sn'\nipvsadm -Sn\n")
                .requireSuccess();
        String out = section(r.stdout(), "errors");
        assertThat(out).contains("IpvsException: "
                + "IPVS_CMD_NEW_SERVICE failed: File exists (errno 17) for TCP 192.0.2.10:80\n");
        assertThat(out).contains("IPVS_CMD_NEW_SERVICE failed: No such file or directory (errno 2) for TCP 192.0.2.20:80"
                + " (scheduler \"twos\" is not available: kernel module ip_vs_twos is not loaded and could not be loaded)");
        assertThat(out).contains("IPVS_CMD_DEL_DEST failed: No such file or directory (errno 2) for TCP 192.0.2.10:80"
                + " -> 10.0.0.99:80 (no such real server)");
        assertThat(out).contains("IPVS_CMD_SET_SERVICE failed: No such process (errno 3) for TCP 192.0.2.30:80"
                + " (no such service)");
        assertThat(out).contains("batch: batch of 3: 1 failed, 2 applied, 0 not sent; request 1: IPVS_CMD_NEW_DEST"
                + " failed: File exists (errno 17) for TCP 192.0.2.10:80 -> 10.0.0.1:80\n"
                + "applied: [IPVS_CMD_NEW_DEST TCP 192.0.2.10:80 -> 10.0.0.1:80,"
                + " IPVS_CMD_NEW_DEST TCP 192.0.2.10:80 -> 10.0.0.2:80]\n");
        assertThat(out).contains("absent Optional.empty\n");
        // what the batch reported as applied is what ipvsadm sees
        assertThat(section(r.stdout(), "sn")).isEqualTo("-A -t 192.0.2.10:80 -s wrr\n"
                + "-a -t 192.0.2.10:80 -r 10.0.0.1:80 -m -w 1\n"
                + "-a -t 192.0.2.10:80 -r 10.0.0.2:80 -m -w 1\n");
    }
}
