package io.lvs4j.health;

import io.lvs4j.health.internal.SmtpReply;
import io.lvs4j.internal.Preconditions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * {@code SMTP_CHECK}: expects a 220 greeting, sends {@code HELO name}, expects 250, sends
 * {@code QUIT}. Multi-line replies ({@code 250-...}) are read to their last line; at most 4 KiB.
 */
public final class SmtpChecker implements Checker {
    /** keepalived's default HELO name. */
    public static final String DEFAULT_HELO = "smtpchecker.keepalived.org";
    private static final int MAX_BYTES = 4096;

    private final Endpoint endpoint;
    private final String helo;

    private SmtpChecker(Endpoint endpoint, String helo) {
        this.endpoint = endpoint;
        this.helo = helo;
    }

    public static SmtpChecker of(Endpoint endpoint, String heloName) {
        Preconditions.checkNotNull(endpoint, "endpoint");
        Preconditions.checkNotNull(heloName, "helo_name");
        Preconditions.checkArgument(!heloName.isEmpty() && heloName.chars().allMatch(c -> c > 0x20 && c < 0x7f),
                "helo_name", heloName, "a name without spaces or control characters");
        return new SmtpChecker(endpoint, heloName);
    }

    @Override
    public CompletionStage<CheckResult> check(CheckContext context) {
        return new Exchange(context, endpoint) {
            final StringBuilder buf = new StringBuilder();
            int step; // 0 greeting, 1 HELO reply

            @Override
            void onActive(ChannelHandlerContext ctx) {
            }

            @Override
            void onData(ChannelHandlerContext ctx, ByteBuf data) {
                buf.append(data.toString(StandardCharsets.ISO_8859_1));
                if (buf.length() > MAX_BYTES) {
                    fail(FailureReason.TOO_LARGE, "SMTP reply longer than " + MAX_BYTES + " bytes");
                    return;
                }
                int code;
                while ((code = SmtpReply.lastLineCode(buf)) != SmtpReply.INCOMPLETE) {
                    if (code == SmtpReply.NOT_SMTP) {
                        fail(FailureReason.BAD_RESPONSE, "not an SMTP reply: " + HttpChecker.printable(buf.toString()));
                        return;
                    }
                    buf.setLength(0);
                    if (step == 0) {
                        if (code != 220) {
                            fail(FailureReason.PROTOCOL_ERROR, "greeting " + code + " (expected: 220)");
                            return;
                        }
                        step = 1;
                        ctx.writeAndFlush(Unpooled.copiedBuffer("HELO " + helo + "\r\n", StandardCharsets.US_ASCII));
                    } else {
                        if (code != 250) {
                            fail(FailureReason.PROTOCOL_ERROR, "HELO answered " + code + " (expected: 250)");
                            return;
                        }
                        ctx.writeAndFlush(Unpooled.copiedBuffer("QUIT\r\n", StandardCharsets.US_ASCII));
                        succeed();
                        return;
                    }
                }
            }
        }.start(null, null, false);
    }

    @Override
    public String describe() {
        return "SMTP_CHECK " + endpoint.hostPort();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SmtpChecker s && endpoint.equals(s.endpoint) && helo.equals(s.helo);
    }

    @Override
    public int hashCode() {
        return Objects.hash(endpoint, helo);
    }

    @Override
    public String toString() {
        return describe();
    }
}
