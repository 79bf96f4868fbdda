package io.lvs4j.director.ipvsadm;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What {@code lvs4j ipvs restore} reads: any input gives rules or an {@link IpvsadmRulesException}
 * whose every problem names its line ({@code fuzz:N: ...}) within the input, never another
 * exception. Under plain {@code mvn test} this replays the seeds in
 * {@code IpvsadmRulesFuzzTestInputs}; {@code scripts/fuzz-briefly} fuzzes it.
 */
class IpvsadmRulesFuzzTest {
    @FuzzTest(maxDuration = "20s")
    void parse_anyInput_rulesOrLocatedErrors(byte[] data) throws IOException {
        String text = new String(data, StandardCharsets.ISO_8859_1);
        long lines = new BufferedReader(new StringReader(text)).lines().count();
        try {
            List<IpvsadmRule> rules = new IpvsadmRulesParser("fuzz").parse(new StringReader(text));
            if (rules.size() > lines) {
                throw new AssertionError(rules.size() + " rules from " + lines + " lines:\n" + text);
            }
        } catch (IpvsadmRulesException e) {
            if (e.problems().isEmpty()) {
                throw new AssertionError("an exception without problems for:\n" + text);
            }
            for (String p : e.problems()) {
                if (!p.matches("(?s)fuzz:[0-9]+: .+")) {
                    throw new AssertionError("unlocated problem \"" + p + "\" for:\n" + text);
                }
                long line = Long.parseLong(p.substring(5, p.indexOf(':', 5)));
                if (line < 1 || line > lines) {
                    throw new AssertionError("problem on line " + line + " of " + lines + " for:\n" + text);
                }
            }
        }
    }
}
