package io.lvs4j.vrrp;

/** VRRPv2 authentication (RFC 2338): a simple password, or IPsec AH (HMAC-MD5-96). */
public enum AuthType { PASS, AH }
