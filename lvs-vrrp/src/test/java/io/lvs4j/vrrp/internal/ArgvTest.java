package io.lvs4j.vrrp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ArgvTest {
    @Test
    void command_plainWords_areArgv() {
        assertThat(Argv.command("/usr/bin/touch /tmp/x")).containsExactly("/usr/bin/touch", "/tmp/x");
    }

    @Test
    void command_oneQuotedString_isSplitAgainAsKeepalivedDoes() {
        assertThat(Argv.command("\"/usr/bin/touch /tmp/x\"")).containsExactly("/usr/bin/touch", "/tmp/x");
    }

    @Test
    void command_innerQuotesGroup() {
        assertThat(Argv.command("\"/bin/check 'a b' c\"")).containsExactly("/bin/check", "a b", "c");
        assertThat(Argv.command("/bin/check \"a b\" c\\ d")).containsExactly("/bin/check", "a b", "c d");
    }

    @Test
    void command_unbalancedQuote_isRejected() {
        assertThatThrownBy(() -> Argv.command("/bin/x \"y")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: closing \" quote");
    }

    @Test
    void command_blank_isRejected() {
        assertThatThrownBy(() -> Argv.command("  ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: a program and its arguments");
    }

    @Test
    void inNamespace_prefixesIpNetnsExec() {
        assertThat(Argv.inNamespace("ns1", List.of("/bin/true"))).containsExactly("ip", "netns", "exec", "ns1",
                "/bin/true");
        assertThat(Argv.inNamespace(null, List.of("/bin/true"))).containsExactly("/bin/true");
    }
}
