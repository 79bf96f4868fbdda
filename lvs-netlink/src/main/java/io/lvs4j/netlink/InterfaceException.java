package io.lvs4j.netlink;

/**
 * A failed operation on network interfaces (rtnetlink address and link requests, raw sockets): the
 * operation, what it was about, the errno and the kernel's own words, e.g.
 * {@code RTM_NEWADDR failed: File exists (errno 17) for 192.0.2.10/24 dev eth0}.
 */
public class InterfaceException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String operation;
    private final int errno;

    public InterfaceException(String operation, String object, int errno, String errnoText, String kernelMessage) {
        super(operation + " failed: " + errnoText + " (errno " + errno + ")" + (object != null ? " for " + object : "")
                + (kernelMessage != null ? ": " + kernelMessage : ""));
        this.operation = operation;
        this.errno = errno;
    }

    /** The syscall or rtnetlink message that failed, e.g. {@code RTM_NEWADDR} or {@code setsockopt}. */
    public String operation() {
        return operation;
    }

    /** The positive errno (0 when the failure had none). */
    public int errno() {
        return errno;
    }
}
