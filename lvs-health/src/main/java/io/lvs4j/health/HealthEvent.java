package io.lvs4j.health;

import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;

/**
 * Something the monitor decided, in order: {@link #sequence()} grows by one per event of a
 * monitor, and listeners see events in that order on the monitor's thread, each with the
 * {@link HealthView} that results ({@link HealthListener}).
 *
 * @param sequence 1, 2, ... per monitor
 * @param nanos the monitor's ticker when it happened
 * @param type what happened
 * @param service the virtual service
 * @param realServer the real server concerned (its configured settings), or null for quorum events
 * @param weight the weight health wants for the real server (or sorry server) after the event, as in
 *     the view: -1 when it wants it out of the service
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
        /** The sorry server takes the traffic (quorum lost). */
        SORRY_SERVER_ON,
        /** The sorry server leaves the service, or drops to weight 0 with {@code sorry_server_inhibit} (quorum regained). */
        SORRY_SERVER_OFF,
        /** A quorum hook threw; the detail says which and what. */
        ACTION_FAILED,
        /**
         * A check had no result when the clock had to go on: on a virtual clock, a real check that
         * ran longer than its policy's watchdog in real time. It counts as a failed check
         * ({@code cause}); the real server's state follows as its policy says.
         */
        CHECK_LATE
    }

    @Override
    public String toString() {
        return "#" + sequence + " " + type + " " + service + (realServer == null ? "" : " " + realServer.endpoint())
                + (weight >= 0 ? " weight " + weight : "") + ": " + detail;
    }
}
