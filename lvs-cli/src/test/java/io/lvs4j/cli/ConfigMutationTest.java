package io.lvs4j.cli;

import static io.lvs4j.cli.MainRun.lvs4j;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 point 10: seeded mutations of ordinary keepalived.conf files through {@code lvs4j config
 * check} and {@code config render} (in process, as {@link Main} runs them, includes and globs on).
 * Every run exits 0 or 2, and every line on stderr is a located one-line problem
 * ({@code file:line:column: ...}) or the closing count: never an internal error, never an unlocated
 * exception, never a JDK diagnostic over several lines.
 *
 * <p>The seeds are lvs-director's keepalived.conf test files, and the pages in
 * {@code ../shared/seeds} when that directory exists (the project's shared seed corpus). The
 * mutations are fixed by their seeds, so a failure is repeatable; it names the seed and keeps the
 * mutated file.
 */
class ConfigMutationTest {
    private static final int MUTANTS = 2000;
    private static final Pattern LOCATED = Pattern.compile("^\\S.*?:\\d+:\\d+: \\S.*$");
    private static final Pattern CLOSING = Pattern.compile("^lvs4j: \\S.*: \\d+ errors?$");

    /** Words a mutation puts in: values each parser must refuse with a location, or take. */
    private static final String[] NASTY = {
        "", "0", "-1", "1", "255", "256", "300", "65535", "65536", "2147483647", "2147483648", "-2147483649",
        "99999999999999999999999", "1e3", "0x", "0x1G", "1.5", "-", "--", "+", "NaN", "\"", "\"\"", "{", "}", "{}",
        "[", "]", "[a-", "*", "**", "?", "(", ")", "\\", "\\Q", "(?", "a{2,1}", "x*+*", "|", "^", "$", "${",
        "${X}", "$X", "$X=", "$X=y \\", "${_RANDOM 5 1}", "${_RANDOM 99999999999999999999}", "~SEQ(i,1,3)",
        "~SEQ(i,0,0,5)", "~SEQ(i,1,1,9999999999)", "~LST(a)", "~LST({a,b},{1})", "@", "@^", "@x", "include",
        "include [", "include {a,b", "include *", "include inc/*.conf", "include inc/[a-", "include inc/{a,b}.conf",
        "include inc/**", "include \"inc/a conf\"", "include keepalived.conf", "include ./keepalived.conf",
        "include ../", "include /", "include //", "include inc/loop.conf", "includem [", "includew nothing*",
        "192.0.2.1", "192.0.2.1/33", "192.0.2.256", "10.0.0.1-300", "10.0.0.1-", "::1", "::1/129", "fe80::1%eth0",
        "[::1]", "1.2.3", "0.0.0.0", "255.255.255.255", "224.0.0.18", "eth0", "lo", "nonexistent0", "a.b",
        "http://x", "https://[::1", "/", "/tmp", "/dev/null", "user", "root", "nobody", "TCP", "UDP", "SCTP",
        "MASTER", "BACKUP", "PASS", "AH", "DR", "NAT", "TUN", "rr", "wlc", "mh", "sh-port", "sh-fallback",
        "ipip", "gue", "gre", "nocsum", "csum", "remcsum", "fwmark", "group", "weight", "priority",
        "virtual_router_id", "advert_int", "authentication", "auth_pass", "virtual_ipaddress", "track_script",
        "track_interface", "unicast_peer", "unicast_src_ip", "notify", "notify_master", "vrrp_strict",
        "real_server", "virtual_server", "virtual_server_group", "TCP_CHECK", "HTTP_GET", "SSL_GET", "MISC_CHECK",
        "SMTP_CHECK", "DNS_CHECK", "UDP_CHECK", "PING_CHECK", "FILE_CHECK", "BFD_CHECK", "url", "path", "digest",
        "status_code", "status_code 99-600", "regex", "regex [", "regex (?<", "regex a{2,1}", "regex_options",
        "regex_min_offset", "regex_max_offset", "connect_timeout", "connect_port", "retry", "delay_before_retry",
        "persistence_timeout", "persistence_granularity", "quorum", "hysteresis", "sorry_server", "ssl", "ca",
        "certificate", "key", "password", "global_defs", "vrrp_instance", "vrrp_script", "vrrp_sync_group",
        "script", "interval", "fall", "rise", "timeout", "min_ttl", "max_ttl", "lvs_sync_daemon",
        "garp_master_delay", "\u00e9", "\u0000", "\t", "\r", "a\u00ffb", "0.0000001", "1000000000000",
    };

    @TempDir
    Path dir;

    static List<String> seeds() throws IOException {
        List<String> seeds = new ArrayList<>();
        for (Path d : List.of(Path.of("../lvs-director/src/test/resources/keepalived"),
                Path.of("../lvs-director/src/test/resources/io/lvs4j/director/config"), Path.of("../../shared/seeds"),
                Path.of("/work/shared/seeds"))) {
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(d)) {
                for (Path p : s.filter(Files::isRegularFile)
                        .filter(p -> p.toString().endsWith(".conf") || p.toString().endsWith(".txt")).sorted().toList()) {
                    String text = Files.readString(p, StandardCharsets.ISO_8859_1);
                    if (!seeds.contains(text)) {
                        seeds.add(text);
                    }
                }
            }
        }
        return seeds;
    }

    /** One to four mutations of a seed: lines dropped, duplicated, moved; words replaced, cut, glued. */
    static String mutate(String seed, Random rnd) {
        List<String> lines = new ArrayList<>(List.of(seed.split("\n", -1)));
        int n = 1 + rnd.nextInt(4);
        for (int k = 0; k < n; k++) {
            int at = rnd.nextInt(lines.size());
            String line = lines.get(at);
            switch (rnd.nextInt(9)) {
                case 0 -> lines.remove(at);
                case 1 -> lines.add(at, line);
                case 2 -> lines.add(rnd.nextInt(lines.size()), lines.remove(at));
                case 3 -> lines.add(at, NASTY[rnd.nextInt(NASTY.length)]);
                case 4, 5, 6 -> lines.set(at, replaceWord(line, NASTY[rnd.nextInt(NASTY.length)], rnd));
                case 7 -> lines.set(at, line.isEmpty() ? line : line.substring(0, rnd.nextInt(line.length())));
                default -> {
                    String other = lines.get(rnd.nextInt(lines.size()));
                    lines.set(at, replaceWord(line, randomWord(other, rnd), rnd));
                }
            }
            if (lines.isEmpty()) {
                lines.add("");
            }
        }
        return String.join("\n", lines);
    }

    private static String randomWord(String line, Random rnd) {
        String[] w = line.trim().split("[ \t]+");
        return w[rnd.nextInt(w.length)];
    }

    private static String replaceWord(String line, String with, Random rnd) {
        List<int[]> words = new ArrayList<>();
        int i = 0;
        while (i < line.length()) {
            while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
                i++;
            }
            int s = i;
            while (i < line.length() && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
                i++;
            }
            if (i > s) {
                words.add(new int[] {s, i});
            }
        }
        if (words.isEmpty()) {
            return line + " " + with;
        }
        int[] w = words.get(rnd.nextInt(words.size()));
        return line.substring(0, w[0]) + with + line.substring(w[1]);
    }

    @Test
    void checkAndRender_mutatedSeeds_exit0Or2_everyProblemLocatedOnOneLine() throws IOException {
        List<String> seeds = seeds();
        assertThat(seeds).hasSizeGreaterThanOrEqualTo(8);
        Path inc = Files.createDirectories(dir.resolve("inc"));
        Files.writeString(inc.resolve("a.conf"), "virtual_server 192.0.2.9 80 {\n  real_server 10.0.0.9 80 {\n  }\n}\n");
        Files.writeString(inc.resolve("b.conf"), "vrrp_script chk {\n  script \"/bin/true\"\n}\n");
        Files.writeString(inc.resolve("loop.conf"), "include loop.conf\n");
        Path f = dir.resolve("keepalived.conf");
        Map<String, String> failures = new LinkedHashMap<>();
        int rejected = 0;
        for (int i = 0; i < MUTANTS; i++) {
            Random rnd = new Random(16_10L * 1_000_003L + i);
            String text = mutate(seeds.get(i % seeds.size()), rnd);
            Files.writeString(f, text, StandardCharsets.ISO_8859_1);
            // render reads and reports exactly as check does, then maps and prints: check only now and then
            for (String command : i % 8 == 0 ? List.of("check", "render") : List.of("render")) {
                MainRun r = lvs4j("config", command, f.toString());
                String why = problem(r, f);
                if (why != null && failures.size() < 20) {
                    String key = why.lines().findFirst().orElse("").replace(dir.toString(), "").replaceAll("\"[^\"]*\"", "Q")
                            .replaceAll("[0-9]+", "N");
                    if (!failures.containsKey(key)) {
                        Path keep = Files.writeString(dir.resolve("mutant-" + i + ".conf"), text, StandardCharsets.ISO_8859_1);
                        failures.put(key, "mutant " + i + " (" + keep + ") " + command + ": " + why);
                    }
                }
                if (r.exit() == Main.USAGE && command.equals("render")) {
                    rejected++;
                }
            }
        }
        assertThat(failures.values()).as("mutants that ended badly").isEmpty();
        // the harness must reach both outcomes, or it tests nothing
        assertThat(rejected).isBetween(MUTANTS / 10, MUTANTS - MUTANTS / 10);
    }

    /** Why this run is not a clean outcome, or null. */
    static String problem(MainRun r, Path f) {
        if (r.exit() != Main.OK && r.exit() != Main.USAGE) {
            return "exit " + r.exit() + ": " + r.err();
        }
        List<String> lines = r.err().lines().toList();
        for (String l : lines) {
            String unquoted = l.replaceAll("\"[^\"]*\"", "\"\"");
            if (unquoted.contains("internal error") || unquoted.contains("Exception") || !(LOCATED.matcher(l).matches()
                    || CLOSING.matcher(l).matches())) {
                return "stderr line " + quote(l) + " in:\n" + r.err();
            }
        }
        if (r.exit() == Main.USAGE && (lines.isEmpty() || !CLOSING.matcher(lines.get(lines.size() - 1)).matches())) {
            return "exit 2 without the closing count: " + r.err();
        }
        return null;
    }

    private static String quote(String s) {
        return '"' + (s.length() > 300 ? s.substring(0, 300) + "..." : s) + '"';
    }
}
