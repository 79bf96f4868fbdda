package io.lvs4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.lab.LabResult;
import io.lvs4j.lab.RequiresUmlLab;
import io.lvs4j.lab.UmlLab;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The example with {@code --kernel} inside User-Mode Linux: the kernel's IPVS table, VRRP on raw
 * sockets on a veth named eth0, real TCP checks; then {@code ipvsadm -Sn} and the addresses of
 * eth0 after it exited.
 */
@RequiresUmlLab
class EmbeddedDirectorKernelIT {
    @Test
    void run_kernel_programsTheTableHoldsTheVipAndCleansUp(UmlLab lab) throws Exception {
        String java = String.join(" ", Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                String.join(" ", UmlLab.DEFAULT_JVM_OPTIONS), "-cp", "'" + System.getProperty("java.class.path") + "'",
                EmbeddedDirector.class.getName(), "--kernel", "--interface", "eth0");
        LabResult r = lab.toBuilder().memory("1G").build().run(Duration.ofMinutes(3), """
                ip link add eth0 type veth peer name eth1
                ip addr add 192.0.2.2/24 dev eth0
                ip link set eth0 up; ip link set eth1 up
                %s
                echo "== exit $?"
                echo "== after"; ipvsadm -Sn; ip -4 -o addr show dev eth0
                """.formatted(java));
        String out = r.stdout();
        Map<String, String> sections = new LinkedHashMap<>();
        String heading = "";
        StringBuilder body = new StringBuilder();
        for (String line : out.split("\n")) {
            if (line.startsWith("== ")) {
                sections.put(heading, body.toString());
                heading = line.substring(3).replaceAll(":\\d+", ":PORT");
                body.setLength(0);
            } else {
                body.append(line).append('\n');
            }
        }
        sections.put(heading, body.toString());
        assertThat(sections.keySet()).as("%s%n%s", out, r.stderr()).containsExactly("",
                "start", "weight of 127.0.0.2:PORT in TCP 192.0.2.10:PORT: 3 -> 5",
                "the real server 127.0.0.3:PORT stops listening", "close", "closed", "exit 0", "after");

        String start = sections.get("start");
        assertThat(start).contains("(VI_1) BACKUP -> MASTER", "(VI_1) added 192.0.2.10/24",
                "    vrrp VI_1 MASTER priority 100 holding 192.0.2.10/24");
        assertThat(start).containsPattern("      127\\.0\\.0\\.3:\\d+ UP configured weight 1, in the table at weight 1\n"
                + "    service TCP 192.0.2.10:8443 rr\n");

        String weight = sections.get("weight of 127.0.0.2:PORT in TCP 192.0.2.10:PORT: 3 -> 5");
        assertThat(weight).containsPattern("  applied \\[EDIT_SERVER TCP 192.0.2.10:80 -> 127.0.0.2:\\d+ weight 3 -> 5\\]\n");

        String stop = sections.get("the real server 127.0.0.3:PORT stops listening");
        assertThat(stop).containsPattern("EDIT_SERVER TCP 192.0.2.10:8443 -> 127.0.0.3:\\d+ weight 1 -> 0");
        assertThat(stop).containsPattern("REMOVE_SERVER TCP 192.0.2.10:80 -> 127.0.0.3:\\d+");
        assertThat(stop).containsPattern("    service TCP 192.0.2.10:80 wrr\n"
                + "      127\\.0\\.0\\.2:\\d+ UP configured weight 5, in the table at weight 5\n"
                + "      127\\.0\\.0\\.3:\\d+ DOWN configured weight 1, not in the table\n"
                + "    service TCP 192.0.2.10:8443 rr\n"
                + "      127\\.0\\.0\\.2:\\d+ UP configured weight 3, in the table at weight 3\n"
                + "      127\\.0\\.0\\.3:\\d+ DOWN configured weight 1, in the table at weight 0\n");

        assertThat(sections.get("close")).contains("(VI_1) removed 192.0.2.10/24", "REMOVE_SERVICE TCP 192.0.2.10:80",
                "REMOVE_SERVICE TCP 192.0.2.10:8443");
        // the kernel as it is afterwards: no services, only eth0's own address
        assertThat(sections.get("after")).doesNotContain("-A ", "192.0.2.10").contains("inet 192.0.2.2/24");
    }
}
