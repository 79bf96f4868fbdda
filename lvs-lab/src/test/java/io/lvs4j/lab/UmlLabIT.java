package io.lvs4j.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lab harness itself, booting real UML kernels. */
@RequiresUmlLab
class UmlLabIT {

    @Test
    void run_procNetIpVs_showsTheKernelsIpvs(UmlLab lab) throws Exception {
        LabResult r = lab.run("cat /proc/net/ip_vs; uname -r").requireSuccess();

        assertThat(r.stdout()).startsWith("IP Virtual Server version 1.2.1 (size=4096)\n"
                + "Prot LocalAddress:Port Scheduler Flags\n");
        assertThat(r.stdout()).containsPattern("\\n6\\.1\\.[0-9]+\\n$");
        assertThat(r.timedOut()).isFalse();
        assertThat(r.bootTime()).isPositive();
    }

    @Test
    void run_ipvsadmAddService_saveListsIt(UmlLab lab) throws Exception {
        LabResult r = lab.run("ipvsadm -A -t 192.0.2.10:80 -s rr && ipvsadm -Sn").requireSuccess();

        assertThat(r.stdout()).isEqualTo("-A -t 192.0.2.10:80 -s rr\n");
    }

    @Test
    void run_everyScheduler_loadedAndUsable(UmlLab lab) throws Exception {
        List<String> schedulers = List.of("rr", "wrr", "lc", "wlc", "sed", "nq", "fo", "ovf", "lblc", "lblcr",
                "dh", "sh", "mh");
        StringBuilder script = new StringBuilder("set -e\n");
        for (int i = 0; i < schedulers.size(); i++) {
            script.append("ipvsadm -A -t 192.0.2.10:").append(1000 + i).append(" -s ")
                    .append(schedulers.get(i)).append('\n');
        }
        script.append("ipvsadm -Sn\n");

        LabResult r = lab.run(script.toString()).requireSuccess();

        for (int i = 0; i < schedulers.size(); i++) {
            assertThat(r.stdout()).contains("-A -t 192.0.2.10:" + (1000 + i) + " -s " + schedulers.get(i) + "\n");
        }
    }

    @Test
    void run_nonZeroExit_propagatesWithStderr(UmlLab lab) throws Exception {
        LabResult r = lab.run("echo out; echo oops >&2; exit 42");

        assertThat(r.exitCode()).isEqualTo(42);
        assertThat(r.stdout()).isEqualTo("out\n");
        assertThat(r.stderr()).isEqualTo("oops\n");
        assertThat(r.succeeded()).isFalse();
    }

    @Test
    void run_hangingGuest_killedAtTimeoutWithoutLeftovers(UmlLab lab) throws Exception {
        LabResult r = lab.run(Duration.ofSeconds(10), "echo started; sleep 600");

        assertThat(r.timedOut()).isTrue();
        assertThat(r.exitCode()).isEqualTo(124);
        assertThat(r.duration()).isLessThan(Duration.ofSeconds(25));
        assertThat(r.stderr()).contains("timed out after 10 s");
        assertThat(ProcessHandle.current().descendants()
                .filter(p -> p.info().command().orElse("").contains("linux.uml")))
                .isEmpty();
    }

    @Test
    void run_envAndWorkingDirectory_reachTheScriptAndFilesComeOut(UmlLab lab) throws Exception {
        Path dir = Files.createDirectories(Paths.get(System.getProperty(UmlLab.WORKDIR_PROPERTY, "target/lab"))
                .toAbsolutePath().resolve("wd-" + ProcessHandle.current().pid()));
        Path out = dir.resolve("written-inside.txt");
        Files.deleteIfExists(out);
        UmlLab custom = lab.toBuilder().workingDirectory(dir).env("LAB_GREETING", "hello 'world'").build();

        LabResult r = custom.run("pwd; echo \"$LAB_GREETING\" > written-inside.txt; ls /tmp | wc -l")
                .requireSuccess();

        assertThat(r.stdout()).isEqualTo(dir + "\n0\n");
        assertThat(out).hasContent("hello 'world'");
    }

    @Test
    void runJava_mainClass_runsInTheGuestKernel(UmlLab lab) throws Exception {
        LabResult r = lab.runJava(LabProbeMain.class, "a b", "c").requireSuccess();

        assertThat(r.stdout()).contains("os.version=6.1.")
                .contains("args=a b,c\n")
                .contains("cpus=1\n")
                .contains("ipvs=IP Virtual Server version 1.2.1");
    }

    @Test
    void runJava_exitStatus_propagates(UmlLab lab) throws Exception {
        LabResult r = lab.runJava(LabProbeMain.class, "fail");

        assertThat(r.exitCode()).isEqualTo(7);
    }

    @Test
    void run_missingModule_isAHarnessFailure(UmlLab lab) throws Exception {
        UmlLab bad = lab.toBuilder().extraModules("no_such_module_xyz").build();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> bad.run("true"))
                .isInstanceOf(LabException.class)
                .hasMessageContaining("no_such_module_xyz");
    }
}
