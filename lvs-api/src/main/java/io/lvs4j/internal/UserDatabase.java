package io.lvs4j.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Users and groups as the system's name service knows them ({@code getent passwd|group}, so
 * {@code /etc/passwd} and whatever NSS adds). Used to check a script's {@code user}/{@code group}
 * when the configuration is read, before anything runs.
 */
public final class UserDatabase {
    private UserDatabase() {}

    /** A user's uid and primary gid. */
    public record User(String name, int uid, int gid) {}

    /** The user of that name (or numeric uid), if it exists. */
    public static Optional<User> user(String name) {
        Preconditions.checkNotNull(name, "user");
        return getent("passwd", name).map(f -> new User(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3])));
    }

    /** The gid of the group of that name (or numeric gid), if it exists. */
    public static Optional<Integer> group(String name) {
        Preconditions.checkNotNull(name, "group");
        return getent("group", name).map(f -> Integer.parseInt(f[2]));
    }

    /** The name of the user's primary group, if the user exists. */
    public static Optional<String> primaryGroup(String user) {
        return user(user).flatMap(u -> getent("group", Integer.toString(u.gid())).map(f -> f[0]));
    }

    private static Optional<String[]> getent(String database, String key) {
        if (key.isEmpty() || key.contains(":") || key.contains("\n") || key.startsWith("-")) {
            return Optional.empty();
        }
        try {
            Process p = new ProcessBuilder("getent", database, key).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            if (p.exitValue() != 0 || out.isEmpty()) {
                return Optional.empty();
            }
            String[] f = out.split("\n")[0].split(":", -1);
            return f.length >= 3 ? Optional.of(f) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
