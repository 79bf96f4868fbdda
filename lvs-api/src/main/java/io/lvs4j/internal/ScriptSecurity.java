package io.lvs4j.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * keepalived's script security, as {@code enable_script_security} enforces it: a script that runs
 * as root (uid or gid 0), or is set-uid/set-gid root, must not be changeable by anyone but root.
 * Every component of its path, as written and as resolved (symbolic links followed), from
 * {@code /} down, must be owned by root; the file itself, and every directory without the sticky
 * bit, must be writable neither by a group other than root's nor by everyone. A script that fails
 * is refused under {@code enable_script_security} and warned about otherwise.
 */
public final class ScriptSecurity {
    private ScriptSecurity() {}

    private static final int S_IWOTH = 0002;
    private static final int S_IWGRP = 0020;
    private static final int S_ISVTX = 01000;
    private static final int S_ISGID = 02000;
    private static final int S_ISUID = 04000;
    private static final int S_IXUSR = 0100;
    private static final int S_IXGRP = 0010;

    /**
     * Whether {@code script} needs this protection when run as {@code uid}:{@code gid}: run as
     * root, or set-uid / set-gid root.
     */
    public static boolean needsProtection(Path script, int uid, int gid) throws IOException {
        if (uid == 0 || gid == 0) {
            return true;
        }
        Map<String, Object> a = Files.readAttributes(script, "unix:mode,uid,gid");
        int mode = (Integer) a.get("mode");
        return ((Integer) a.get("uid") == 0 && (mode & S_IXUSR) != 0 && (mode & S_ISUID) != 0)
                || ((Integer) a.get("gid") == 0 && (mode & S_IXGRP) != 0 && (mode & S_ISGID) != 0);
    }

    /**
     * Why {@code script} (an absolute path) is unsafe, or empty when it is safe: e.g.
     * {@code /tmp/x/check.sh: /tmp/x is owned by uid 1000, not root}.
     */
    public static Optional<String> problem(Path script) {
        Preconditions.checkNotNull(script, "script");
        Preconditions.checkArgument(script.isAbsolute(), "script", script, "an absolute path");
        Optional<String> p = check(script);
        if (p.isPresent()) {
            return p;
        }
        try {
            Path real = script.toRealPath();
            if (!real.equals(script)) {
                return check(real).map(s -> script + " (" + real + "): " + s.substring(s.indexOf(": ") + 2));
            }
        } catch (IOException e) {
            return Optional.of(script + ": cannot be resolved (" + e.getMessage() + ")");
        }
        return Optional.empty();
    }

    private static Optional<String> check(Path script) {
        List<Path> components = new ArrayList<>();
        Path root = script.getRoot();
        components.add(root);
        Path at = root;
        for (Path name : script) {
            at = at.resolve(name);
            components.add(at);
        }
        for (int i = 0; i < components.size(); i++) {
            Path c = components.get(i);
            boolean last = i == components.size() - 1;
            Map<String, Object> a;
            try {
                a = Files.readAttributes(c, "unix:mode,uid,gid,isDirectory,isRegularFile,isSymbolicLink",
                        LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                return Optional.of(script + ": " + c + " cannot be read (" + e.getMessage() + ")");
            }
            boolean dir = (Boolean) a.get("isDirectory");
            boolean file = (Boolean) a.get("isRegularFile");
            boolean link = (Boolean) a.get("isSymbolicLink");
            if (!last && !dir) {
                return Optional.of(script + ": " + c + " is not a directory");
            }
            if (last && !file && !link) {
                return Optional.of(script + ": not a file or symbolic link");
            }
            int mode = (Integer) a.get("mode");
            int uid = (Integer) a.get("uid");
            int gid = (Integer) a.get("gid");
            if (uid != 0) {
                return Optional.of(script + ": " + c + " is owned by uid " + uid + ", not root");
            }
            boolean guarded = (dir && (mode & S_ISVTX) == 0) || file;
            if (guarded && ((gid != 0 && (mode & S_IWGRP) != 0) || (mode & S_IWOTH) != 0)) {
                return Optional.of(script + ": " + c + " is writable by " + ((mode & S_IWOTH) != 0 ? "every user"
                        : "group " + gid) + String.format(" (mode %04o)", mode & 07777));
            }
        }
        return Optional.empty();
    }
}
