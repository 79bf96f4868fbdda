package io.lvs4j.health;

import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A table that follows the monitor's views, as a director's would: each service holds what its
 * {@link ServiceView#inService()} says, in the order the real servers came in. Records what
 * changed from one view to the next as
 * {@code add 10.0.0.1:80 weight 5}, {@code update ... weight N} and {@code remove ...}, per
 * service in the view's order, real servers in the service's order then the sorry server. Thread-safe.
 */
final class ViewTable implements HealthListener {
    private final Map<ServiceKey, Map<String, RealServer>> table = new LinkedHashMap<>();
    private final List<String> operations = new ArrayList<>();
    private HealthView last = HealthView.EMPTY;

    @Override
    public synchronized void onChange(HealthView view, List<HealthEvent> events) {
        for (ServiceView s : view.services()) {
            Map<String, RealServer> want = new LinkedHashMap<>();
            for (RealServer r : s.inService()) {
                want.put(r.endpoint(), r);
            }
            Map<String, RealServer> t = table.computeIfAbsent(s.key(), k -> new LinkedHashMap<>());
            List<RealServerView> all = new ArrayList<>(s.realServers());
            s.sorryServer().ifPresent(all::add);
            for (RealServerView v : all) {
                String e = v.realServer().endpoint();
                RealServer was = t.get(e);
                RealServer now = want.get(e);
                if (was == null && now != null) {
                    operations.add("add " + e + " weight " + now.weight());
                    t.put(e, now);
                } else if (was != null && now == null) {
                    operations.add("remove " + e);
                    t.remove(e);
                } else if (was != null && was.weight() != now.weight()) {
                    operations.add("update " + e + " weight " + now.weight());
                    t.put(e, now);
                }
            }
            for (String e : List.copyOf(t.keySet())) {
                if (!want.containsKey(e)) {
                    operations.add("remove " + e); // no longer configured
                    t.remove(e);
                }
            }
        }
        for (ServiceKey k : List.copyOf(table.keySet())) {
            if (view.service(k).isEmpty()) {
                table.remove(k).keySet().forEach(e -> operations.add("remove " + e));
            }
        }
        last = view;
    }

    /** The service's real servers as the last view wants them (none for a service not watched). */
    synchronized List<RealServer> realServers(ServiceKey service) {
        return List.copyOf(table.getOrDefault(service, Map.of()).values());
    }

    synchronized List<String> operations() {
        return List.copyOf(operations);
    }

    synchronized HealthView last() {
        return last;
    }
}
