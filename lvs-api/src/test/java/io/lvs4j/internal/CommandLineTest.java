package io.lvs4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CommandLineTest {
    @Test
    void argv_blanksSeparate_quotesGroup() {
        assertThat(CommandLine.argv("/bin/check  a\t'b c' \"d e\"")).containsExactly("/bin/check", "a", "b c", "d e");
    }

    @Test
    void argv_oneQuotedWordWithBlanks_splitAgainAsKeepalived() {
        // keepalived.conf: script "/usr/bin/killall -0 nginx" reaches us as one word
        assertThat(CommandLine.argv("/usr/bin/killall -0 nginx")).containsExactly("/usr/bin/killall", "-0", "nginx");
        assertThat(CommandLine.argv("\"/usr/bin/killall -0 nginx\"")).containsExactly("/usr/bin/killall", "-0", "nginx");
    }

    @Test
    void argv_backslashEscapes_exceptInSingleQuotes() {
        assertThat(CommandLine.argv("a\\ b 'c\\d' \"e\\\"f\"")).containsExactly("a b", "c\\d", "e\"f");
    }

    @Test
    void argv_blank_empty() {
        assertThat(CommandLine.argv("   ")).isEmpty();
    }

    @Test
    void argv_unterminatedQuote_rejectedNamingIt() {
        assertThatThrownBy(() -> CommandLine.argv("/bin/x 'abc")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("command: \"/bin/x 'abc\" (expected: closing ' quote)");
    }
}
