package io.lvs4j.director.config;

/** One checker of a real server. */
public sealed interface CheckerConfig
        permits TcpCheck, HttpCheck, MiscCheck, SmtpCheck, DnsCheck, UdpCheck, PingCheck, FileCheck, BfdCheck {
    CheckerType type();

    CheckOptions options();
}
