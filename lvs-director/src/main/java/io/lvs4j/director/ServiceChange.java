package io.lvs4j.director;

import io.lvs4j.ServiceKey;
import io.lvs4j.internal.Preconditions;

/**
 * One service a reload changed ({@link DirectorEvent.ConfigApplied#servicesChanged()}): added,
 * changed in its settings or real servers, or removed. {@link #toString()} reads as
 * {@code +TCP 192.0.2.10:80}, {@code ~TCP 192.0.2.10:80}, {@code -TCP 192.0.2.10:80}.
 *
 * @param kind what happened to it
 * @param service the service's key
 */
public record ServiceChange(Kind kind, ServiceKey service) {
    /** What a reload did to a service. */
    public enum Kind {
        /** New in the configuration. */
        ADDED('+'),
        /** Kept, with other settings or real servers. */
        CHANGED('~'),
        /** No longer in the configuration. */
        REMOVED('-');

        private final char symbol;

        Kind(char symbol) {
            this.symbol = symbol;
        }

        /** {@code +}, {@code ~} or {@code -}, as {@link ServiceChange#toString()} writes it. */
        public char symbol() {
            return symbol;
        }
    }

    /** Checks both components. */
    public ServiceChange {
        Preconditions.checkNotNull(kind, "kind");
        Preconditions.checkNotNull(service, "service");
    }

    /** A service the reload added. */
    public static ServiceChange added(ServiceKey service) {
        return new ServiceChange(Kind.ADDED, service);
    }

    /** A service the reload changed. */
    public static ServiceChange changed(ServiceKey service) {
        return new ServiceChange(Kind.CHANGED, service);
    }

    /** A service the reload removed. */
    public static ServiceChange removed(ServiceKey service) {
        return new ServiceChange(Kind.REMOVED, service);
    }

    /** {@code +TCP 192.0.2.10:80} (added), {@code ~...} (changed), {@code -...} (removed). */
    @Override
    public String toString() {
        return kind.symbol + service.toString();
    }
}
