package io.lvs4j.netlink.internal;

/** {@code IPVS_CMD_GET_INFO}: the IPVS version code (e.g. 0x010201) and connection table size. */
public record Info(int version, int connTableSize) {}
