package io.lvs4j.director.host;

/**
 * A host change that could not be made or undone: which sysctl or interface, the errno and the
 * kernel's words, then what was rolled back, e.g. {@code open failed: No such file or directory
 * (errno 2) for sysctl net.ipv4.conf.tunl0.rp_filter in network namespace rs1 (rolled back: 2 changes)}.
 */
public class HostSetupException extends Exception {
    private static final long serialVersionUID = 1L;

    public HostSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
