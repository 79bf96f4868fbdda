package io.lvs4j.director.config;

import static io.lvs4j.director.config.Configs.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreprocessorTest {
    private static final String VS = "virtual_server 192.0.2.1 80 {\n protocol TCP\n lb_algo rr\n lb_kind DR\n real_server 10.0.0.1 80 {\n }\n}\n";

    @Test
    void comments_bangAndHash_anywhereOutsideQuotes() throws Exception {
        KeepalivedConfig c = parse("global_defs { # c\n router_id a!b\n notification_email_from \"x#y\" ! z\n}\n").config();
        assertThat(c.globalDefs().routerId()).isEqualTo("a");
        assertThat(c.globalDefs().notificationEmailFrom()).isEqualTo("x#y");
    }

    @Test
    void escapedHash_outsideQuotes_isLiteral() throws Exception {
        assertThat(parse("global_defs {\n router_id a\\#b\n}\n").config().globalDefs().routerId()).isEqualTo("a#b");
    }

    @Test
    void braces_gluedToWords_orOnTheirOwnLines() throws Exception {
        String text = "virtual_server 192.0.2.1 80\n{\nprotocol TCP\nreal_server 10.0.0.1 80{weight 2\nTCP_CHECK{connect_timeout 3}}}\n";
        KeepalivedConfig c = parse(text).config();
        assertThat(c.virtualServers()).hasSize(1);
        assertThat(c.virtualServers().get(0).realServers().get(0).weight()).isEqualTo(2);
        assertThat(c.virtualServers().get(0).realServers().get(0).checkers()).hasSize(1);
    }

    @Test
    void conditional_matchesConfigId_andNegation() throws Exception {
        String text = "global_defs {\n @main router_id M\n @backup router_id B\n}\n"
                + "vrrp_instance V {\n virtual_router_id 1\n interface eth0\n virtual_ipaddress {\n  192.0.2.100\n }\n unicast_peer {\n @^main 192.0.2.1\n @^backup 192.0.2.2\n }\n}\n";
        KeepalivedConfig c = parse(text).config();
        assertThat(c.globalDefs().routerId()).isEqualTo("M");
        assertThat(c.vrrpInstances().get(0).unicastPeers()).extracting(a -> a.address().getHostAddress()).containsExactly("192.0.2.2");
    }

    @Test
    void definitions_substituteRecursivelyAtUseTime() throws Exception {
        String text = "$BASE=192.0.2.${SUB}\n$SUB=7\nvirtual_server ${BASE} 80 {\n protocol TCP\n real_server 10.0.0.1 80 {\n }\n}\n";
        assertThat(parse(text).config().virtualServers().get(0).address().getHostAddress()).isEqualTo("192.0.2.7");
    }

    @Test
    void definitions_undefined_stayAsWritten() throws Exception {
        String text = "$X=1\nvrrp_script s {\n script \"/bin/check ${UNDEF}\"\n}\n";
        assertThat(parse(text).config().vrrpScripts().get(0).script()).isEqualTo("\"/bin/check ${UNDEF}\"");
    }

    @Test
    void multilineDefinition_expandsToBlocks_withNestedDefinitions() throws Exception {
        String text = "$RS= \\\n real_server 10.0.0.${N} 80 { \\\n weight ${N} \\\n }\n"
                + "virtual_server 192.0.2.1 80 {\n protocol TCP\n $N=1\n $RS\n $N=2\n $RS\n}\n";
        VirtualServerConfig vs = parse(text).config().virtualServers().get(0);
        assertThat(vs.realServers()).extracting(r -> r.weight()).containsExactly(1, 2);
        assertThat(vs.realServers()).extracting(r -> r.address().getHostAddress()).containsExactly("10.0.0.1", "10.0.0.2");
    }

    @Test
    void conditionalDefinition_appliesOnlyForThatId() throws Exception {
        String text = "@main $PRI=240\n@backup $PRI=200\nvrrp_instance V {\n virtual_router_id 1\n interface eth0\n virtual_ipaddress {\n  192.0.2.100\n }\n priority $PRI\n}\n";
        VrrpInstanceConfig i = parse(text).config().vrrpInstances().get(0);
        assertThat(i.priority()).isEqualTo(240);
    }

    @Test
    void largeFile_moreLiteralLinesThanExpansionMayMake_read() throws Exception {
        // issue 15: 10,000 virtual servers x 4 checked real servers is about 400,000 lines; here 110,000
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            text.append("virtual_server 172.16.").append(i / 250).append('.').append(i % 250 + 1)
                    .append(" 80 {\n lb_algo wlc\n lb_kind NAT\n protocol TCP\n");
            for (int j = 1; j <= 2; j++) {
                text.append(" real_server 10.0.0.").append(j).append(" 80 {\n  weight 2\n }\n");
            }
            text.append("}\n");
        }
        assertThat(text.chars().filter(c -> c == '\n').count()).isGreaterThan(100_000);
        assertThat(parse(text.toString()).config().virtualServers()).hasSize(10_000);
    }

    @Test
    void seq_expandingPastTheLimit_refused() {
        String text = "global_defs {\n ~SEQ(N, 1, 200000) router_id r$N\n}\n";
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> parse(text))
                .hasMessageContaining("expands to too many lines");
    }

    @Test
    void seq_repeatsTheLine() throws Exception {
        String text = "virtual_server 192.0.2.1 80 {\n protocol TCP\n ~SEQ(N, 1, 2, 5) real_server 10.0.0.$N 80 {\n }\n}\n";
        // each generated line opens a block closed by nothing: keepalived needs the block on the line
        String ok = "virtual_server 192.0.2.1 80 {\n protocol TCP\n ~SEQ(N, 1, 2, 5) real_server 10.0.0.$N 80 { weight $N }\n}\n";
        VirtualServerConfig vs = parse(ok).config().virtualServers().get(0);
        assertThat(vs.realServers()).extracting(r -> r.weight()).containsExactly(1, 3, 5);
        assertThat(text).isNotEmpty();
    }

    @Test
    void lst_withBraces_setsSeveralVariables() throws Exception {
        String text = "vrrp_instance V {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n"
                + "  ~LST({A, B}, {10,1},{20,4}) 192.168.${A}.${B}\n }\n}\n";
        assertThat(parse(text).config().vrrpInstances().get(0).virtualIpAddresses())
                .extracting(v -> v.address().getHostAddress()).containsExactly("192.168.10.1", "192.168.20.4");
    }

    @Test
    void include_glob_isRelativeToTheIncludingFile_andSorted(@TempDir Path dir) throws Exception {
        Path conf = Files.createDirectories(dir.resolve("conf.d"));
        Files.writeString(conf.resolve("b.conf"), VS.replace("192.0.2.1", "192.0.2.2"));
        Files.writeString(conf.resolve("a.conf"), VS + "include ../more/*.conf\n");
        Path more = Files.createDirectories(dir.resolve("more"));
        Files.writeString(more.resolve("c.conf"), VS.replace("192.0.2.1", "192.0.2.3"));
        Files.writeString(dir.resolve("keepalived.conf"), "include conf.d/*.conf\n");
        KeepalivedConfig c = KeepalivedConfig.read(dir.resolve("keepalived.conf"), Configs.options().toBuilder().includes(true).build()).config();
        assertThat(c.virtualServers()).extracting(v -> v.address().getHostAddress())
                .containsExactly("192.0.2.1", "192.0.2.3", "192.0.2.2");
    }

    @Test
    void include_errorsInIncludedFile_nameThatFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("bad.conf"), "\nvirtual_server 192.0.2.1 80 {\n  lb_algo wrrr\n}\n");
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> parse("include bad.conf\n", dir));
        assertThat(e.errors().get(0).file()).endsWith("bad.conf");
        assertThat(e.errors().get(0).line()).isEqualTo(3);
        assertThat(e.errors().get(0).column()).isEqualTo(11);
    }

    @Test
    void include_braceExpression(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("x.conf"), VS);
        Files.writeString(dir.resolve("y.conf"), VS.replace("192.0.2.1", "192.0.2.9"));
        Files.writeString(dir.resolve("z.conf"), "garbage {\n");
        assertThat(parse("include {x,y}.conf\n", dir).config().virtualServers()).hasSize(2);
    }

    @Test
    void include_noMatch_isAWarning(@TempDir Path dir) throws Exception {
        ConfigResult r = parse("include nothing/*.conf\n", dir);
        assertThat(r.warnings()).singleElement().satisfies(w -> assertThat(w.location()).isEqualTo("keepalived.conf:1:1"));
    }

    @Test
    void builtinDefinitions_hashAndBang() throws Exception {
        assertThat(parse("global_defs {\n router_id a${_HASH}b${_BANG}\n}\n").config().globalDefs().routerId())
                .isEqualTo("a#b!");
    }

    @Test
    void quotedWord_keepsSpacesAndBraces() throws Exception {
        String text = "vrrp_instance V {\n virtual_router_id 1\n interface eth0\n virtual_ipaddress {\n  192.0.2.100\n }\n notify_master \"/bin/x { y }\"\n}\n";
        assertThat(parse(text).config().vrrpInstances().get(0).notifyScripts().get("notify_master"))
                .isEqualTo("\"/bin/x { y }\"");
    }

    @Test
    void include_symlinkLoop_isALocatedErrorAtOnce(@TempDir Path dir) throws Exception {
        // link -> . : link/a.conf is a.conf again under another normalised name
        Files.createSymbolicLink(dir.resolve("link"), Path.of("."));
        Files.writeString(dir.resolve("a.conf"), VS + "include link/a.conf\n");
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> KeepalivedConfig.read(dir.resolve("a.conf"), Configs.options().toBuilder().includes(true).build()));
        assertThat(e.errors()).singleElement().satisfies(p -> {
            assertThat(p.location()).isEqualTo(dir.resolve("a.conf") + ":8:1");
            assertThat(p.message()).startsWith("include: \"" + dir.resolve("link/a.conf") + "\" (expected: a file not already being read");
        });
    }

    @Test
    void read_fileOverTheLimit_isALocatedError(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big.conf");
        Files.writeString(big, "# " + "x".repeat(16 * 1024 * 1024) + "\n");
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> KeepalivedConfig.read(big, Configs.options()));
        assertThat(e.errors()).singleElement().satisfies(p -> {
            assertThat(p.location()).isEqualTo(big + ":1:1");
            assertThat(p.message()).contains("(expected: at most 16777216 bytes)");
        });
        ConfigException included = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> parse("\ninclude big.conf\n", dir));
        assertThat(included.errors()).singleElement().satisfies(p -> {
            assertThat(p.location()).isEqualTo("keepalived.conf:2:1");
            assertThat(p.message()).contains("(expected: a file of at most 16777216 bytes)");
        });
    }

    @Test
    void include_moreThanTheTotalLimit_isALocatedError(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("part.conf"), ("# " + "x".repeat(1022) + "\n").repeat(12 * 1024));
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> parse("include part.conf\n".repeat(6), dir));
        assertThat(e.errors()).singleElement().satisfies(p -> {
            assertThat(p.location()).isEqualTo("keepalived.conf:6:1");
            assertThat(p.message()).contains("(expected: at most 67108864 bytes read in all");
        });
    }

    @Test
    void problem_controlCharactersInAWord_escapedOnOneLine() throws Exception {
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> parse("virtual_server 192.0.2.1 80 {\n lb_algo w\rr\u0085r\n}\n"));
        assertThat(e.errors().get(0).toString()).isEqualTo(
                "keepalived.conf:2:10: lb_algo: \"w\\x0dr\\x85r\" (expected: one of rr, wrr, lc, wlc, lblc, sh, mh, dh, fo, ovf, lblcr, sed, nq, twos)");
    }

    @Test
    void include_badGlob_oneLineLocatedError(@TempDir Path dir) throws Exception {
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> parse("include inc/[a-\n", Files.createDirectories(dir.resolve("inc")).getParent()));
        assertThat(e.errors()).singleElement().satisfies(p -> {
            assertThat(p.location()).isEqualTo("keepalived.conf:1:1");
            assertThat(p.message()).startsWith("include: \"inc/[a-\" (expected: a glob; ").doesNotContain("\n");
        });
    }

    @Test
    void include_nulInThePath_locatedErrorInWords(@TempDir Path dir) throws Exception {
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> parse("include a\u0000b.conf\n", dir));
        assertThat(e.errors()).extracting(Object::toString).containsExactly(
                "keepalived.conf:1:1: include: \"a\\x00b.conf\" (expected: a path; Nul character not allowed)");
    }
}
