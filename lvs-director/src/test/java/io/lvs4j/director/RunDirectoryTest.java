package io.lvs4j.director;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs4j.Protocol;
import io.lvs4j.ServiceKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryTest {
    @TempDir
    Path dir;

    private static long nsInode() throws Exception {
        return ((Number) Files.getAttribute(Path.of("/proc/self/ns/net"), "unix:ino")).longValue();
    }

    private static OwnershipRecord record(long pid, String boot) {
        return new OwnershipRecord(pid, boot, null, List.of(), Set.of(ServiceKey.of(Protocol.TCP, "192.0.2.10", 80)),
                List.of());
    }

    @Test
    void open_secondInSameProcess_refusedNamingThisPid_andReleasedOnClose() throws Exception {
        Path run = dir.resolve("run");
        try (RunDirectory first = RunDirectory.open(run, null)) {
            assertThat(first.lockFile()).isEqualTo(run.resolve("netns-" + nsInode() + ".lock"));
            assertThat(Files.readString(first.lockFile()).strip()).isEqualTo(
                    String.valueOf(ProcessHandle.current().pid()));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first.lockFile())))
                    .isEqualTo("rw-------");

            assertThatThrownBy(() -> RunDirectory.open(run, null)).isInstanceOfSatisfying(DirectorLockException.class,
                    e -> {
                        assertThat(e.holderPid()).hasValue(ProcessHandle.current().pid());
                        assertThat(e.errno()).isEqualTo(11);
                        assertThat(e.getMessage()).contains("another lvs4j director runs in the current network"
                                + " namespace", "PID " + ProcessHandle.current().pid() + " (this process)",
                                "nothing was changed");
                    });
            // reading the holder's PID (another open of the file) did not release the first lock
            assertThatThrownBy(() -> RunDirectory.open(run, null)).isInstanceOf(DirectorLockException.class);
        }
        RunDirectory.open(run, null).close(); // free again
    }

    @Test
    void open_lockHeldByAnotherProcessWithFlock_refusedNamingItsPid() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/flock")), "util-linux flock(1)");
        Files.createDirectories(dir);
        Path lock = dir.resolve("netns-" + nsInode() + ".lock");
        Path ready = dir.resolve("ready");
        Process p = new ProcessBuilder("/usr/bin/flock", "-n", lock.toString(), "sh", "-c",
                "echo 31337 > " + lock + "; touch " + ready + "; exec sleep 30").start();
        try {
            for (int i = 0; i < 100 && !Files.exists(ready); i++) {
                Thread.sleep(50);
            }
            assertThat(ready).exists();

            assertThatThrownBy(() -> RunDirectory.open(dir, null)).isInstanceOfSatisfying(DirectorLockException.class,
                    e -> assertThat(e.holderPid()).hasValue(31337));
        } finally {
            List<ProcessHandle> holders = new java.util.ArrayList<>(p.descendants().toList()); // they hold it too
            holders.add(p.toHandle());
            for (ProcessHandle h : holders) {
                h.destroyForcibly();
                h.onExit().get(10, TimeUnit.SECONDS);
            }
        }
        RunDirectory.open(dir, null).close(); // the holder died: free
    }

    @Test
    void write_replacesAtomically0600_noTempLeft_removeRecordDeletes() throws Exception {
        try (RunDirectory rd = RunDirectory.open(dir, null)) {
            rd.write(record(1, ""));
            rd.write(record(2, ""));

            assertThat(OwnershipRecord.parse("r", Files.readString(rd.recordFile())).pid).isEqualTo(2);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(rd.recordFile())))
                    .isEqualTo("rw-------");
            try (var s = Files.list(dir)) {
                assertThat(s.map(f -> f.getFileName().toString())).allSatisfy(n -> assertThat(n).doesNotEndWith(".tmp"));
            }
            rd.removeRecord();
            assertThat(rd.recordFile()).doesNotExist();
        }
    }

    @Test
    void open_recordLeftWithLockFree_isTheCrashedRunsRecord() throws Exception {
        RunDirectory crashed = RunDirectory.open(dir, null);
        crashed.write(record(4242, RunDirectory.bootId()));
        crashed.close(); // the lock goes with the process; the record stays

        try (RunDirectory next = RunDirectory.open(dir, null)) {
            assertThat(next.previous()).isNotNull();
            assertThat(next.previous().pid).isEqualTo(4242);
            assertThat(next.previousProblem()).isNull();
        }
    }

    @Test
    void open_recordFromAnotherBoot_ignored() throws Exception {
        assumeTrue(!RunDirectory.bootId().isEmpty(), "a boot id");
        RunDirectory crashed = RunDirectory.open(dir, null);
        crashed.write(record(4242, "00000000-0000-0000-0000-000000000000"));
        crashed.close();

        try (RunDirectory next = RunDirectory.open(dir, null)) {
            assertThat(next.previous()).isNull();
            assertThat(next.previousProblem()).contains("earlier boot");
        }
    }

    @Test
    void open_recordOfANamespaceThatHadTheSameInode_ignored() throws Exception {
        RunDirectory crashed = RunDirectory.open(dir, null);
        crashed.write(new OwnershipRecord(4242, RunDirectory.bootId(), "deleted-ns", List.of(), Set.of(), List.of()));
        crashed.close();

        try (RunDirectory next = RunDirectory.open(dir, null)) {
            assertThat(next.previous()).isNull();
            assertThat(next.previousProblem()).contains("of network namespace deleted-ns", "ignored");
        }
    }

    @Test
    void open_unreadableRecord_noRecoveryButSaysWhy() throws Exception {
        RunDirectory crashed = RunDirectory.open(dir, null);
        Files.writeString(crashed.recordFile(), "lvs4j-ownership 1\nservice TCP nonsense\n");
        crashed.close();

        try (RunDirectory next = RunDirectory.open(dir, null)) {
            assertThat(next.previous()).isNull();
            assertThat(next.previousProblem()).contains(next.recordFile() + ":2:", "starting without recovery");
        }
    }

    @Test
    void open_namespaceDoesNotExist_saysWhich() {
        assertThatThrownBy(() -> RunDirectory.open(dir, "lvs4j-no-such-netns"))
                .isInstanceOf(DirectorLockException.class).hasMessage("network namespace lvs4j-no-such-netns:"
                        + " /run/netns/lvs4j-no-such-netns does not exist (expected: a namespace made by ip netns add"
                        + " lvs4j-no-such-netns)");
    }

    @Test
    void open_runDirectoryCannotBeMade_lockExceptionSaysWhere() throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");

        assertThatThrownBy(() -> RunDirectory.open(file.resolve("sub"), null))
                .isInstanceOf(DirectorLockException.class).hasMessageContaining("cannot create the run directory "
                        + file.resolve("sub"));
    }
}
