package io.lvs4j.cli;

import io.lvs4j.director.ipvsadm.IpvsadmRule;
import io.lvs4j.netlink.Ipvs;
import io.lvs4j.netlink.IpvsBatch;
import io.lvs4j.table.IpvsBatchException;
import io.lvs4j.table.IpvsException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Applies parsed ipvsadm rules in order, with {@code ipvsadm -R}'s meaning of each line: runs of
 * service, real-server, clear and timeout commands go to the kernel as one pipelined batch;
 * {@code -Z} and the sync-daemon commands, which have no batch form, are sent on their own
 * between runs. Edits ({@code -E}, {@code -e}) set every setting as the line gives it, with
 * ipvsadm's defaults for what it leaves out, exactly as ipvsadm does.
 *
 * <p>When the kernel refuses a command, nothing after the pipelined window holding it is sent,
 * and the failure names the line of every refused command, the lines applied, and the lines not
 * applied (or whose outcome is unknown because the socket failed).
 */
final class RulesRestore {
    /** What a rule became. */
    enum Outcome { APPLIED, FAILED, IN_DOUBT, NOT_SENT }

    /** Where rules go: the kernel, or a test double. */
    interface Target {
        /** Applies a run of batchable rules in order. */
        void batch(List<IpvsadmRule> rules) throws Partial;

        /** Applies one rule that has no batch form. */
        void single(IpvsadmRule rule) throws IpvsException;
    }

    /** A run applied only in part: per rule of the run, its outcome and, if it failed, why. */
    static final class Partial extends Exception {
        private static final long serialVersionUID = 1L;
        final Outcome[] outcomes;
        final String[] errors;

        Partial(Outcome[] outcomes, String[] errors) {
            super("partly applied");
            this.outcomes = outcomes;
            this.errors = errors;
        }
    }

    private final String source;
    private final List<IpvsadmRule> rules;

    RulesRestore(String source, List<IpvsadmRule> rules) {
        this.source = source;
        this.rules = List.copyOf(rules);
    }

    static boolean batchable(IpvsadmRule.Op op) {
        switch (op) {
            case ZERO:
            case START_DAEMON:
            case STOP_DAEMON:
                return false;
            default:
                return true;
        }
    }

    /** Applies every rule, or throws a report of what was and was not applied. */
    void apply(Target target) throws CliException {
        Outcome[] outcomes = new Outcome[rules.size()];
        Arrays.fill(outcomes, Outcome.NOT_SENT);
        String[] errors = new String[rules.size()];
        int i = 0;
        while (i < rules.size()) {
            if (!batchable(rules.get(i).op())) {
                try {
                    target.single(rules.get(i));
                    outcomes[i] = Outcome.APPLIED;
                } catch (IpvsException e) {
                    outcomes[i] = Outcome.FAILED;
                    errors[i] = e.getMessage();
                    throw report(outcomes, errors);
                }
                i++;
                continue;
            }
            int end = i;
            while (end < rules.size() && batchable(rules.get(end).op())) {
                end++;
            }
            try {
                target.batch(rules.subList(i, end));
                Arrays.fill(outcomes, i, end, Outcome.APPLIED);
            } catch (Partial p) {
                System.arraycopy(p.outcomes, 0, outcomes, i, end - i);
                System.arraycopy(p.errors, 0, errors, i, end - i);
                throw report(outcomes, errors);
            }
            i = end;
        }
    }

    private CliException report(Outcome[] outcomes, String[] errors) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < outcomes.length; i++) {
            if (outcomes[i] == Outcome.FAILED) {
                lines.add(source + ":" + rules.get(i).line() + ": " + errors[i]);
            }
        }
        int applied = 0;
        for (Outcome o : outcomes) {
            if (o == Outcome.APPLIED) {
                applied++;
            }
        }
        StringBuilder sb = new StringBuilder(source).append(": applied ").append(applied).append(" of ")
                .append(outcomes.length).append(" commands (lines ").append(ranges(outcomes, Outcome.APPLIED))
                .append("); not applied: lines ").append(ranges(outcomes, Outcome.FAILED, Outcome.NOT_SENT));
        String doubt = ranges(outcomes, Outcome.IN_DOUBT);
        if (!doubt.equals("none")) {
            sb.append("; outcome unknown: lines ").append(doubt);
        }
        lines.add(sb.toString());
        return new CliException(Main.FAILED, lines);
    }

    /** Runs of consecutive rules with one of these outcomes, as line ranges: {@code 1-4,6,9-12}. */
    String ranges(Outcome[] outcomes, Outcome... wanted) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < outcomes.length) {
            if (!is(outcomes[i], wanted)) {
                i++;
                continue;
            }
            int j = i;
            while (j + 1 < outcomes.length && is(outcomes[j + 1], wanted)) {
                j++;
            }
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(rules.get(i).line());
            if (j > i) {
                sb.append('-').append(rules.get(j).line());
            }
            i = j + 1;
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }

    private static boolean is(Outcome o, Outcome... wanted) {
        for (Outcome w : wanted) {
            if (o == w) {
                return true;
            }
        }
        return false;
    }

    /** The kernel, through one {@link Ipvs} handle. */
    static final class KernelTarget implements Target {
        private final Ipvs ipvs;

        KernelTarget(Ipvs ipvs) {
            this.ipvs = ipvs;
        }

        @Override
        public void batch(List<IpvsadmRule> run) throws Partial {
            IpvsBatch b = ipvs.batch();
            for (IpvsadmRule r : run) {
                switch (r.op()) {
                    case ADD_SERVICE: b.addService(r.service()); break;
                    case EDIT_SERVICE: b.updateService(r.service()); break;
                    case DELETE_SERVICE: b.removeService(r.key()); break;
                    case CLEAR: b.flush(); break;
                    case ADD_SERVER: b.addRealServer(r.key(), r.server()); break;
                    case EDIT_SERVER: b.updateRealServer(r.key(), r.server()); break;
                    case DELETE_SERVER: b.removeRealServer(r.key(), r.serverAddress(), r.serverPort()); break;
                    case SET_TIMEOUTS: b.setTimeouts(r.timeouts()); break;
                    default: throw new IllegalStateException("not batchable: " + r);
                }
            }
            Outcome[] outcomes = new Outcome[run.size()];
            String[] errors = new String[run.size()];
            try {
                b.apply();
            } catch (IpvsBatchException e) {
                int sentEnd = run.size() - e.notSent();
                Arrays.fill(outcomes, Outcome.NOT_SENT);
                if (e.inDoubt() > 0) {
                    int base = e.failures().get(0).index();
                    Arrays.fill(outcomes, 0, base, Outcome.APPLIED);
                    Arrays.fill(outcomes, base, Math.min(run.size(), base + e.inDoubt()), Outcome.IN_DOUBT);
                    outcomes[base] = Outcome.FAILED;
                    errors[base] = e.failures().get(0).error().getMessage();
                } else {
                    Arrays.fill(outcomes, 0, sentEnd, Outcome.APPLIED);
                    for (IpvsBatchException.Failure f : e.failures()) {
                        outcomes[f.index()] = Outcome.FAILED;
                        errors[f.index()] = f.error().getMessage();
                    }
                }
                throw new Partial(outcomes, errors);
            } catch (IpvsException e) {
                // refused before anything was sent (a command or attribute this kernel lacks)
                Arrays.fill(outcomes, Outcome.NOT_SENT);
                outcomes[0] = Outcome.FAILED;
                errors[0] = e.getMessage() + " (checked before sending; nothing of this run was sent)";
                throw new Partial(outcomes, errors);
            }
        }

        @Override
        public void single(IpvsadmRule r) throws IpvsException {
            switch (r.op()) {
                case ZERO:
                    if (r.key() == null) {
                        ipvs.zero();
                    } else {
                        ipvs.zero(r.key());
                    }
                    break;
                case START_DAEMON: ipvs.startDaemon(r.daemon()); break;
                case STOP_DAEMON: ipvs.stopDaemon(r.daemonRole()); break;
                default: throw new IllegalStateException("batchable: " + r);
            }
        }
    }
}
