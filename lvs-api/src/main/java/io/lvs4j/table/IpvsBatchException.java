package io.lvs4j.table;

import java.util.List;

/**
 * A batch the kernel applied only in part. {@link #failures()} holds each refused request (its
 * index in the batch and the kernel's error, e.g.
 * {@code IPVS_CMD_NEW_DEST failed: File exists (errno 17) for TCP 192.0.2.10:80 -> 10.0.0.2:80});
 * {@link #applied()} names every request the kernel acknowledged, in order;
 * {@link #notSent()} counts the requests after the failing window, which were never sent.
 */
public final class IpvsBatchException extends IpvsException {
    private static final long serialVersionUID = 1L;

    /** One refused request: its index in the batch and the error. */
    public record Failure(int index, IpvsException error) {}

    private final transient List<Failure> failures;
    private final List<String> applied;
    private final int notSent;
    private final int inDoubt;

    public IpvsBatchException(List<Failure> failures, List<String> applied, int notSent, int total) {
        super(message(failures, applied, notSent, total), failures.get(0).error().command(),
                failures.get(0).error().object(), failures.get(0).error().errno(),
                failures.get(0).error().kernelMessage(), failures.get(0).error());
        this.failures = List.copyOf(failures);
        this.applied = List.copyOf(applied);
        this.notSent = notSent;
        this.inDoubt = 0;
    }

    /**
     * The socket failed (e.g. ENOBUFS: the kernel dropped replies) while a window of
     * {@code inDoubt} requests starting at {@code base} was out; the {@code total - base - inDoubt}
     * after it were never sent.
     */
    public IpvsBatchException(IpvsException cause, List<String> applied, int base, int inDoubt, int total) {
        super("batch of " + total + " stopped at request " + base + ": " + inDoubt + " sent, outcome unknown; "
                + applied.size() + " applied before; " + (total - base - inDoubt) + " not sent: " + cause.getMessage(),
                cause.command(), cause.object(), cause.errno(), cause.kernelMessage(), cause);
        this.failures = List.of(new Failure(base, cause));
        this.applied = List.copyOf(applied);
        this.notSent = total - base - inDoubt;
        this.inDoubt = inDoubt;
    }

    private static String message(List<Failure> failures, List<String> applied, int notSent, int total) {
        StringBuilder sb = new StringBuilder();
        sb.append("batch of ").append(total).append(": ").append(failures.size()).append(" failed, ")
                .append(applied.size()).append(" applied, ").append(notSent).append(" not sent; ");
        int shown = 0;
        for (Failure f : failures) {
            if (shown++ == 3) {
                sb.append("; ...");
                break;
            }
            if (shown > 1) {
                sb.append("; ");
            }
            sb.append("request ").append(f.index()).append(": ").append(f.error().getMessage());
        }
        return sb.toString();
    }

    public List<Failure> failures() {
        return failures;
    }

    /** The requests the kernel acknowledged, e.g. {@code IPVS_CMD_NEW_SERVICE TCP 192.0.2.10:80}. */
    public List<String> applied() {
        return applied;
    }

    /** Requests never sent because an earlier window failed. */
    public int notSent() {
        return notSent;
    }

    /** Requests whose outcome is unknown because the socket failed while they were out. */
    public int inDoubt() {
        return inDoubt;
    }
}
