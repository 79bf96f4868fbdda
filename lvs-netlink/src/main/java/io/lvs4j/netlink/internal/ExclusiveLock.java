package io.lvs4j.netlink.internal;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * An exclusive flock(2) on a file, held while this object is open: the kernel releases it when the
 * holder closes it or dies (a SIGKILL leaves no stale lock). flock, not fcntl: a lock belongs to
 * the open file, so another open of the same file in the same process (to read the holder's PID)
 * neither releases it nor shares it, and a second lock in the same JVM is refused like one from
 * another process. The file is created 0600 and never removed.
 */
public final class ExclusiveLock implements AutoCloseable {
    private final Path path;
    private int fd;

    private ExclusiveLock(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /**
     * Takes the lock on {@code path}, creating the file (0600) when it does not exist.
     *
     * @return the held lock, or null when another open file holds it
     * @throws NetlinkIoException if the file cannot be created, opened or locked (errno and path)
     */
    public static ExclusiveLock tryLock(Path path) throws NetlinkIoException {
        Native.LibC libc = Native.boundLibc();
        try {
            Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            // an earlier run's: the lock is on the open file, not on its existence
        } catch (IOException e) {
            throw new NetlinkIoException("open", 0, String.valueOf(e.getMessage()), "creating " + path);
        }
        int fd = libc.open(path.toString(), Native.O_RDWR | Native.O_CLOEXEC | Native.O_NOFOLLOW);
        if (fd < 0) {
            int errno = Native.errno();
            throw new NetlinkIoException("open", errno, Native.strerror(errno), path.toString());
        }
        while (true) {
            if (libc.flock(fd, Native.LOCK_EX | Native.LOCK_NB) == 0) {
                return new ExclusiveLock(path, fd);
            }
            int errno = Native.errno();
            if (errno == Native.EINTR) {
                continue;
            }
            libc.close(fd);
            if (errno == Native.EWOULDBLOCK) {
                return null;
            }
            throw new NetlinkIoException("flock", errno, Native.strerror(errno), path.toString());
        }
    }

    public Path path() {
        return path;
    }

    /** Releases the lock (closes the file). Idempotent. */
    @Override
    public synchronized void close() {
        if (fd >= 0) {
            Native.libc().close(fd);
            fd = -1;
        }
    }

    @Override
    public String toString() {
        return "flock " + path + (fd >= 0 ? " (held)" : " (released)");
    }
}
