package io.lvs4j;

import java.util.Objects;

/**
 * One step from one IPVS state to another: what a reconcile sends to the kernel. Immutable.
 */
public final class Change {
    /** The kind of step; each maps to one IPVS command. */
    public enum Kind {
        /** {@code IPVS_CMD_NEW_SERVICE}, without real servers. */
        ADD_SERVICE,
        /** {@code IPVS_CMD_SET_SERVICE}: scheduler, flags, persistence. */
        EDIT_SERVICE,
        /** {@code IPVS_CMD_NEW_DEST}. */
        ADD_SERVER,
        /** {@code IPVS_CMD_SET_DEST}: weight, forwarding, thresholds, tunnel. */
        EDIT_SERVER,
        /** {@code IPVS_CMD_DEL_DEST}. */
        REMOVE_SERVER,
        /** {@code IPVS_CMD_DEL_SERVICE}, with its real servers. */
        REMOVE_SERVICE,
        /** {@code IPVS_CMD_SET_CONFIG}. */
        SET_TIMEOUTS
    }

    private final Kind kind;
    private final VirtualService service;
    private final RealServer server;
    private final RealServer previous;
    private final Timeouts timeouts;

    private Change(Kind kind, VirtualService service, RealServer server, RealServer previous, Timeouts timeouts) {
        this.kind = kind;
        this.service = service;
        this.server = server;
        this.previous = previous;
        this.timeouts = timeouts;
    }

    public static Change addService(VirtualService service) {
        return new Change(Kind.ADD_SERVICE, service, null, null, null);
    }

    public static Change editService(VirtualService service) {
        return new Change(Kind.EDIT_SERVICE, service, null, null, null);
    }

    public static Change removeService(VirtualService service) {
        return new Change(Kind.REMOVE_SERVICE, service, null, null, null);
    }

    public static Change addServer(VirtualService service, RealServer server) {
        return new Change(Kind.ADD_SERVER, service, server, null, null);
    }

    public static Change editServer(VirtualService service, RealServer server, RealServer previous) {
        return new Change(Kind.EDIT_SERVER, service, server, previous, null);
    }

    public static Change removeServer(VirtualService service, RealServer server) {
        return new Change(Kind.REMOVE_SERVER, service, null, server, null);
    }

    public static Change setTimeouts(Timeouts timeouts) {
        return new Change(Kind.SET_TIMEOUTS, null, null, null, timeouts);
    }

    public Kind kind() {
        return kind;
    }

    /** The service the step is about (its desired settings, or the removed one); null for timeouts. */
    public VirtualService service() {
        return service;
    }

    /** The key of {@link #service()}; null for timeouts. */
    public ServiceKey key() {
        return service == null ? null : service.key();
    }

    /** The real server as it should be after the step (add, edit); null otherwise. */
    public RealServer server() {
        return server;
    }

    /** The real server as it was before the step (edit, remove); null otherwise. */
    public RealServer previous() {
        return previous;
    }

    public Timeouts timeouts() {
        return timeouts;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Change)) {
            return false;
        }
        Change c = (Change) o;
        return kind == c.kind && Objects.equals(service, c.service) && Objects.equals(server, c.server)
                && Objects.equals(previous, c.previous) && Objects.equals(timeouts, c.timeouts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, service, server, previous, timeouts);
    }

    /** e.g. {@code EDIT_SERVER TCP 192.0.2.10:80 -> 10.0.0.2:80 weight 3 -> 0}. */
    @Override
    public String toString() {
        switch (kind) {
            case ADD_SERVICE:
            case EDIT_SERVICE:
            case REMOVE_SERVICE:
                return kind + " " + service.key();
            case ADD_SERVER:
                return kind + " " + service.key() + " -> " + server.endpoint();
            case EDIT_SERVER:
                return kind + " " + service.key() + " -> " + server.endpoint()
                        + (server.weight() != previous.weight() ? " weight " + previous.weight() + " -> " + server.weight() : "");
            case REMOVE_SERVER:
                return kind + " " + service.key() + " -> " + previous.endpoint();
            default:
                return kind + " " + timeouts;
        }
    }
}
