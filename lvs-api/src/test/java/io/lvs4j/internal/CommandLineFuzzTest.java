package io.lvs4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Feeds arbitrary text to the command splitter keepalived.conf's {@code script}, {@code misc_path}
 * and {@code notify*} commands go through: it gives words or an {@link IllegalArgumentException}
 * in the house form naming the missing quote, never another exception; the words, each quoted
 * again in single quotes, split back to the same words; {@link CommandLine#argv} is the split
 * unless the split is one word, which it splits again. Seeds: CommandLineTest's
 * commands; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class CommandLineFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void split_anyCommand_wordsSurviveRequoting(byte[] data) {
        String command = new String(data, StandardCharsets.UTF_8);
        List<String> words;
        try {
            words = CommandLine.split(command);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith("command: ").containsPattern("\\(expected: closing [\"'] quote\\)$");
            return;
        }
        List<String> quoted = new ArrayList<>();
        for (String w : words) {
            quoted.add("'" + w.replace("'", "'\\''") + "'");
        }
        assertThat(CommandLine.split(String.join(" ", quoted))).isEqualTo(words);

        List<String> argv;
        try {
            argv = CommandLine.argv(command);
        } catch (IllegalArgumentException e) {
            assertThat(words).hasSize(1);
            assertThat(e.getMessage()).startsWith("command: ").containsPattern("\\(expected: closing [\"'] quote\\)$");
            return;
        }
        if (words.size() != 1) {
            assertThat(argv).isEqualTo(words);
        }
        if (words.size() == 1 && !argv.equals(words)) {
            assertThat(argv).isEqualTo(CommandLine.split(words.get(0)));
        }
    }
}
