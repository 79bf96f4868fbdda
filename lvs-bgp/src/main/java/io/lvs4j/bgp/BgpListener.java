package io.lvs4j.bgp;

/** Receives a speaker's {@link BgpEvent}s in order, on its scheduler thread; must not block. */
@FunctionalInterface
public interface BgpListener {
    void onEvent(BgpEvent event);
}
