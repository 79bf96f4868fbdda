package io.lvs4j.vrrp;

/** An interface's link state (from rtnetlink link events later; set by hand in tests). */
public final class InterfaceTracker extends Tracker {
    public InterfaceTracker(String interfaceName, boolean linkUp) {
        super(interfaceName, linkUp);
    }

    /** Reports the link up or down. */
    public void linkUp(boolean up) {
        setState(up);
    }

    @Override
    int defaultWeight() {
        return 0;
    }

    @Override
    boolean defaultReverse() {
        return false;
    }
}
