package io.lvs4j.health.config;

/** One checker of a real server. */
public sealed interface CheckerConfig
        permits TcpCheck, HttpCheck, MiscCheck, SmtpCheck, DnsCheck, UdpCheck, PingCheck, FileCheck, BfdCheck {
    CheckerType type();

    CheckOptions options();
}
