package io.lvs4j.table;

/**
 * A kernel IPVS operation that failed: the command, the object it was about, the errno and the
 * kernel's own words. The message reads like
 * {@code IPVS_CMD_NEW_SERVICE failed: File exists (errno 17) for TCP 192.0.2.10:80}, followed by
 * the kernel's extended-ACK text when it sent one, and a plain explanation for the errors that
 * have a well-known cause (a missing scheduler module, a kernel without IPVS).
 *
 * <p>A reply that breaks netlink's length rules is reported with errno {@link #EBADMSG}; a local
 * socket failure carries that syscall's errno and names the syscall as the command.
 */
public class IpvsException extends io.lvs4j.OsException {
    private static final long serialVersionUID = 1L;

    /** errno for "Bad message": a malformed reply from the kernel. */
    public static final int EBADMSG = 74;

    public IpvsException(String command, String object, int errno, String errnoText, String kernelMessage,
            String explanation) {
        super(format(command, object, errno, errnoText, kernelMessage, explanation), command, object, errno,
                kernelMessage, null);
    }

    /** For subclasses that format their own message. */
    protected IpvsException(String message, String command, String object, int errno, String kernelMessage,
            Throwable cause) {
        super(message, command, object, errno, kernelMessage, cause);
    }

    static String format(String command, String object, int errno, String errnoText, String kernelMessage,
            String explanation) {
        StringBuilder sb = new StringBuilder(command).append(" failed: ").append(errnoText)
                .append(" (errno ").append(errno).append(')');
        if (object != null) {
            sb.append(" for ").append(object);
        }
        if (kernelMessage != null && !kernelMessage.isEmpty()) {
            sb.append(": kernel says \"").append(kernelMessage).append('"');
        }
        if (explanation != null) {
            sb.append(" (").append(explanation).append(')');
        }
        return sb.toString();
    }

    /** The command or syscall, e.g. {@code IPVS_CMD_NEW_SERVICE} or {@code socket}: the same as {@link #operation()}. */
    public String command() {
        return operation();
    }

    /** The kernel's extended-ACK message ({@code NLMSGERR_ATTR_MSG}), or null: the same as {@link #detail()}. */
    public String kernelMessage() {
        return detail();
    }
}
