package io.lvs4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.director.ipvsadm.IpvsadmRule;
import io.lvs4j.director.ipvsadm.IpvsadmRulesParser;
import io.lvs4j.table.IpvsException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RulesRestoreTest {
    private static List<IpvsadmRule> rules(String text) throws Exception {
        return new IpvsadmRulesParser("rules").parse(new StringReader(text));
    }

    /** Records what it is asked to apply; fails the commands of the given lines. */
    private static final class Recorder implements RulesRestore.Target {
        final List<String> calls = new ArrayList<>();
        final List<Integer> failLines;

        Recorder(Integer... failLines) {
            this.failLines = Arrays.asList(failLines);
        }

        @Override
        public void batch(List<IpvsadmRule> run) throws RulesRestore.Partial {
            StringBuilder sb = new StringBuilder("batch");
            RulesRestore.Outcome[] outcomes = new RulesRestore.Outcome[run.size()];
            String[] errors = new String[run.size()];
            boolean failed = false;
            for (int i = 0; i < run.size(); i++) {
                sb.append(' ').append(run.get(i).line());
                outcomes[i] = RulesRestore.Outcome.APPLIED;
                if (failLines.contains(run.get(i).line())) {
                    outcomes[i] = RulesRestore.Outcome.FAILED;
                    errors[i] = "IPVS_CMD_NEW_SERVICE failed: File exists (errno 17) for TCP 192.0.2.1:80";
                    failed = true;
                }
            }
            calls.add(sb.toString());
            if (failed) {
                throw new RulesRestore.Partial(outcomes, errors);
            }
        }

        @Override
        public void single(IpvsadmRule rule) throws IpvsException {
            calls.add("single " + rule.line() + " " + rule.op());
            if (failLines.contains(rule.line())) {
                throw new IpvsException("IPVS_CMD_NEW_DAEMON", "sync daemon master s0", 17, "File exists", null, null);
            }
        }
    }

    @Test
    void apply_commandsWithoutBatchForm_splitTheBatchesInOrder() throws Exception {
        Recorder r = new Recorder();
        new RulesRestore("stdin", rules("-A -t 192.0.2.1:80 -s rr\n# comment\n-a -t 192.0.2.1:80 -r 10.0.0.1\n"
                + "-Z\n-C\n-A -t 192.0.2.2:80\n--start-daemon master --mcast-interface s0\n--set 10 20 30\n"))
                .apply(r);
        assertThat(r.calls).containsExactly("batch 1 3", "single 4 ZERO", "batch 5 6", "single 7 START_DAEMON",
                "batch 8");
    }

    @Test
    void apply_kernelRefusesLines_namesThemAndWhatWasApplied() throws Exception {
        Recorder r = new Recorder(3, 6);
        RulesRestore restore = new RulesRestore("stdin", rules("-A -t 192.0.2.1:80 -s rr\n"
                + "-a -t 192.0.2.1:80 -r 10.0.0.1\n-A -t 192.0.2.1:80\n\n-A -t 192.0.2.3:80\n-A -t 192.0.2.4:80\n"
                + "-Z\n-A -t 192.0.2.5:80\n"));
        assertThatThrownBy(() -> restore.apply(r)).isInstanceOfSatisfying(CliException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(Main.FAILED);
            assertThat(e.lines()).containsExactly(
                    "stdin:3: IPVS_CMD_NEW_SERVICE failed: File exists (errno 17) for TCP 192.0.2.1:80",
                    "stdin:6: IPVS_CMD_NEW_SERVICE failed: File exists (errno 17) for TCP 192.0.2.1:80",
                    "stdin: applied 3 of 7 commands (lines 1-2,5); not applied: lines 3,6-8");
        });
        assertThat(r.calls).containsExactly("batch 1 2 3 5 6");
    }

    @Test
    void apply_singleCommandFails_stopsThere() throws Exception {
        Recorder r = new Recorder(2);
        RulesRestore restore = new RulesRestore("f.rules", rules("-A -t 192.0.2.1:80\n"
                + "--start-daemon master --mcast-interface s0\n-A -t 192.0.2.2:80\n"));
        assertThatThrownBy(() -> restore.apply(r)).isInstanceOfSatisfying(CliException.class, e ->
                assertThat(e.lines()).containsExactly(
                        "f.rules:2: IPVS_CMD_NEW_DAEMON failed: File exists (errno 17) for sync daemon master s0",
                        "f.rules: applied 1 of 3 commands (lines 1); not applied: lines 2-3"));
        assertThat(r.calls).containsExactly("batch 1", "single 2 START_DAEMON");
    }

    @Test
    void ranges_inDoubtCommandsAreReportedApart() throws Exception {
        RulesRestore restore = new RulesRestore("stdin", rules("-C\n-C\n-C\n-C\n-C\n"));
        RulesRestore.Outcome[] o = {RulesRestore.Outcome.APPLIED, RulesRestore.Outcome.IN_DOUBT,
            RulesRestore.Outcome.IN_DOUBT, RulesRestore.Outcome.NOT_SENT, RulesRestore.Outcome.APPLIED};
        assertThat(restore.ranges(o, RulesRestore.Outcome.APPLIED)).isEqualTo("1,5");
        assertThat(restore.ranges(o, RulesRestore.Outcome.IN_DOUBT)).isEqualTo("2-3");
        assertThat(restore.ranges(o, RulesRestore.Outcome.FAILED)).isEqualTo("none");
    }
}
