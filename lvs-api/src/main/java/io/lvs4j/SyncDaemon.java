package io.lvs4j;

import io.lvs4j.internal.Addresses;
import io.lvs4j.internal.Preconditions;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * A connection-synchronisation daemon of the kernel ({@code ipvsadm --start-daemon}). Immutable.
 * Zero for a numeric setting and an absent group mean "the kernel's default".
 */
public final class SyncDaemon {
    /** Master sends, backup receives. */
    public enum Role {
        MASTER(1, "master"),
        BACKUP(2, "backup");

        private final int kernelState;
        private final String ipvsadmName;

        Role(int kernelState, String ipvsadmName) {
            this.kernelState = kernelState;
            this.ipvsadmName = ipvsadmName;
        }

        /** {@code IP_VS_STATE_MASTER} (1) or {@code IP_VS_STATE_BACKUP} (2). */
        public int kernelState() {
            return kernelState;
        }

        public String ipvsadmName() {
            return ipvsadmName;
        }

        public static Role of(String name) {
            Preconditions.checkNotNull(name, "sync daemon state");
            for (Role r : values()) {
                if (r.ipvsadmName.equalsIgnoreCase(name.trim())) {
                    return r;
                }
            }
            throw Preconditions.invalid("sync daemon state", name, "master or backup");
        }

        public static Role ofKernelState(int state) {
            for (Role r : values()) {
                if (r.kernelState == state) {
                    return r;
                }
            }
            throw Preconditions.invalid("sync daemon state", state, "1 (master) or 2 (backup)");
        }
    }

    /** The longest interface name ({@code IP_VS_IFNAME_MAXLEN} - 1). */
    public static final int MAX_INTERFACE_NAME = 15;

    private final Role role;
    private final String interfaceName;
    private final int syncId;
    private final int maxLength;
    private final InetAddress group;
    private final int port;
    private final int ttl;

    private SyncDaemon(Builder b) {
        this.role = b.role;
        this.interfaceName = b.interfaceName;
        this.syncId = b.syncId;
        this.maxLength = b.maxLength;
        this.group = b.group;
        this.port = b.port;
        this.ttl = b.ttl;
    }

    /** A daemon of that role multicasting on that interface. */
    public static Builder builder(Role role, String interfaceName) {
        return new Builder(role, interfaceName);
    }

    public Role role() {
        return role;
    }

    public String interfaceName() {
        return interfaceName;
    }

    /** 0..255. */
    public int syncId() {
        return syncId;
    }

    /** Largest sync message payload; 0 for the kernel's default. */
    public int maxLength() {
        return maxLength;
    }

    /** The multicast group, if not the default 224.0.0.81. */
    public Optional<InetAddress> group() {
        return Optional.ofNullable(group);
    }

    /** The UDP port; 0 for the default 8848. */
    public int port() {
        return port;
    }

    /** The multicast TTL; 0 for the default 1. */
    public int ttl() {
        return ttl;
    }

    public Builder toBuilder() {
        Builder b = new Builder(role, interfaceName);
        b.syncId = syncId;
        b.maxLength = maxLength;
        b.group = group;
        b.port = port;
        b.ttl = ttl;
        return b;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SyncDaemon)) {
            return false;
        }
        SyncDaemon d = (SyncDaemon) o;
        return role == d.role && interfaceName.equals(d.interfaceName) && syncId == d.syncId
                && maxLength == d.maxLength && Objects.equals(group, d.group) && port == d.port && ttl == d.ttl;
    }

    @Override
    public int hashCode() {
        return Objects.hash(role, interfaceName, syncId, maxLength, group, port, ttl);
    }

    @Override
    public String toString() {
        return "SyncDaemon{" + role.ipvsadmName + " " + interfaceName + " syncid=" + syncId
                + (maxLength != 0 ? " maxlen=" + maxLength : "")
                + (group != null ? " group=" + Addresses.format(group) : "")
                + (port != 0 ? " port=" + port : "") + (ttl != 0 ? " ttl=" + ttl : "") + "}";
    }

    /** Builds a {@link SyncDaemon}. */
    public static final class Builder {
        private final Role role;
        private final String interfaceName;
        private int syncId;
        private int maxLength;
        private InetAddress group;
        private int port;
        private int ttl;

        Builder(Role role, String interfaceName) {
            this.role = Preconditions.checkNotNull(role, "sync daemon state");
            Preconditions.checkNotNull(interfaceName, "mcast interface");
            Preconditions.checkArgument(!interfaceName.isEmpty() && interfaceName.length() <= MAX_INTERFACE_NAME
                    && interfaceName.chars().noneMatch(c -> c == '/' || c <= ' '), "mcast interface", interfaceName,
                    "an interface name of 1.." + MAX_INTERFACE_NAME + " characters");
            this.interfaceName = interfaceName;
        }

        public Builder syncId(int id) {
            this.syncId = Preconditions.checkInRange(id, 0, 255, "syncid");
            return this;
        }

        /** Largest sync payload in bytes, 1..65535 (the kernel caps it at the interface MTU). */
        public Builder maxLength(int bytes) {
            this.maxLength = Preconditions.checkInRange(bytes, 1, 65535, "sync maxlen");
            return this;
        }

        public Builder group(String address) {
            InetAddress a = Addresses.parse(address, "mcast group");
            Preconditions.checkArgument(a.isMulticastAddress(), "mcast group", address, "a multicast address");
            this.group = a;
            return this;
        }

        public Builder port(int port) {
            this.port = Preconditions.checkInRange(port, 1, 65535, "mcast port");
            return this;
        }

        public Builder ttl(int ttl) {
            this.ttl = Preconditions.checkInRange(ttl, 1, 255, "mcast ttl");
            return this;
        }

        public SyncDaemon build() {
            return new SyncDaemon(this);
        }
    }
}
