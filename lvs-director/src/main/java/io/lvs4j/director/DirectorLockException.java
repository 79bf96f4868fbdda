package io.lvs4j.director;

import io.lvs4j.OsException;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * A director could not take its network namespace's lock: another director (an {@code lvs4j run}
 * or an embedded {@link Director}, in this process or another) holds it ({@link #errno()} 11,
 * {@link #holderPid()} says which process), or the run directory or lock file could not be
 * created or opened. Nothing was changed.
 */
public final class DirectorLockException extends OsException {
    private static final long serialVersionUID = 1L;

    private final transient Path lockFile;
    private final long holderPid;

    DirectorLockException(String message, String operation, Path lockFile, int errno, long holderPid,
            Throwable cause) {
        super(message, operation, lockFile.toString(), errno, null, cause);
        this.lockFile = lockFile;
        this.holderPid = holderPid;
    }

    /** The lock file, e.g. {@code /run/lvs4j/netns-4026531840.lock}. */
    public Path lockFile() {
        return lockFile;
    }

    /** The PID of the director holding the lock, when another holds it and wrote its PID. */
    public OptionalLong holderPid() {
        return holderPid > 0 ? OptionalLong.of(holderPid) : OptionalLong.empty();
    }
}
