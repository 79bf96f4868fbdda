package io.lvs4j.director.config;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * A {@code virtual_ipaddress} line: {@code <ADDR>[/<PREFIX>] [brd <ADDR>] [dev <IF>] [scope <SCOPE>]
 * [label <LABEL>] ...}. {@code prefixLength} is -1 when not given; other options keepalived knows
 * (e.g. {@code no_track}, {@code preferred_lft}) are kept as written in {@code otherOptions}.
 */
public record VirtualIpAddress(InetAddress address, int prefixLength, InetAddress broadcast, String device,
        String scope, String label, List<String> otherOptions) {
    public VirtualIpAddress {
        Objects.requireNonNull(address, "address");
        otherOptions = List.copyOf(otherOptions);
    }
}
