package io.lvs4j.vrrp.config;

/** The initial state a {@code vrrp_instance} asks for ({@code state MASTER|BACKUP}). */
public enum VrrpState { MASTER, BACKUP }
