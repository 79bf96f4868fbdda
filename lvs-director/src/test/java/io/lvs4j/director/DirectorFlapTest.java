package io.lvs4j.director;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.RealServer;
import io.lvs4j.Scheduler;
import io.lvs4j.ServiceKey;
import io.lvs4j.VirtualService;
import io.lvs4j.health.CheckContext;
import io.lvs4j.health.CheckPolicy;
import io.lvs4j.health.CheckResult;
import io.lvs4j.health.Checker;
import io.lvs4j.health.FailureReason;
import io.lvs4j.health.HealthEvent;
import io.lvs4j.health.ServiceHealth;
import io.lvs4j.table.InMemoryIpvs;
import io.lvs4j.table.RealServerState;
import io.lvs4j.table.ServiceState;
import io.lvs4j.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * A health check flapping, on the in-memory table and a virtual clock (deterministic; the real
 * kernel and a real listener are in {@link DirectorRobustnessIT}). The checker answers a fixed
 * script of results; before each answer it notes what the table holds, i.e. the table after the
 * previous results. The expectations are worked out by hand from fall 3 / rise 2.
 */
class DirectorFlapTest {
    private static final RealServer RS = RealServer.of("198.51.100.2", 80).weight(5).masquerade().build();
    private static final VirtualService WEB = VirtualService.tcp("192.0.2.10", 80).scheduler(Scheduler.WRR)
            .realServer(RS).build();
    private static final ServiceKey KEY = WEB.key();
    private static final CheckPolicy POLICY = CheckPolicy.builder().interval(Duration.ofSeconds(1))
            .delayBeforeRetry(Duration.ofSeconds(1)).fall(3).rise(2).build();

    // flapping while up, down by 3 in a row, flapping while down, up by 2 in a row, flapping while
    // up with runs of 2, down again, up again
    private static final String SCRIPT = "UUDDUDDUDDD" + "UDUDUD" + "UU" + "DDUDDU" + "DDD" + "UU";

    /** Answers SCRIPT, one result per check; notes the real server's weight in the table before each. */
    private static final class Scripted implements Checker {
        final InMemoryIpvs table;
        final StringBuilder seen = new StringBuilder();
        int calls;

        Scripted(InMemoryIpvs table) {
            this.table = table;
        }

        @Override
        public CompletionStage<CheckResult> check(CheckContext context) {
            if (calls > 0 && calls <= SCRIPT.length()) {
                seen.append(weightInTable(table)).append(' ');
            }
            char r = calls < SCRIPT.length() ? SCRIPT.charAt(calls) : 'U';
            calls++;
            return CompletableFuture.completedFuture(r == 'U' ? CheckResult.up(1000)
                    : CheckResult.down(FailureReason.REFUSED, "scripted", 1000));
        }

        @Override
        public String describe() {
            return "SCRIPTED " + RS.endpoint();
        }
    }

    /** The weight the table gives RS, or "-" when it is not there. */
    static String weightInTable(InMemoryIpvs table) {
        for (ServiceState s : table.serviceStates()) {
            if (s.service().key().equals(KEY)) {
                return s.realServer(RS.address(), RS.port()).map(RealServerState::server)
                        .map(r -> Integer.toString(r.weight())).orElse("-");
            }
        }
        return "no service";
    }

    private static List<DirectorEvent> run(boolean inhibit, Scripted[] checker, InMemoryIpvs table) throws Exception {
        VirtualClock clock = new VirtualClock();
        checker[0] = new Scripted(table);
        ServiceHealth.Builder sh = ServiceHealth.builder(WEB).check(RS, checker[0], POLICY);
        if (inhibit) {
            sh.inhibitOnFailure();
        }
        List<DirectorEvent> events = new ArrayList<>();
        try (Director d = Director.builder().ipvs(table).virtualClock(clock).service(sh.build())
                .listener(events::add).start()) {
            for (int step = 0; step < 2000 && checker[0].calls <= SCRIPT.length(); step++) { // 200 s virtual at most
                clock.advance(Duration.ofMillis(100));
            }
            clock.advance(Duration.ofMillis(100));
            assertThat(checker[0].calls).isGreaterThan(SCRIPT.length());
            assertThat(d.state().service(KEY).get().realServer(RS.endpoint()).get().appliedWeight())
                    .isEqualTo(5);
        }
        return events;
    }

    private static List<String> decisions(List<DirectorEvent> events) {
        List<String> out = new ArrayList<>();
        for (DirectorEvent e : events) {
            if (e instanceof DirectorEvent.Health h && h.event().type() == HealthEvent.Type.REAL_SERVER_DOWN) {
                out.add("DOWN");
            } else if (e instanceof DirectorEvent.Health h && h.event().type() == HealthEvent.Type.REAL_SERVER_UP) {
                out.add("UP");
            } else if (e instanceof DirectorEvent.KernelChange k) {
                out.add(k.applied().toString());
            }
        }
        return out;
    }

    private static void assertOrdered(List<DirectorEvent> events) {
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).sequence()).as("%s", events).isEqualTo(i + 1L);
        }
    }

    @Test
    void flapping_removal_presenceFollowsFallThreeRiseTwoOnly() throws Exception {
        InMemoryIpvs table = new InMemoryIpvs();
        Scripted[] checker = new Scripted[1];
        List<DirectorEvent> events = run(false, checker, table);
        // the table after each scripted result: 5 = in at weight 5, - = out
        String expected = "5 5 5 5 5 5 5 5 5 5 - " // UUDDUDDUDDD: the third D in a row takes it out
                + "- - - - - - "                   // UDUDUD: never 2 U in a row
                + "- 5 "                           // UU: in at the second
                + "5 5 5 5 5 5 "                   // DDUDDU: never 3 D in a row
                + "5 5 - "                         // DDD
                + "- 5 ";                          // UU
        assertThat(checker[0].seen.toString()).isEqualTo(expected);
        String add = "[ADD_SERVER TCP 192.0.2.10:80 -> 198.51.100.2:80]";
        String remove = "[REMOVE_SERVER TCP 192.0.2.10:80 -> 198.51.100.2:80]";
        assertThat(decisions(events)).containsExactly("[ADD_SERVICE TCP 192.0.2.10:80, ADD_SERVER TCP 192.0.2.10:80 -> 198.51.100.2:80]",
                "DOWN", remove, "UP", add, "DOWN", remove, "UP", add, "[REMOVE_SERVICE TCP 192.0.2.10:80]"); // the last: close
        assertOrdered(events);
    }

    @Test
    void flapping_inhibit_weightFollowsFallThreeRiseTwoOnly() throws Exception {
        InMemoryIpvs table = new InMemoryIpvs();
        Scripted[] checker = new Scripted[1];
        List<DirectorEvent> events = run(true, checker, table);
        String expected = "5 5 5 5 5 5 5 5 5 5 0 " + "0 0 0 0 0 0 " + "0 5 " + "5 5 5 5 5 5 " + "5 5 0 " + "0 5 ";
        assertThat(checker[0].seen.toString()).isEqualTo(expected);
        String down = "[EDIT_SERVER TCP 192.0.2.10:80 -> 198.51.100.2:80 weight 5 -> 0]";
        String up = "[EDIT_SERVER TCP 192.0.2.10:80 -> 198.51.100.2:80 weight 0 -> 5]";
        assertThat(decisions(events)).containsExactly("[ADD_SERVICE TCP 192.0.2.10:80, ADD_SERVER TCP 192.0.2.10:80 -> 198.51.100.2:80]",
                "DOWN", down, "UP", up, "DOWN", down, "UP", up, "[REMOVE_SERVICE TCP 192.0.2.10:80]");
        assertOrdered(events);
    }
}
