package io.lvs4j.director.config;

import io.lvs4j.Forwarding;
import io.lvs4j.TunnelChecksum;
import io.lvs4j.TunnelType;
import java.util.Objects;

/**
 * {@code lvs_method} / {@code lb_kind}: {@code NAT|DR|TUN [type ipip|gue port N|gre]
 * [nocsum|csum|remcsum]}. Forwarding is one of {@link Forwarding#MASQ}, {@link Forwarding#ROUTE},
 * {@link Forwarding#TUNNEL}.
 */
public record LvsMethod(Forwarding forwarding, TunnelType tunnelType, int tunnelPort, TunnelChecksum checksum) {
    public static final LvsMethod NAT = new LvsMethod(Forwarding.MASQ, TunnelType.IPIP, 0, TunnelChecksum.NONE);
    public static final LvsMethod DR = new LvsMethod(Forwarding.ROUTE, TunnelType.IPIP, 0, TunnelChecksum.NONE);
    public static final LvsMethod TUN = new LvsMethod(Forwarding.TUNNEL, TunnelType.IPIP, 0, TunnelChecksum.NONE);

    public LvsMethod {
        Objects.requireNonNull(forwarding, "forwarding");
        Objects.requireNonNull(tunnelType, "tunnelType");
        Objects.requireNonNull(checksum, "checksum");
    }

    /** As keepalived.conf spells it, e.g. {@code TUN type gue port 6080 csum}. */
    public String keepalivedText() {
        StringBuilder sb = new StringBuilder(forwarding.keepalivedName());
        if (forwarding == Forwarding.TUNNEL && (tunnelType != TunnelType.IPIP || checksum != TunnelChecksum.NONE)) {
            sb.append(" type ").append(tunnelType.ipvsadmName());
            if (tunnelType == TunnelType.GUE) {
                sb.append(" port ").append(tunnelPort);
            }
            if (checksum != TunnelChecksum.NONE) {
                sb.append(checksum == TunnelChecksum.CSUM ? " csum" : " remcsum");
            }
        }
        return sb.toString();
    }
}
