package io.lvs4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keepalived's rule: every component of a root script's path owned by root and not writable by others. */
class ScriptSecurityTest {
    @TempDir
    Path dir;

    private Path script(String mode) throws IOException {
        Path s = dir.resolve("check.sh");
        Files.writeString(s, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString(mode));
        return s;
    }

    private static void assumeRoot() {
        assumeTrue("root".equals(System.getProperty("user.name")), "files owned by root: run as root");
    }

    @Test
    void problem_rootOwnedNotWritableByOthers_safe() throws IOException {
        assumeRoot();
        assertThat(ScriptSecurity.problem(script("rwxr-xr-x"))).isEmpty();
    }

    @Test
    void problem_worldWritableScript_unsafe() throws IOException {
        assumeRoot();
        Path s = script("rwxrwxrwx");
        assertThat(ScriptSecurity.problem(s)).hasValue(s + ": " + s + " is writable by every user (mode 0777)");
    }

    @Test
    void problem_groupWritableByNonRootGroup_unsafe() throws IOException {
        assumeRoot();
        Path s = script("rwxrwxr-x");
        Files.setAttribute(s, "unix:gid", 65534);
        assertThat(ScriptSecurity.problem(s)).hasValue(s + ": " + s + " is writable by group 65534 (mode 0775)");
        Files.setAttribute(s, "unix:gid", 0); // group root may write
        assertThat(ScriptSecurity.problem(s)).isEmpty();
    }

    @Test
    void problem_directoryOwnedByUser_unsafe() throws IOException {
        assumeRoot();
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Path s = sub.resolve("c.sh");
        Files.writeString(s, "#!/bin/sh\n");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setAttribute(sub, "unix:uid", 1000);
        assertThat(ScriptSecurity.problem(s)).hasValue(s + ": " + sub + " is owned by uid 1000, not root");
    }

    @Test
    void problem_worldWritableDirectoryWithStickyBit_safe() throws IOException {
        assumeRoot();
        Path sticky = Files.createDirectory(dir.resolve("sticky"));
        Files.setAttribute(sticky, "unix:mode", 01777);
        Path s = sticky.resolve("c.sh");
        Files.writeString(s, "#!/bin/sh\n");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(ScriptSecurity.problem(s)).isEmpty();
        Files.setAttribute(sticky, "unix:mode", 0777); // no sticky bit: anyone may replace the script
        assertThat(ScriptSecurity.problem(s)).hasValue(s + ": " + sticky + " is writable by every user (mode 0777)");
    }

    @Test
    void problem_symlinkToUnsafeTarget_unsafe() throws IOException {
        assumeRoot();
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setAttribute(open, "unix:mode", 0777);
        Path target = open.resolve("real.sh");
        Files.writeString(target, "#!/bin/sh\n");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path link = Files.createSymbolicLink(dir.resolve("link.sh"), target);
        assertThat(ScriptSecurity.problem(link)).hasValueSatisfying(p -> assertThat(p)
                .startsWith(link + " (" + target + "): " + open + " is writable by every user"));
    }

    @Test
    void problem_missing_reported() {
        Path s = dir.resolve("nope.sh");
        assertThat(ScriptSecurity.problem(s)).hasValueSatisfying(p -> assertThat(p).startsWith(s + ": " + s
                + " cannot be read"));
    }

    @Test
    void needsProtection_rootOrSetuidRoot() throws IOException {
        Path s = script("rwxr-xr-x");
        assertThat(ScriptSecurity.needsProtection(s, 0, 0)).isTrue();
        assertThat(ScriptSecurity.needsProtection(s, 65534, 65534)).isFalse();
        assumeRoot();
        Files.setAttribute(s, "unix:mode", 04755);
        assertThat(ScriptSecurity.needsProtection(s, 65534, 65534)).isTrue();
    }
}
