package io.lvs4j.director.ipvsadm;

import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.SyncDaemon;
import io.lvs4j.Timeouts;
import io.lvs4j.VirtualService;
import java.net.InetAddress;

/**
 * One command of ipvsadm's rules format ({@code ipvsadm -S} output, {@code ipvsadm -R} input),
 * with the line it came from.
 */
public final class IpvsadmRule {
    /** What the line asks for. */
    public enum Op {
        ADD_SERVICE, EDIT_SERVICE, DELETE_SERVICE, CLEAR, ADD_SERVER, EDIT_SERVER, DELETE_SERVER, ZERO,
        SET_TIMEOUTS, START_DAEMON, STOP_DAEMON
    }

    private final int line;
    private final Op op;
    private final ServiceKey key;
    private final VirtualService service;
    private final RealServer server;
    private final InetAddress serverAddress;
    private final int serverPort;
    private final Timeouts timeouts;
    private final SyncDaemon daemon;
    private final SyncDaemon.Role daemonRole;

    IpvsadmRule(int line, Op op, ServiceKey key, VirtualService service, RealServer server, InetAddress serverAddress,
            int serverPort, Timeouts timeouts, SyncDaemon daemon, SyncDaemon.Role daemonRole) {
        this.line = line;
        this.op = op;
        this.key = key;
        this.service = service;
        this.server = server;
        this.serverAddress = serverAddress;
        this.serverPort = serverPort;
        this.timeouts = timeouts;
        this.daemon = daemon;
        this.daemonRole = daemonRole;
    }

    /** 1-based line number in the input. */
    public int line() {
        return line;
    }

    public Op op() {
        return op;
    }

    /** The service the command is about; {@code null} for CLEAR, SET_TIMEOUTS, daemons, and ZERO of all. */
    public ServiceKey key() {
        return key;
    }

    /** For ADD_SERVICE and EDIT_SERVICE: the service settings (no real servers). */
    public VirtualService service() {
        return service;
    }

    /** For ADD_SERVER and EDIT_SERVER: the real server, port resolved. */
    public RealServer server() {
        return server;
    }

    /** For DELETE_SERVER: the address. */
    public InetAddress serverAddress() {
        return serverAddress;
    }

    /** For DELETE_SERVER: the port. */
    public int serverPort() {
        return serverPort;
    }

    public Timeouts timeouts() {
        return timeouts;
    }

    public SyncDaemon daemon() {
        return daemon;
    }

    /** For STOP_DAEMON: which daemon. */
    public SyncDaemon.Role daemonRole() {
        return daemonRole;
    }

    @Override
    public String toString() {
        return "line " + line + ": " + op + (key != null ? " " + key : "")
                + (server != null ? " " + server.endpoint() : "")
                + (serverAddress != null ? " " + io.lvs4j.internal.Addresses.endpoint(serverAddress, serverPort) : "");
    }
}
