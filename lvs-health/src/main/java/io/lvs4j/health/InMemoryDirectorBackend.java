package io.lvs4j.health;

import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.internal.Addresses;
import io.lvs4j.internal.Preconditions;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link DirectorBackend} in memory, with the kernel's rules: a service must exist, a real server
 * is added once, updated and removed only when present; failures carry the errno the kernel gives
 * (ESRCH for a missing service, EEXIST, ENOENT). Records each applied operation. Thread-safe.
 */
public final class InMemoryDirectorBackend implements DirectorBackend {
    private final Map<ServiceKey, Map<String, RealServer>> services = new LinkedHashMap<>();
    private final List<String> operations = new ArrayList<>();

    private static final int ENOENT = 2;
    private static final int ESRCH = 3;
    private static final int EEXIST = 17;

    /** Adds an empty service. */
    public synchronized void addService(ServiceKey service) {
        Preconditions.checkNotNull(service, "service");
        Preconditions.checkState(!services.containsKey(service), "service", service.toString(), "not yet added");
        services.put(service, new LinkedHashMap<>());
    }

    /** The real servers of the service, in the order added. */
    public synchronized List<RealServer> realServers(ServiceKey service) {
        Map<String, RealServer> m = services.get(service);
        Preconditions.checkState(m != null, "service", String.valueOf(service), "an added service");
        return List.copyOf(m.values());
    }

    /** The operations applied so far, e.g. {@code remove 127.0.0.1:80}. */
    public synchronized List<String> operations() {
        return List.copyOf(operations);
    }

    private Map<String, RealServer> table(ServiceKey service, String op) throws BackendException {
        Map<String, RealServer> m = services.get(service);
        if (m == null) {
            throw new BackendException(op + " failed: No such process (errno 3) for " + service, ESRCH, null);
        }
        return m;
    }

    @Override
    public synchronized void addRealServer(ServiceKey service, RealServer rs) throws BackendException {
        Map<String, RealServer> m = table(service, "add");
        if (m.containsKey(rs.endpoint())) {
            throw new BackendException("add failed: File exists (errno 17) for " + rs.endpoint() + " in " + service, EEXIST, null);
        }
        m.put(rs.endpoint(), rs);
        operations.add("add " + rs.endpoint() + " weight " + rs.weight());
    }

    @Override
    public synchronized void updateRealServer(ServiceKey service, RealServer rs) throws BackendException {
        Map<String, RealServer> m = table(service, "update");
        if (!m.containsKey(rs.endpoint())) {
            throw new BackendException("update failed: No such file or directory (errno 2) for " + rs.endpoint() + " in " + service,
                    ENOENT, null);
        }
        m.put(rs.endpoint(), rs);
        operations.add("update " + rs.endpoint() + " weight " + rs.weight());
    }

    @Override
    public synchronized void removeRealServer(ServiceKey service, InetAddress address, int port) throws BackendException {
        Map<String, RealServer> m = table(service, "remove");
        String key = Addresses.endpoint(address, port);
        if (m.remove(key) == null) {
            throw new BackendException("remove failed: No such file or directory (errno 2) for " + key + " in " + service,
                    ENOENT, null);
        }
        operations.add("remove " + key);
    }
}
