package io.lvs4j.netlink.internal;

/** Connection timeouts in seconds; 0 in a request leaves that timeout unchanged. */
public record Timeouts(int tcp, int tcpFin, int udp) {}
