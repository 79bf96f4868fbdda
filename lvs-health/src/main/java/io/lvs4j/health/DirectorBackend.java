package io.lvs4j.health;

import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import java.net.InetAddress;

/**
 * What health actions change: the real servers of virtual services. The kernel implementation is a
 * thin adapter over {@code io.lvs4j.netlink.Ipvs} (same three operations); {@link InMemoryDirectorBackend}
 * is the in-memory one. Calls come from the monitor's thread, one at a time, in event order, and
 * must not block for long.
 */
public interface DirectorBackend {
    /** Adds the real server, with its weight, to the service. */
    void addRealServer(ServiceKey service, RealServer realServer) throws BackendException;

    /** Changes a present real server's settings (its weight, here). */
    void updateRealServer(ServiceKey service, RealServer realServer) throws BackendException;

    /** Removes the real server from the service. */
    void removeRealServer(ServiceKey service, InetAddress address, int port) throws BackendException;
}
