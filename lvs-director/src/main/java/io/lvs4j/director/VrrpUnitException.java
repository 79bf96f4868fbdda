package io.lvs4j.director;

import io.lvs4j.netlink.InterfaceException;

/**
 * A VRRP unit of a new configuration (a sync group with its instances, or a lone instance) could
 * not be built: an interface or socket the host refused. {@link #unit()} names it
 * ({@code VI_1}, or {@code group G1}); {@link #operation()}, {@link #object()} and
 * {@link #errno()} are the host's. {@link Director#apply} builds every new unit before it stops
 * any running one, so when it throws this, nothing was changed: the running units, services and
 * sync daemon are as they were.
 */
public final class VrrpUnitException extends InterfaceException {
    private static final long serialVersionUID = 1L;

    private final String unit;

    VrrpUnitException(String unit, InterfaceException cause) {
        super("VRRP " + unit + " cannot start: " + cause.getMessage() + "; nothing was changed", cause);
        this.unit = unit;
    }

    /** The unit: the instance's name, or {@code group NAME} for a sync group. */
    public String unit() {
        return unit;
    }
}
