package io.lvs4j.netlink;

import io.lvs4j.OsException;

/**
 * A failed operation on network interfaces (rtnetlink address and link requests, raw and packet
 * sockets, network namespaces): the operation, what it was about, the errno and the kernel's own
 * words, e.g. {@code RTM_NEWADDR failed: File exists (errno 17) for 192.0.2.10/24 dev eth0}.
 */
public class InterfaceException extends OsException {
    private static final long serialVersionUID = 1L;

    public InterfaceException(String operation, String object, int errno, String errnoText, String kernelMessage) {
        super(operation, object, errno, errnoText, kernelMessage);
    }

    /** For subclasses that word their own message around {@code cause}'s operation, object and errno. */
    protected InterfaceException(String message, InterfaceException cause) {
        super(message, cause.operation(), cause.object(), cause.errno(), cause.detail(), cause);
    }
}
