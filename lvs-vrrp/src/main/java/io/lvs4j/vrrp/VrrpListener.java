package io.lvs4j.vrrp;

/** Receives a router's events on the scheduler's thread; must not block. */
@FunctionalInterface
public interface VrrpListener {
    void onEvent(VrrpEvent event);
}
