package io.lvs4j.vrrp.config;

/** VRRPv2 authentication: simple password or IPsec AH. */
public enum AuthType { PASS, AH }
