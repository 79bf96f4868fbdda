package io.lvs4j.cli;

import static io.lvs4j.lab.NetnsLab.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The status page of {@code lvs4j run} ({@link HttpRunLab}) in a real browser: one headless
 * Chromium (Debian's) stays on the page, driven over the DevTools protocol
 * ({@link HeadlessChromium}). The rendered DOM shows VI_1 as master and both real servers up;
 * then rs2's nginx stops and the SAME page, never reloaded, must show rs2 down (its poll of
 * /status) and the check's event as a new line (its /events stream) within 20 s. Screenshots of
 * the live page (desktop and phone width) are kept under {@code target/status-page/}.
 */
class StatusPageIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Duration LIVE_UPDATE = Duration.ofSeconds(20);
    private HttpRunLab lab;
    private HeadlessChromium browser;

    @AfterEach
    void cleanUp() {
        if (browser != null) {
            browser.close();
        }
        if (lab != null) {
            lab.close();
        }
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

    /** The page's event lines, newest first, as "SEQUENCE TEXT". */
    @SuppressWarnings("unchecked")
    private List<String> eventLines() throws Exception {
        return (List<String>) browser.evaluate("Array.from(document.querySelectorAll('#events li'))"
                + ".map(function (li) { return li.getAttribute('data-sequence') + ' ' + li.textContent; })");
    }

    private static long sequence(String line) {
        return Long.parseLong(line.substring(0, line.indexOf(' ')));
    }

    @Test
    void statusPage_inChromium_showsServersAndStates_thenUpdatesItselfWhenACheckFails() throws Exception {
        assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"), "needs root for namespaces");
        assumeTrue(Files.isExecutable(CHROMIUM), "needs Debian's chromium (lab/install-deps)");
        String jar = System.getProperty("lvs4j.cli.jar");
        assertThat(jar).as("system property lvs4j.cli.jar (set by failsafe)").isNotNull();
        lab = new HttpRunLab("page", jar);
        Path shots = Path.of("target", "status-page").toAbsolutePath();
        Files.createDirectories(shots);
        lab.traffic(4);
        assertThat(UserspaceNet.waitUntil(Duration.ofSeconds(20),
                () -> lab.get("/status").contains("\"state\" : \"MASTER\""))).as("VI_1 master; log:\n%s", read(lab.log))
                .isTrue();

        browser = new HeadlessChromium(CHROMIUM, lab.dir().resolve("chromium"), lab.http + "/", 1280, 800);
        assertThat(UserspaceNet.waitUntil(Duration.ofSeconds(20), () -> {
            try {
                return "complete".equals(browser.evaluate("document.readyState"))
                        && browser.dom().contains("data-endpoint=");
            } catch (Exception e) {
                return false;
            }
        })).as("the page loaded and rendered its real servers").isTrue();
        String before = browser.dom();
        assertThat(pairs(before, "instance", "state")).containsExactly("VI_1=MASTER");
        assertThat(pairs(before, "endpoint", "health")).containsExactly(HttpRunLab.RS1 + ":80=UP",
                HttpRunLab.RS2 + ":80=UP");
        assertThat(before).contains("TCP " + HttpRunLab.VIP + ":80");
        List<String> eventsBefore = eventLines();
        assertThat(eventsBefore).as("events replayed into the page at load").isNotEmpty()
                .noneMatch(l -> l.contains("REAL_SERVER_DOWN"));
        long lastBefore = sequence(eventsBefore.get(0));
        // a reload or a navigation would start a new document: this marker would be gone
        Object origin = browser.evaluate("window.lvs4jLoaded = performance.timeOrigin; performance.timeOrigin");
        browser.screenshot(shots.resolve("1-all-up.png"));

        lab.failRs2();
        long failedAt = System.nanoTime();
        String down = "REAL_SERVER_DOWN TCP " + HttpRunLab.VIP + ":80 " + HttpRunLab.RS2 + ":80";
        String[] after = new String[1];
        boolean updated = UserspaceNet.waitUntil(LIVE_UPDATE, () -> {
            try {
                after[0] = browser.dom();
                return pairs(after[0], "endpoint", "health").contains(HttpRunLab.RS2 + ":80=DOWN")
                        && eventLines().stream().anyMatch(l -> l.contains(down));
            } catch (Exception e) {
                return false;
            }
        });
        long tookMillis = (System.nanoTime() - failedAt) / 1_000_000;
        assertThat(updated).as("the open page shows rs2 down and its event within %s, without a reload; DOM:\n%s",
                LIVE_UPDATE, after[0]).isTrue();
        System.out.println("== the open page showed rs2 down " + tookMillis + " ms after /status did");
        assertThat(browser.evaluate("window.lvs4jLoaded")).as("the page was not reloaded").isEqualTo(origin);
        assertThat(pairs(after[0], "instance", "state")).containsExactly("VI_1=MASTER");
        assertThat(pairs(after[0], "endpoint", "health")).containsExactly(HttpRunLab.RS1 + ":80=UP",
                HttpRunLab.RS2 + ":80=DOWN");
        List<String> eventsAfter = eventLines();
        assertThat(eventsAfter.stream().filter(l -> l.contains(down)).toList()).as("one new line for the failure")
                .singleElement().satisfies(l -> assertThat(sequence(l)).isGreaterThan(lastBefore));
        assertThat(eventsAfter).as("the lines seen at load are still there, below the new ones")
                .containsSubsequence(eventsBefore.subList(0, Math.min(eventsBefore.size(), 5)));

        browser.screenshot(shots.resolve("2-rs2-down.png"));
        browser.viewport(390, 844, true);
        browser.screenshot(shots.resolve("3-phone.png"));
        assertThat(browser.evaluate("window.lvs4jLoaded")).as("still the same page").isEqualTo(origin);
        for (String s : new String[] {"1-all-up.png", "2-rs2-down.png", "3-phone.png"}) {
            assertThat(Files.size(shots.resolve(s))).as(s).isGreaterThan(5000);
        }
        System.out.println("== status page screenshots in " + shots);
    }
}
