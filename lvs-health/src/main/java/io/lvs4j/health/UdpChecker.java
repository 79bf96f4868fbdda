package io.lvs4j.health;

import io.lvs4j.health.internal.Hex;
import io.lvs4j.internal.Preconditions;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * {@code UDP_CHECK}: sends the payload. Without {@code require_reply}, up unless an ICMP error
 * (port unreachable: refused) comes back within the read timeout. With it, a reply must come, and
 * start with the reply pattern if one is given, and have a length within the bounds if given.
 */
public final class UdpChecker implements Checker {
    private final Endpoint endpoint;
    private final byte[] payload;
    private final boolean requireReply;
    private final byte[] replyPrefix;
    private final int minLength;
    private final int maxLength;

    private UdpChecker(Builder b) {
        this.endpoint = b.endpoint;
        this.payload = b.payload;
        this.requireReply = b.requireReply;
        this.replyPrefix = b.replyPrefix;
        this.minLength = b.minLength;
        this.maxLength = b.maxLength;
    }

    /** The same check of {@code endpoint}. */
    UdpChecker withEndpoint(Endpoint endpoint) {
        Builder b = new Builder(Preconditions.checkNotNull(endpoint, "endpoint"));
        b.payload = payload;
        b.requireReply = requireReply;
        b.replyPrefix = replyPrefix;
        b.minLength = minLength;
        b.maxLength = maxLength;
        return new UdpChecker(b);
    }

    public static Builder builder(Endpoint endpoint) {
        return new Builder(Preconditions.checkNotNull(endpoint, "endpoint"));
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public CompletionStage<CheckResult> check(CheckContext context) {
        return DatagramExchange.run(context, endpoint, payload, requireReply ? this::judge : null);
    }

    CheckResult judge(byte[] reply, long latency) {
        if (reply.length < minLength || reply.length > maxLength) {
            return CheckResult.down(FailureReason.REPLY_MISMATCH, "reply of " + reply.length + " bytes (expected: "
                    + minLength + ".." + maxLength + ")", latency);
        }
        if (replyPrefix != null && (reply.length < replyPrefix.length
                || !Arrays.equals(reply, 0, replyPrefix.length, replyPrefix, 0, replyPrefix.length))) {
            return CheckResult.down(FailureReason.REPLY_MISMATCH, "reply " + Hex.encode(Arrays.copyOf(reply,
                    Math.min(reply.length, 32))) + " (expected to start with: " + Hex.encode(replyPrefix) + ")", latency);
        }
        return CheckResult.up(latency);
    }

    @Override
    public String describe() {
        return "UDP_CHECK " + endpoint.hostPort();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UdpChecker u && endpoint.equals(u.endpoint) && Arrays.equals(payload, u.payload)
                && requireReply == u.requireReply && Arrays.equals(replyPrefix, u.replyPrefix)
                && minLength == u.minLength && maxLength == u.maxLength;
    }

    @Override
    public int hashCode() {
        return Objects.hash(endpoint, Arrays.hashCode(payload), requireReply, minLength, maxLength);
    }

    @Override
    public String toString() {
        return describe();
    }

    /** Builds a {@link UdpChecker}. */
    public static final class Builder {
        private final Endpoint endpoint;
        private byte[] payload = new byte[0];
        private boolean requireReply;
        private byte[] replyPrefix;
        private int minLength;
        private int maxLength = 65535;

        private Builder(Endpoint endpoint) {
            this.endpoint = endpoint;
        }

        /** The datagram, as keepalived's {@code payload}: hex digits. */
        public Builder payloadHex(String hex) {
            byte[] b = Hex.decode(hex);
            Preconditions.checkArgument(b != null && b.length <= 65507, "payload", hex, "hex digits, at most 65507 bytes");
            this.payload = b;
            return this;
        }

        public Builder payload(byte[] bytes) {
            Preconditions.checkNotNull(bytes, "payload");
            Preconditions.checkArgument(bytes.length <= 65507, "payload", bytes.length + " bytes", "at most 65507");
            this.payload = bytes.clone();
            return this;
        }

        /** A reply is needed. */
        public Builder requireReply() {
            this.requireReply = true;
            return this;
        }

        /** A reply is needed and must start with these bytes (hex digits). */
        public Builder requireReplyHex(String hex) {
            byte[] b = Hex.decode(hex);
            Preconditions.checkArgument(b != null && b.length > 0, "require_reply", hex, "hex digits");
            this.replyPrefix = b;
            this.requireReply = true;
            return this;
        }

        public Builder replyLength(int min, int max) {
            Preconditions.checkInRange(min, 0, 65535, "min_reply_length");
            Preconditions.checkInRange(max, min, 65535, "max_reply_length");
            this.minLength = min;
            this.maxLength = max;
            return this;
        }

        public UdpChecker build() {
            return new UdpChecker(this);
        }
    }
}
