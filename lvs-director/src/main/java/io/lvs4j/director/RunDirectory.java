package io.lvs4j.director;

import io.lvs4j.netlink.internal.ExclusiveLock;
import io.lvs4j.netlink.internal.NetlinkIoException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A director's files under its run directory ({@code /run/lvs4j} by default), named after its
 * network namespace's inode so that two namespaces never share them and two names of one
 * namespace do: {@code netns-INODE.lock} (an exclusive flock held while the director runs, with
 * the holder's PID in it) and {@code netns-INODE.owned} (the {@link OwnershipRecord}, replaced
 * atomically, 0600). A record found while the lock was free is a crashed run's.
 */
final class RunDirectory implements AutoCloseable {
    /** The default run directory. */
    static final Path DEFAULT = Path.of("/run/lvs4j");

    private final Path lockFile;
    private final Path recordFile;
    private final ExclusiveLock lock;
    private final OwnershipRecord previous;
    private final String previousProblem;
    private final String label;

    private RunDirectory(Path lockFile, Path recordFile, ExclusiveLock lock, OwnershipRecord previous,
            String previousProblem, String label) {
        this.lockFile = lockFile;
        this.recordFile = recordFile;
        this.lock = lock;
        this.previous = previous;
        this.previousProblem = previousProblem;
        this.label = label;
    }

    /**
     * Takes the lock of {@code netns} (null: the calling thread's namespace) in {@code dir}, creating
     * the directory (0755) when needed, and reads a crashed run's record. Changes nothing else.
     *
     * @throws DirectorLockException if another director holds the lock, or a file cannot be made
     */
    static RunDirectory open(Path dir, String netns) throws DirectorLockException {
        String label = netns == null ? "the current network namespace" : "network namespace " + netns;
        Path nsPath = Path.of(netns == null ? "/proc/thread-self/ns/net" : "/run/netns/" + netns);
        long inode;
        try {
            inode = ((Number) Files.getAttribute(nsPath, "unix:ino")).longValue();
        } catch (IOException | UnsupportedOperationException e) {
            Path lf = dir.resolve("netns-?.lock");
            String why = e instanceof NoSuchFileException ? nsPath + " does not exist" : e.toString();
            throw new DirectorLockException(label + ": " + why + " (expected: "
                    + (netns == null ? "Linux's /proc" : "a namespace made by ip netns add " + netns) + ")", "stat", lf,
                    e instanceof NoSuchFileException ? 2 : 0, -1, e);
        }
        label += " (inode " + inode + ")";
        Path lockFile = dir.resolve("netns-" + inode + ".lock");
        Path recordFile = dir.resolve("netns-" + inode + ".owned");
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwxr-xr-x")));
            }
        } catch (IOException e) {
            throw new DirectorLockException("cannot create the run directory " + dir + " for the lock of " + label
                    + ": " + e + " (expected: a directory the director can write, see Director.Builder.runDirectory)",
                    "mkdir", lockFile, 0, -1, e);
        }
        ExclusiveLock lock;
        try {
            lock = ExclusiveLock.tryLock(lockFile);
        } catch (NetlinkIoException e) {
            throw new DirectorLockException(e.syscall + " failed: " + e.errnoText + " (errno " + e.errno + ") for "
                    + lockFile + ": cannot take the lock of " + label, e.syscall, lockFile, e.errno, -1, e);
        }
        if (lock == null) {
            long pid = readPid(lockFile);
            boolean self = pid == ProcessHandle.current().pid();
            throw new DirectorLockException("another lvs4j director runs in " + label + ": "
                    + (pid > 0 ? "PID " + pid + (self ? " (this process)" : "") : "PID unknown") + " holds " + lockFile
                    + "; nothing was changed (stop it first, or use another network namespace)", "flock", lockFile, 11,
                    pid, null);
        }
        try {
            Files.writeString(lockFile, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            lock.close();
            throw new DirectorLockException("cannot write the PID into " + lockFile + ": " + e, "write", lockFile, 0, -1,
                    e);
        }
        OwnershipRecord previous = null;
        String problem = null;
        try {
            String text = Files.readString(recordFile, StandardCharsets.UTF_8);
            OwnershipRecord r = OwnershipRecord.parse(recordFile.toString(), text);
            String boot = bootId();
            if (!r.bootId.isEmpty() && !boot.isEmpty() && !r.bootId.equals(boot)) {
                problem = recordFile + " is from an earlier boot (boot-id " + r.bootId + "): ignored";
            } else if (!java.util.Objects.equals(r.netns, netns)) {
                // the kernel reuses a deleted namespace's inode for a new one
                problem = recordFile + " is of network namespace " + (r.netns == null ? "-" : r.netns)
                        + ", which had the same inode: ignored";
            } else {
                previous = r;
            }
        } catch (NoSuchFileException e) {
            // a clean start
        } catch (IOException | IllegalArgumentException e) {
            problem = "cannot read " + recordFile + ": " + e.getMessage() + "; starting without recovery";
        }
        return new RunDirectory(lockFile, recordFile, lock, previous, problem, label);
    }

    /** The record a crashed run left (the lock was free, the record there), or null. */
    OwnershipRecord previous() {
        return previous;
    }

    /** Why a record that was there is not used (unreadable, from an earlier boot), or null. */
    String previousProblem() {
        return previousProblem;
    }

    Path lockFile() {
        return lockFile;
    }

    Path recordFile() {
        return recordFile;
    }

    String label() {
        return label;
    }

    /** Replaces the record: written to a temp file (0600) in the directory, then renamed over it. */
    void write(OwnershipRecord r) throws IOException {
        Path tmp = recordFile.resolveSibling(recordFile.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ch.write(java.nio.ByteBuffer.wrap(r.format().getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        try {
            Files.move(tmp, recordFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /** Removes the record (a clean stop). */
    void removeRecord() throws IOException {
        Files.deleteIfExists(recordFile);
    }

    /** Releases the lock. */
    @Override
    public void close() {
        lock.close();
    }

    /** The kernel's boot id, or "" when it cannot be read. */
    static String bootId() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static long readPid(Path lockFile) {
        try {
            return Long.parseLong(Files.readString(lockFile, StandardCharsets.US_ASCII).strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
