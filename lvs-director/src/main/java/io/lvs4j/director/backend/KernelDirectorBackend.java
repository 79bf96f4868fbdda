package io.lvs4j.director.backend;

import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.health.BackendException;
import io.lvs4j.health.DirectorBackend;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.netlink.Ipvs;
import io.lvs4j.table.IpvsException;
import java.net.InetAddress;

/**
 * The {@link DirectorBackend} of the kernel: each action is one IPVS netlink command on the given
 * {@link Ipvs} handle, which the caller opens (in the namespace it wants) and closes. A refused
 * command becomes a {@link BackendException} with the kernel's errno and the whole
 * {@link IpvsException} message (command, errno, object, the kernel's words), e.g.
 * {@code IPVS_CMD_NEW_DEST failed: File exists (errno 17) for ...}; the kernel applied nothing.
 */
public final class KernelDirectorBackend implements DirectorBackend {
    private final Ipvs ipvs;

    private KernelDirectorBackend(Ipvs ipvs) {
        this.ipvs = ipvs;
    }

    /** A backend over {@code ipvs}; the handle stays the caller's to close. */
    public static KernelDirectorBackend over(Ipvs ipvs) {
        return new KernelDirectorBackend(Preconditions.checkNotNull(ipvs, "ipvs"));
    }

    @Override
    public void addRealServer(ServiceKey service, RealServer realServer) throws BackendException {
        Preconditions.checkNotNull(service, "service");
        Preconditions.checkNotNull(realServer, "realServer");
        try {
            ipvs.addRealServer(service, realServer);
        } catch (IpvsException e) {
            throw translate(e);
        }
    }

    @Override
    public void updateRealServer(ServiceKey service, RealServer realServer) throws BackendException {
        Preconditions.checkNotNull(service, "service");
        Preconditions.checkNotNull(realServer, "realServer");
        try {
            ipvs.updateRealServer(service, realServer);
        } catch (IpvsException e) {
            throw translate(e);
        }
    }

    @Override
    public void removeRealServer(ServiceKey service, InetAddress address, int port) throws BackendException {
        Preconditions.checkNotNull(service, "service");
        Preconditions.checkNotNull(address, "address");
        try {
            ipvs.removeRealServer(service, address, port);
        } catch (IpvsException e) {
            throw translate(e);
        }
    }

    private static BackendException translate(IpvsException e) {
        return new BackendException(e.getMessage(), e.errno(), e);
    }

    @Override
    public String toString() {
        return "KernelDirectorBackend[" + (ipvs.namespace() == null ? "current namespace" : "netns " + ipvs.namespace()) + "]";
    }
}
