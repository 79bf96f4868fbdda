package io.lvs4j.director;

/**
 * Receives a {@link Director}'s events, one at a time, in order, on the director's thread. It must
 * not block; what it throws is logged and ignored.
 */
@FunctionalInterface
public interface DirectorListener {
    void onEvent(DirectorEvent event);
}
