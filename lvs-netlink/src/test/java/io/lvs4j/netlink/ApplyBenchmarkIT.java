package io.lvs4j.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.lab.LabResult;
import io.lvs4j.lab.RequiresUmlLab;
import io.lvs4j.lab.UmlLab;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link ApplyBenchmarkMain} in the lab and prints its figures; checks that the kernel then
 * holds all 50,000 objects, and asserts nothing about time (speed goals are benchmarks, recorded
 * in {@code benchmarks/RESULTS.md}). Only with {@code -Dlvs4j.bench=apply}:
 * {@code mvn -B verify -pl lvs-netlink -Dit.test=ApplyBenchmarkIT -Dlvs4j.bench=apply}.
 */
@RequiresUmlLab
class ApplyBenchmarkIT {
    @Test
    void apply50000_inUml_allInKernel(UmlLab lab) throws Exception {
        Assumptions.assumeTrue("apply".equals(System.getProperty("lvs4j.bench")),
                "benchmark runs only with -Dlvs4j.bench=apply");
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Xmx1g");
        cmd.add("-cp");
        cmd.add("'" + System.getProperty("java.class.path") + "'");
        cmd.add(ApplyBenchmarkMain.class.getName());
        cmd.add("b1");
        cmd.add("b2");
        cmd.add("b3");
        LabResult r = lab.run(Duration.ofMinutes(5), "set -e\n"
                + "ip link add d0 type dummy; ip addr add 198.51.100.254/24 dev d0; ip link set d0 up\n"
                + "for n in b1 b2 b3; do ip netns add $n; ip -n $n link add d0 type dummy\n"
                + "  ip -n $n addr add 198.51.100.254/24 dev d0; ip -n $n link set d0 up; done\n"
                + "grep -m1 'model name' /proc/cpuinfo || true; nproc\n"
                + String.join(" ", cmd) + "\n"
                + "echo \"sn-lines $(ipvsadm -Sn | wc -l)\"\n"
                + "echo \"services $(ipvsadm -Sn | grep -c '^-A')\"\n"
                + "echo \"b3-lines $(ip netns exec b3 ipvsadm -Sn | wc -l)\"\n"
                + "for n in b1 b2 b3; do ip netns del $n; done\n");
        System.out.println(r.stdout() + r.stderr());
        r.requireSuccess();
        assertThat(r.stdout()).contains("requests 50000 in root namespace", "requests 50000 in b3",
                "sn-lines 50000\n", "services 10000\n", "b3-lines 50000\n");
    }
}
