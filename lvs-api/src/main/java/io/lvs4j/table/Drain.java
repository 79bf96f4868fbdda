package io.lvs4j.table;

import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.internal.Preconditions;

/**
 * A real server a {@link Reconciler} is draining: removed from the desired configuration, set to
 * weight 0 so it gets no new connections, and deleted once its active and inactive connections
 * reach 0 or its deadline passes.
 *
 * @param service the service it belongs to
 * @param server the real server as it was before it was set to weight 0
 */
public record Drain(ServiceKey service, RealServer server) {
    public Drain {
        Preconditions.checkNotNull(service, "service key");
        Preconditions.checkNotNull(server, "real server");
    }

    @Override
    public String toString() {
        return "Drain[" + service + " -> " + server.endpoint() + "]";
    }
}
