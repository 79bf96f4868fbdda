package io.lvs4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Launcher}'s direct path for {@code ipvs restore} against {@link Main}'s picocli path:
 * same exit status, stdout and stderr, without a kernel (the inputs fail before IPVS is opened).
 */
class LauncherTest {
    /** Exit status, stdout and stderr of one run. */
    record Run(int code, String out, String err) {}

    private static Run launcher(String stdin, String... args) {
        return capture(stdin, args, true);
    }

    private static Run main(String stdin, String... args) {
        return capture(stdin, args, false);
    }

    private static Run capture(String stdin, String[] args, boolean launcher) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        ByteArrayInputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(o, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(e, true, StandardCharsets.UTF_8);
        int code = launcher ? Launcher.run(args, in, out, err) : Main.run(args, in, out, err);
        return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    @Test
    void isDirect_plainRestoreForms_direct() {
        assertThat(Launcher.isDirect(new String[] {"ipvs", "restore"})).isTrue();
        assertThat(Launcher.isDirect(new String[] {"ipvs", "restore", "rules.txt"})).isTrue();
        assertThat(Launcher.isDirect(new String[] {"ipvs", "restore", "/etc/ipvsadm.rules"})).isTrue();
    }

    @Test
    void isDirect_optionsHelpArgumentFilesAndOtherCommands_goToMain() {
        assertThat(Launcher.isDirect(new String[] {"ipvs", "restore", "--check"})).isFalse();
        assertThat(Launcher.isDirect(new String[] {"ipvs", "restore", "-h"})).isFalse();
        assertThat(Launcher.isDirect(new String[] {"ipvs", "restore", "-"})).isFalse();
        assertThat(Launcher.isDirect(new String[] {"ipvs", "restore", "@args"})).isFalse();
        assertThat(Launcher.isDirect(new String[] {"ipvs", "restore", ""})).isFalse();
        assertThat(Launcher.isDirect(new String[] {"ipvs", "restore", "a", "b"})).isFalse();
        assertThat(Launcher.isDirect(new String[] {"ipvs", "restore", "rules\0"})).isFalse();
        assertThat(Launcher.isDirect(new String[] {"ipvs", "save"})).isFalse();
        assertThat(Launcher.isDirect(new String[] {"ipvs"})).isFalse();
        assertThat(Launcher.isDirect(new String[0])).isFalse();
    }

    @Test
    void restore_badLinesOnStdin_exit2EveryBadLineLikeMain() {
        String rules = "-A -t 192.0.2.1:80 -s rr\n-A -t 192.0.2.2:80 -s nosuch\n\n-a -t 192.0.2.1:80 -r 10.0.0.1 -w -1\n";
        Run direct = launcher(rules, "ipvs", "restore");
        assertThat(direct.code()).isEqualTo(2);
        assertThat(direct.out()).isEmpty();
        assertThat(direct.err()).startsWith("lvs4j: stdin:2: scheduler: \"nosuch\"")
                .endsWith("lvs4j: stdin:4: -w: \"-1\" (expected: 0..65535)\n");
        assertThat(direct).isEqualTo(main(rules, "ipvs", "restore"));
    }

    @Test
    void restore_badLineInFile_namesTheFileLikeMain(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("rules");
        Files.writeString(f, "-A -t 192.0.2.1:80 -s rr\n-a -t 192.0.2.1:80 -r 10.0.0.1 -m -x 5 -y 6 -e\n");
        Run direct = launcher("", "ipvs", "restore", f.toString());
        assertThat(direct.code()).isEqualTo(2);
        assertThat(direct.err()).startsWith("lvs4j: " + f + ":2: ");
        assertThat(direct).isEqualTo(main("", "ipvs", "restore", f.toString()));
    }

    @Test
    void restore_missingFile_exit2LikeMain() {
        Run direct = launcher("", "ipvs", "restore", "/nonexistent/rules");
        assertThat(direct).isEqualTo(new Run(2, "", "lvs4j: /nonexistent/rules: no such file\n"));
        assertThat(direct).isEqualTo(main("", "ipvs", "restore", "/nonexistent/rules"));
    }

    @Test
    void run_notDirect_isMainsAnswer() {
        Run r = launcher("-A -t 192.0.2.1:80 -s rr\n", "ipvs", "restore", "--check");
        assertThat(r).isEqualTo(new Run(0, "", ""));
        assertThat(launcher("", "ipvs", "restore", "--nosuch"))
                .isEqualTo(new Run(2, "", "lvs4j: Unknown option: '--nosuch' (see: lvs4j ipvs restore --help)\n"));
    }
}
