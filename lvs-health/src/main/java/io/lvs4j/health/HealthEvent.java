package io.lvs4j.health;

import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;

/**
 * Something the monitor decided or did, in order: {@link #sequence()} grows by one per event of a
 * monitor, and listeners see events in that order on the monitor's thread.
 *
 * @param sequence 1, 2, ... per monitor
 * @param nanos the monitor's ticker when it happened
 * @param type what happened
 * @param service the virtual service
 * @param realServer the real server concerned (its configured settings), or null for quorum events
 * @param weight the weight now in the backend, or -1 when the real server is not there
 * @param cause the check result that caused it, or null
 * @param checker the checker that produced {@code cause}, or null
 * @param detail a sentence for logs
 */
public record HealthEvent(long sequence, long nanos, Type type, ServiceKey service, RealServer realServer, int weight,
        CheckResult cause, String checker, String detail) {
    /** The kinds of event. */
    public enum Type {
        /** Every checker of the real server passes again. */
        REAL_SERVER_UP,
        /** A checker of the real server failed as its policy says. */
        REAL_SERVER_DOWN,
        /** The weight changed without a state change (dynamic weight, slow start). */
        WEIGHT_CHANGED,
        /** The live weight reached quorum + hysteresis. */
        QUORUM_UP,
        /** The live weight fell below quorum - hysteresis. */
        QUORUM_DOWN,
        /** The sorry server was added to the service. */
        SORRY_SERVER_ON,
        /** The sorry server was removed from the service. */
        SORRY_SERVER_OFF,
        /** A backend change or a hook failed; the detail says which. */
        ACTION_FAILED
    }

    @Override
    public String toString() {
        return "#" + sequence + " " + type + " " + service + (realServer == null ? "" : " " + realServer.endpoint())
                + (weight >= 0 ? " weight " + weight : "") + ": " + detail;
    }
}
