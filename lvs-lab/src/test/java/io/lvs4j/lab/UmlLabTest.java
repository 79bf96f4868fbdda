package io.lvs4j.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UmlLabTest {

    @Test
    void findRepoRoot_nestedFolder_returnsNearestFolderWithUmlRun(@TempDir Path tmp) throws IOException {
        Files.createDirectories(tmp.resolve("repo/lab"));
        Files.writeString(tmp.resolve("repo/lab/uml-run"), "#!/bin/sh\n");
        Path deep = Files.createDirectories(tmp.resolve("repo/lvs-netlink/target/x"));

        assertThat(UmlLab.findRepoRoot(deep)).contains(tmp.resolve("repo").toAbsolutePath().normalize());
    }

    @Test
    void findRepoRoot_noUmlRunAbove_isEmpty(@TempDir Path tmp) throws IOException {
        Path deep = Files.createDirectories(tmp.resolve("a/b"));
        Files.createDirectories(tmp.resolve("a/lab")); // a lab folder without uml-run does not count

        assertThat(UmlLab.findRepoRoot(deep)).isEmpty();
    }

    @Test
    void findRepoRoot_thisBuild_findsTheRepository() {
        assertThat(UmlLab.findRepoRoot()).hasValueSatisfying(
                root -> assertThat(root.resolve("lab/uml-run")).isExecutable());
    }

    @Test
    void memory_badSize_rejectedWithExpectation() {
        assertThatThrownBy(() -> UmlLab.builder().memory("1X"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("memory: \"1X\" (expected: a size such as 1G or 1536M)");
    }

    @Test
    void timeout_zero_rejected() {
        assertThatThrownBy(() -> UmlLab.builder().timeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout: PT0S (expected: a positive duration)");
    }

    @Test
    void modules_nameWithSpace_rejected() {
        assertThatThrownBy(() -> UmlLab.builder().extraModules("ip_vs rr"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("module: \"ip_vs rr\" (expected: a module name such as ip_vs_rr)");
    }

    @Test
    void env_badName_rejected() {
        assertThatThrownBy(() -> UmlLab.builder().env("1A", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("env name: \"1A\" (expected: ");
    }

    @Test
    void workingDirectory_underTmp_rejectedBecauseTheGuestHidesIt(@TempDir Path tmp) {
        org.junit.jupiter.api.Assumptions.assumeTrue(tmp.toAbsolutePath().startsWith("/tmp"));
        assertThatThrownBy(() -> UmlLab.builder().workingDirectory(tmp))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(expected: a folder outside /tmp, /run and /dev/shm");
    }

    @Test
    void toBuilder_roundTrip_keepsSettings() {
        UmlLab lab = UmlLab.builder().memory("1G").timeout(Duration.ofSeconds(30)).modules(List.of("ip_vs"))
                .extraModules("dummy").env("A", "b").jvmOptions(List.of("-Xmx64m")).build();

        UmlLab copy = lab.toBuilder().build();

        assertThat(copy.memory()).isEqualTo("1G");
        assertThat(copy.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(copy.modules()).contains(List.of("ip_vs"));
        assertThat(copy.extraModules()).containsExactly("dummy");
        assertThat(copy.env()).containsExactlyEntriesOf(java.util.Map.of("A", "b"));
        assertThat(copy.jvmOptions()).containsExactly("-Xmx64m");
    }

    @Test
    void shellQuote_singleQuote_survivesBash() throws Exception {
        String tricky = "it's $HOME `x` \"q\" \\ end";
        Process p = new ProcessBuilder("bash", "-c", "printf %s " + UmlLab.shellQuote(tricky)).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        assertThat(out).isEqualTo(tricky);
    }

    @Test
    void skipRequested_values() {
        assertThat(UmlLabExtension.skipRequested(null)).isFalse();
        assertThat(UmlLabExtension.skipRequested("")).isFalse();
        assertThat(UmlLabExtension.skipRequested("skip")).isTrue();
        assertThat(UmlLabExtension.skipRequested(" SKIP ")).isTrue();
        assertThat(UmlLabExtension.skipRequested("run")).isFalse();
        assertThatThrownBy(() -> UmlLabExtension.skipRequested("no"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("lvs4j.lab: \"no\" (expected: skip or run)");
    }

    @Test
    void labResult_requireSuccess_failureShowsOutput() {
        LabResult r = new LabResult(3, "out\n", "err\n", Duration.ofSeconds(2), false, Duration.ZERO);

        assertThat(r.succeeded()).isFalse();
        assertThatThrownBy(r::requireSuccess)
                .isInstanceOf(AssertionError.class)
                .hasMessage("lab script failed with exit status 3\n--- stdout ---\nout\n--- stderr ---\nerr\n");
    }
}
