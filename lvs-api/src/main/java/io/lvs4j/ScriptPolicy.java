package io.lvs4j;

import io.lvs4j.internal.Preconditions;
import io.lvs4j.internal.UserDatabase;
import java.util.Objects;
import java.util.Optional;

/**
 * How the director's scripts (MISC_CHECK, vrrp_script, notify, quorum_up/down) run, as keepalived's
 * {@code script_user} and {@code enable_script_security} say: the user (and group) a script without
 * a user of its own runs as, and whether a script that a non-root user could change is refused.
 *
 * <p>Without a {@link Builder#scriptUser user}, scripts run as {@code keepalived_script} when that
 * user exists on the host, else as root (keepalived's default, with its warning that the user
 * should be created). Every script runs in a process group of its own, with stdin from
 * {@code /dev/null} and a minimal environment, and is killed with its group on timeout and when the
 * director dies.
 *
 * <pre>{@code
 * ScriptPolicy p = ScriptPolicy.builder().scriptUser("nobody").scriptSecurity(true).build();
 * }</pre>
 */
public final class ScriptPolicy {
    /** The user keepalived runs scripts as when it exists and no {@code script_user} is given. */
    public static final String DEFAULT_USER = "keepalived_script";

    private static final ScriptPolicy DEFAULTS = new ScriptPolicy(null, null, false);

    private final String user;
    private final String group;
    private final boolean security;

    private ScriptPolicy(String user, String group, boolean security) {
        this.user = user;
        this.group = group;
        this.security = security;
    }

    /** keepalived's defaults: {@value #DEFAULT_USER} if it exists, else root; no script security. */
    public static ScriptPolicy defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.user = user;
        b.group = group;
        b.security = security;
        return b;
    }

    /** The user given with {@code script_user}; empty: keepalived's default (see the class). */
    public Optional<String> scriptUser() {
        return Optional.ofNullable(user);
    }

    /** The group given with {@code script_user USER GROUP}; empty: the user's primary group. */
    public Optional<String> scriptGroup() {
        return Optional.ofNullable(group);
    }

    /** {@code enable_script_security}: unsafe scripts are refused (else only warned about). */
    public boolean scriptSecurity() {
        return security;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScriptPolicy p && Objects.equals(user, p.user) && Objects.equals(group, p.group)
                && security == p.security;
    }

    @Override
    public int hashCode() {
        return Objects.hash(user, group, security);
    }

    @Override
    public String toString() {
        return "ScriptPolicy[script_user=" + (user == null ? "(default)" : user + (group == null ? "" : " " + group))
                + (security ? " enable_script_security" : "") + "]";
    }

    /** Builder: names are checked against the host's users and groups at once. */
    public static final class Builder {
        private String user;
        private String group;
        private boolean security;

        private Builder() {}

        /** {@code script_user USER}: a user on this host (name or uid); its primary group. */
        public Builder scriptUser(String user) {
            this.user = checkUser(user, "script_user");
            this.group = null;
            return this;
        }

        /** {@code script_user USER GROUP}: a user and a group on this host. */
        public Builder scriptUser(String user, String group) {
            String u = checkUser(user, "script_user");
            this.group = checkGroup(group, "script_user " + user + " group");
            this.user = u;
            return this;
        }

        /** {@code enable_script_security}; false by default. */
        public Builder scriptSecurity(boolean security) {
            this.security = security;
            return this;
        }

        public ScriptPolicy build() {
            return new ScriptPolicy(user, group, security);
        }
    }

    /** {@code user}, checked to exist on this host; {@code setting} names it in the message. */
    public static String checkUser(String user, String setting) {
        Preconditions.checkNotNull(user, setting);
        Preconditions.checkArgument(UserDatabase.user(user).isPresent(), setting, user, "a user on this host");
        return user;
    }

    /** {@code group}, checked to exist on this host; {@code setting} names it in the message. */
    public static String checkGroup(String group, String setting) {
        Preconditions.checkNotNull(group, setting);
        Preconditions.checkArgument(UserDatabase.group(group).isPresent(), setting, group, "a group on this host");
        return group;
    }
}
