package io.lvs4j.director.host;

import io.lvs4j.OsException;

/**
 * A host change that could not be made or undone: which sysctl or interface, the errno and the
 * kernel's words, then what was rolled back, e.g. {@code open failed: No such file or directory
 * (errno 2) for sysctl net.ipv4.conf.tunl0.rp_filter in network namespace rs1 (rolled back: 2 changes)}.
 * {@link #operation()}, {@link #object()} and {@link #errno()} are those of the first failure.
 */
public class HostSetupException extends OsException {
    private static final long serialVersionUID = 1L;

    public HostSetupException(String message, Exception cause) {
        super(message, cause instanceof OsException o ? o.operation() : "host setup",
                cause instanceof OsException o ? o.object() : null, cause instanceof OsException o ? o.errno() : 0,
                cause instanceof OsException o ? o.detail() : null, cause);
    }
}
