package io.lvs4j.director.config;

import io.lvs4j.AddressFamily;
import java.net.InetAddress;

/**
 * A {@code virtual_server_group} line: an address range {@code first..last} (equal for one address)
 * with a port (0: none), or a firewall mark with an optional family ({@code null}: not given).
 */
public record GroupEntry(InetAddress first, InetAddress last, int port, long fwmark, AddressFamily fwmarkFamily) {
    public boolean isFwmark() {
        return first == null;
    }

    public static GroupEntry range(InetAddress first, InetAddress last, int port) {
        return new GroupEntry(first, last, port, 0, null);
    }

    public static GroupEntry fwmark(long mark, AddressFamily family) {
        return new GroupEntry(null, null, 0, mark, family);
    }
}
