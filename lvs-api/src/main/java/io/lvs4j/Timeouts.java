package io.lvs4j;

import io.lvs4j.internal.Preconditions;
import java.time.Duration;
import java.util.Objects;

/**
 * The kernel's global connection timeouts ({@code ipvsadm --set tcp tcpfin udp}). A zero
 * timeout leaves the kernel's value unchanged, as ipvsadm does.
 */
public final class Timeouts {
    /** Leaves every timeout as the kernel has it. */
    public static final Timeouts UNCHANGED = new Timeouts(0, 0, 0);

    private final int tcp;
    private final int tcpFin;
    private final int udp;

    private Timeouts(int tcp, int tcpFin, int udp) {
        this.tcp = tcp;
        this.tcpFin = tcpFin;
        this.udp = udp;
    }

    /** Timeouts in seconds, each 0 (unchanged) to 31 days. */
    public static Timeouts ofSeconds(int tcp, int tcpFin, int udp) {
        return new Timeouts(check(tcp, "tcp timeout"), check(tcpFin, "tcpfin timeout"), check(udp, "udp timeout"));
    }

    public static Timeouts of(Duration tcp, Duration tcpFin, Duration udp) {
        return ofSeconds(seconds(tcp, "tcp timeout"), seconds(tcpFin, "tcpfin timeout"), seconds(udp, "udp timeout"));
    }

    private static int check(int seconds, String name) {
        return Preconditions.checkInRange(seconds, 0, VirtualService.MAX_TIMEOUT_SECONDS, name);
    }

    private static int seconds(Duration d, String name) {
        Preconditions.checkNotNull(d, name);
        Preconditions.checkArgument(d.getNano() == 0 && !d.isNegative() && d.getSeconds() <= VirtualService.MAX_TIMEOUT_SECONDS,
                name, d, "whole seconds, 0.." + VirtualService.MAX_TIMEOUT_SECONDS + " s");
        return (int) d.getSeconds();
    }

    /** TCP established timeout in seconds; 0 means unchanged. */
    public int tcpSeconds() {
        return tcp;
    }

    /** TCP FIN_WAIT timeout in seconds; 0 means unchanged. */
    public int tcpFinSeconds() {
        return tcpFin;
    }

    /** UDP timeout in seconds; 0 means unchanged. */
    public int udpSeconds() {
        return udp;
    }

    public Timeouts withTcp(int seconds) {
        return ofSeconds(seconds, tcpFin, udp);
    }

    public Timeouts withTcpFin(int seconds) {
        return ofSeconds(tcp, seconds, udp);
    }

    public Timeouts withUdp(int seconds) {
        return ofSeconds(tcp, tcpFin, seconds);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Timeouts && ((Timeouts) o).tcp == tcp && ((Timeouts) o).tcpFin == tcpFin
                && ((Timeouts) o).udp == udp;
    }

    @Override
    public int hashCode() {
        return Objects.hash(tcp, tcpFin, udp);
    }

    @Override
    public String toString() {
        return "Timeouts{tcp=" + tcp + "s tcpfin=" + tcpFin + "s udp=" + udp + "s}";
    }
}
