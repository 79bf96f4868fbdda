package io.lvs4j.health;

/**
 * A {@link DirectorBackend} could not apply a change; the message names the operation and the
 * target, e.g. {@code IPVS_CMD_NEW_DEST failed: File exists (errno 17) for TCP 192.0.2.10:80 ...}.
 * Nothing was applied.
 */
public class BackendException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int errno;

    public BackendException(String message) {
        this(message, 0, null);
    }

    public BackendException(String message, Throwable cause) {
        this(message, 0, cause);
    }

    /** With the backend's positive errno (the kernel's, or the one the kernel would give). */
    public BackendException(String message, int errno, Throwable cause) {
        super(message, cause);
        this.errno = errno;
    }

    /** The positive errno of the failure (e.g. 17 for EEXIST, 2 for ENOENT, 3 for ESRCH), or 0 if none. */
    public int errno() {
        return errno;
    }
}
