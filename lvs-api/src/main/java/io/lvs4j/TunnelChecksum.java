package io.lvs4j;

/** Checksum handling of GUE and GRE tunnels ({@code IP_VS_TUNNEL_ENCAP_FLAG_*}). */
public enum TunnelChecksum {
    /** No checksum: ipvsadm {@code --tun-nocsum}, the default. */
    NONE(0, "--tun-nocsum"),
    /** Outer checksum: {@code --tun-csum}. */
    CSUM(1, "--tun-csum"),
    /** Remote checksum offload, GUE only: {@code --tun-remcsum}. */
    REMCSUM(2, "--tun-remcsum");

    private final int kernelFlags;
    private final String ipvsadmOption;

    TunnelChecksum(int kernelFlags, String ipvsadmOption) {
        this.kernelFlags = kernelFlags;
        this.ipvsadmOption = ipvsadmOption;
    }

    /** The value of {@code IPVS_DEST_ATTR_TUN_FLAGS}. */
    public int kernelFlags() {
        return kernelFlags;
    }

    public String ipvsadmOption() {
        return ipvsadmOption;
    }

    public static TunnelChecksum ofKernelFlags(int flags) {
        if ((flags & 2) != 0) {
            return REMCSUM;
        }
        return (flags & 1) != 0 ? CSUM : NONE;
    }
}
