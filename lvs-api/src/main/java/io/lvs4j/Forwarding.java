package io.lvs4j;

/**
 * How the director forwards packets to a real server (the {@code IP_VS_CONN_F_FWD_MASK} bits).
 */
public enum Forwarding {
    /** NAT: masquerading ({@code -m}, keepalived {@code lb_kind NAT}). */
    MASQ(0, "-m", "Masq", "NAT"),
    /**
     * The real server is an address of the director itself. The kernel turns masquerading into
     * this when the address is local; ipvsadm prints it as {@code Local}.
     */
    LOCAL(1, "-m", "Local", "NAT"),
    /** IP-in-IP tunnelling ({@code -i}, keepalived {@code lb_kind TUN}). */
    TUNNEL(2, "-i", "Tunnel", "TUN"),
    /** Direct routing, the ipvsadm default ({@code -g}, keepalived {@code lb_kind DR}). */
    ROUTE(3, "-g", "Route", "DR");

    private final int kernelValue;
    private final String ipvsadmOption;
    private final String ipvsadmName;
    private final String keepalivedName;

    Forwarding(int kernelValue, String ipvsadmOption, String ipvsadmName, String keepalivedName) {
        this.kernelValue = kernelValue;
        this.ipvsadmOption = ipvsadmOption;
        this.ipvsadmName = ipvsadmName;
        this.keepalivedName = keepalivedName;
    }

    /** The kernel's {@code IP_VS_CONN_F_*} forwarding value. */
    public int kernelValue() {
        return kernelValue;
    }

    /** The option ipvsadm's save format uses: {@code -m}, {@code -i} or {@code -g}. */
    public String ipvsadmOption() {
        return ipvsadmOption;
    }

    /** The word {@code ipvsadm -L} prints in its Forward column. */
    public String ipvsadmName() {
        return ipvsadmName;
    }

    /** keepalived's {@code lb_kind}: NAT, DR or TUN. */
    public String keepalivedName() {
        return keepalivedName;
    }

    /** The method of a kernel forwarding value (the low three bits of the connection flags). */
    public static Forwarding ofKernelValue(int value) {
        for (Forwarding f : values()) {
            if (f.kernelValue == (value & 7)) {
                return f;
            }
        }
        throw io.lvs4j.internal.Preconditions.invalid("forwarding method", value & 7, "0..3");
    }
}
