package io.lvs4j.director.config;

import java.util.Objects;

/**
 * {@code UDP_CHECK}: sends a datagram. {@code payload} and {@code requireReplyPattern} are the hex
 * strings as written; {@code requireReply} is true when {@code require_reply} was given, with or
 * without a pattern.
 */
public record UdpCheck(CheckOptions options, String payload, boolean requireReply, String requireReplyPattern,
        Integer minReplyLength, Integer maxReplyLength) implements CheckerConfig {
    public UdpCheck {
        Objects.requireNonNull(options, "options");
    }

    @Override
    public CheckerType type() {
        return CheckerType.UDP_CHECK;
    }
}
