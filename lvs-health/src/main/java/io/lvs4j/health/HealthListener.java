package io.lvs4j.health;

import java.util.List;

/**
 * Receives the monitor's {@link HealthView} after each change, with the events of that change, on
 * the monitor's thread; must return quickly and not throw. The events of successive calls follow
 * each other without gaps ({@link HealthEvent#sequence()} grows by one per event); a change made
 * by configuration ({@link HealthMonitor#putService}, {@link HealthMonitor#removeService}) comes
 * with no events.
 */
@FunctionalInterface
public interface HealthListener {
    /**
     * @param view what health wants now
     * @param events what happened since the previous view, in order (possibly none)
     */
    void onChange(HealthView view, List<HealthEvent> events);
}
