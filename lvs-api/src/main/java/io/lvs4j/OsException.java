package io.lvs4j;

/**
 * The one checked exception family for what the operating system or the kernel refused: the
 * operation (a syscall, a netlink command, a file write), the object it was about, the positive
 * errno, and the kernel's own words when it gave some. The message reads
 * {@code OPERATION failed: TEXT (errno N) for OBJECT[: DETAIL]}, e.g.
 * {@code IPVS_CMD_NEW_SERVICE failed: File exists (errno 17) for TCP 192.0.2.10:80} or
 * {@code RTM_NEWADDR failed: Operation not permitted (errno 1) for 192.0.2.10/24 dev eth0}.
 *
 * <p>Subclasses name the area: {@code IpvsException} (IPVS tables), {@code InterfaceException}
 * (links, addresses, sockets), {@code HostSetupException} (sysctls and host settings). Mistakes of
 * the caller are not in this family: they are {@link IllegalArgumentException} and
 * {@link IllegalStateException} with the message grammar {@code name: value (expected: ...)}.
 */
public class OsException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String operation;
    private final String object;
    private final int errno;
    private final String detail;

    /**
     * @param operation the syscall, command or file operation, e.g. {@code setsockopt}
     * @param object what it was about, or null
     * @param errno the positive errno, or 0 when the failure had none
     * @param errnoText the errno's text, e.g. {@code File exists}
     * @param detail the kernel's or the system's own words, or null
     */
    public OsException(String operation, String object, int errno, String errnoText, String detail) {
        this(format(operation, object, errno, errnoText, detail), operation, object, errno, detail, null);
    }

    /** For subclasses that word their own message. */
    protected OsException(String message, String operation, String object, int errno, String detail,
            Throwable cause) {
        super(message);
        if (cause != null) {
            initCause(cause); // a null cause given to super would forbid a later initCause
        }
        this.operation = operation;
        this.object = object;
        this.errno = errno;
        this.detail = detail;
    }

    /** {@code OPERATION failed: TEXT (errno N) for OBJECT[: DETAIL]}. */
    protected static String format(String operation, String object, int errno, String errnoText, String detail) {
        StringBuilder sb = new StringBuilder(operation).append(" failed: ").append(errnoText);
        sb.append(" (errno ").append(errno).append(')');
        if (object != null) {
            sb.append(" for ").append(object);
        }
        if (detail != null && !detail.isEmpty()) {
            sb.append(": ").append(detail);
        }
        return sb.toString();
    }

    /** The syscall, command or file operation that failed, e.g. {@code IPVS_CMD_NEW_SERVICE}. */
    public String operation() {
        return operation;
    }

    /** What the operation was about, e.g. {@code TCP 192.0.2.10:80}; may be null. */
    public String object() {
        return object;
    }

    /** The positive errno (0 when the failure had none). */
    public int errno() {
        return errno;
    }

    /** The kernel's or system's own words (e.g. netlink's extended ACK text), or null. */
    public String detail() {
        return detail;
    }
}
