package io.lvs4j.director.config;

import java.net.InetAddress;
import java.util.Objects;

/** {@code sorry_server ADDR [PORT]} with {@code sorry_server_inhibit} and {@code sorry_server_lvs_method}. */
public record SorryServer(InetAddress address, int port, boolean inhibit, LvsMethod method) {
    public SorryServer {
        Objects.requireNonNull(address, "address");
    }
}
