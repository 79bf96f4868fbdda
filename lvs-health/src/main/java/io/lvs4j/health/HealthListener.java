package io.lvs4j.health;

/** Receives {@link HealthEvent}s in order, on the monitor's thread; must return quickly and not throw. */
@FunctionalInterface
public interface HealthListener {
    void onEvent(HealthEvent event);
}
