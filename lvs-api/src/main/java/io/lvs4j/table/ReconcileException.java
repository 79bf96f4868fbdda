package io.lvs4j.table;

import io.lvs4j.Change;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A reconcile the kernel applied only in part. It names each {@link #failures() failed change}
 * with the kernel's error, and lists the changes {@link #applied()}, those {@link #notSent() never
 * sent}, and those {@link #inDoubt() in doubt} because the socket failed while they were out.
 * The cause is the {@link IpvsBatchException} of the underlying batch. Reconciling again with the
 * same desired configuration computes the remaining steps from the kernel's state.
 */
public final class ReconcileException extends IpvsException {
    private static final long serialVersionUID = 1L;

    /** One change the kernel refused, and its error. */
    public record Failure(Change change, IpvsException error) {
        @Override
        public String toString() {
            return change + ": " + error.getMessage();
        }
    }

    private final transient List<Failure> failures;
    private final transient List<Change> applied;
    private final transient List<Change> notSent;
    private final transient List<Change> inDoubt;

    private ReconcileException(String message, IpvsBatchException cause, List<Failure> failures, List<Change> applied,
            List<Change> notSent, List<Change> inDoubt) {
        super(message, cause.command(), cause.object(), cause.errno(), cause.kernelMessage(), cause);
        this.failures = List.copyOf(failures);
        this.applied = List.copyOf(applied);
        this.notSent = List.copyOf(notSent);
        this.inDoubt = List.copyOf(inDoubt);
    }

    /** Maps a batch's outcome back to the changes it was made of (request i is change i). */
    static ReconcileException of(List<Change> plan, IpvsBatchException e) {
        List<Failure> failures = new ArrayList<>();
        List<Change> applied = new ArrayList<>();
        List<Change> notSent = new ArrayList<>();
        List<Change> inDoubt = new ArrayList<>();
        if (e.inDoubt() > 0) {
            int base = e.failures().get(0).index();
            applied.addAll(plan.subList(0, base));
            inDoubt.addAll(plan.subList(base, Math.min(plan.size(), base + e.inDoubt())));
            notSent.addAll(plan.subList(Math.min(plan.size(), base + e.inDoubt()), plan.size()));
        } else {
            Set<Integer> failed = new HashSet<>();
            for (IpvsBatchException.Failure f : e.failures()) {
                failed.add(f.index());
                failures.add(new Failure(plan.get(f.index()), f.error()));
            }
            int sent = Math.min(plan.size(), e.applied().size() + e.failures().size());
            for (int i = 0; i < sent; i++) {
                if (!failed.contains(i)) {
                    applied.add(plan.get(i));
                }
            }
            notSent.addAll(plan.subList(sent, plan.size()));
        }
        return new ReconcileException(message(plan.size(), failures, applied, notSent, inDoubt, e), e, failures,
                applied, notSent, inDoubt);
    }

    private static String message(int total, List<Failure> failures, List<Change> applied, List<Change> notSent,
            List<Change> inDoubt, IpvsBatchException e) {
        StringBuilder sb = new StringBuilder("reconcile of ").append(total).append(" changes: ");
        if (!inDoubt.isEmpty()) {
            sb.append(applied.size()).append(" applied, ").append(inDoubt.size()).append(" in doubt, ")
                    .append(notSent.size()).append(" not sent: ").append(e.failures().get(0).error().getMessage());
            return sb.toString();
        }
        sb.append(failures.size()).append(" failed, ").append(applied.size()).append(" applied, ")
                .append(notSent.size()).append(" not sent; ");
        for (int i = 0; i < failures.size(); i++) {
            if (i == 3) {
                sb.append("; ...");
                break;
            }
            if (i > 0) {
                sb.append("; ");
            }
            sb.append(failures.get(i));
        }
        return sb.toString();
    }

    /**
     * This failure as the end of a longer reconcile that had applied {@code earlier} first (a
     * director that retries a refused change with a full reconcile reports both): the same
     * failures, {@code earlier} followed by {@link #applied()} as the applied changes, and a message
     * that counts them all ("reconcile of 8 changes: 3 failed, 5 applied, ...", not the retry's 3).
     */
    public ReconcileException afterApplying(List<Change> earlier) {
        if (earlier.isEmpty()) {
            return this;
        }
        List<Change> all = new ArrayList<>(earlier);
        all.addAll(applied);
        IpvsBatchException cause = (IpvsBatchException) getCause();
        int total = earlier.size() + failures.size() + applied.size() + notSent.size() + inDoubt.size();
        ReconcileException e = new ReconcileException(message(total, failures, all, notSent, inDoubt, cause), cause,
                failures, all, notSent, inDoubt);
        e.setStackTrace(getStackTrace());
        return e;
    }

    /** The changes the kernel refused, in order, each with its error. */
    public List<Failure> failures() {
        return failures;
    }

    /** The changes the kernel applied, in order. */
    public List<Change> applied() {
        return applied;
    }

    /** The changes never sent because an earlier window failed. */
    public List<Change> notSent() {
        return notSent;
    }

    /** The changes whose outcome is unknown because the socket failed while they were out. */
    public List<Change> inDoubt() {
        return inDoubt;
    }
}
