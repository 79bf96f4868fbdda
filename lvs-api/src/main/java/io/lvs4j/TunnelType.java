package io.lvs4j;

import io.lvs4j.internal.Preconditions;

/** Encapsulation of a tunnelled real server ({@code IP_VS_CONN_F_TUNNEL_TYPE_*}). */
public enum TunnelType {
    IPIP(0, "ipip"),
    GUE(1, "gue"),
    GRE(2, "gre");

    private final int kernelValue;
    private final String ipvsadmName;

    TunnelType(int kernelValue, String ipvsadmName) {
        this.kernelValue = kernelValue;
        this.ipvsadmName = ipvsadmName;
    }

    public int kernelValue() {
        return kernelValue;
    }

    /** ipvsadm's {@code --tun-type} spelling. */
    public String ipvsadmName() {
        return ipvsadmName;
    }

    public static TunnelType ofKernelValue(int value) {
        for (TunnelType t : values()) {
            if (t.kernelValue == value) {
                return t;
            }
        }
        throw Preconditions.invalid("tunnel type", value, "0 (ipip), 1 (gue) or 2 (gre)");
    }

    public static TunnelType of(String name) {
        Preconditions.checkNotNull(name, "tunnel type");
        for (TunnelType t : values()) {
            if (t.ipvsadmName.equalsIgnoreCase(name.trim())) {
                return t;
            }
        }
        throw Preconditions.invalid("tunnel type", name, "one of ipip, gue, gre");
    }
}
