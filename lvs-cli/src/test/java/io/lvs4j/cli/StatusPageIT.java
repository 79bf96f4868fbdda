package io.lvs4j.cli;

import static io.lvs4j.lab.NetnsLab.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The status page of {@code lvs4j run} ({@link HttpRunLab}) in a real browser: Debian's Chromium,
 * headless, dumps the DOM the page's script rendered at load (the state and last events come
 * inside the page; polls and the event stream update it later) and takes screenshots (kept under
 * {@code target/status-page/}): VI_1 as master, both real servers up; after rs2's nginx stops,
 * rs2 down and rs1 still up, and the check's event in the page's list.
 */
class StatusPageIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private HttpRunLab lab;

    @AfterEach
    void cleanUp() {
        if (lab != null) {
            lab.close();
        }
    }

    /** chromium --headless with ARGS on the page: its stdout. */
    private String chromium(Path profile, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--user-data-dir=" + profile));
        argv.addAll(List.of(args));
        argv.add(lab.http + "/");
        Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("chromium did not finish in 60 s");
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** data-NAME="..." data-VALUE="..." pairs in the DOM, as "name=value". */
    private static List<String> pairs(String dom, String key, String value) {
        Matcher m = Pattern.compile("data-" + key + "=\"([^\"]*)\" data-" + value + "=\"([^\"]*)\"").matcher(dom);
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1) + "=" + m.group(2));
        }
        return out;
    }

    @Test
    void statusPage_inChromium_showsServersAndStates_thenTheFailedCheck() throws Exception {
        assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"), "needs root for namespaces");
        assumeTrue(Files.isExecutable(CHROMIUM), "needs Debian's chromium (lab/install-deps)");
        String jar = System.getProperty("lvs4j.cli.jar");
        assertThat(jar).as("system property lvs4j.cli.jar (set by failsafe)").isNotNull();
        lab = new HttpRunLab("page", jar);
        Path shots = Path.of("target", "status-page");
        Files.createDirectories(shots);
        Path profile = lab.dir().resolve("chromium");
        lab.traffic(4);
        assertThat(io.lvs4j.cli.UserspaceNet.waitUntil(Duration.ofSeconds(20),
                () -> lab.get("/status").contains("\"state\" : \"MASTER\""))).as("VI_1 master; log:\n%s", read(lab.log))
                .isTrue();

        String before = chromium(profile, "--dump-dom");
        assertThat(pairs(before, "instance", "state")).containsExactly("VI_1=MASTER");
        assertThat(pairs(before, "endpoint", "health")).containsExactly(HttpRunLab.RS1 + ":80=UP",
                HttpRunLab.RS2 + ":80=UP");
        assertThat(before).contains("TCP " + HttpRunLab.VIP + ":80");
        chromium(profile, "--window-size=1280,800", "--screenshot=" + shots.toAbsolutePath().resolve("1-all-up.png"));

        lab.failRs2();
        String after = chromium(profile, "--dump-dom");
        assertThat(pairs(after, "endpoint", "health")).containsExactly(HttpRunLab.RS1 + ":80=UP",
                HttpRunLab.RS2 + ":80=DOWN");
        assertThat(after).contains("REAL_SERVER_DOWN TCP " + HttpRunLab.VIP + ":80 " + HttpRunLab.RS2 + ":80");
        chromium(profile, "--window-size=1280,800", "--screenshot=" + shots.toAbsolutePath().resolve("2-rs2-down.png"));
        chromium(profile, "--window-size=390,844", "--screenshot=" + shots.toAbsolutePath().resolve("3-phone.png"));
        for (String s : new String[] {"1-all-up.png", "2-rs2-down.png", "3-phone.png"}) {
            assertThat(Files.size(shots.resolve(s))).as(s).isGreaterThan(5000);
        }
        System.out.println("== status page screenshots in " + shots.toAbsolutePath());
    }
}
