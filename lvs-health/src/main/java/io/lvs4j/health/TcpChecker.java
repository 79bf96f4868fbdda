package io.lvs4j.health;

import io.lvs4j.internal.Preconditions;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.CompletionStage;

/** {@code TCP_CHECK}: up when a TCP connection to the endpoint is established within the connect timeout. */
public final class TcpChecker implements Checker {
    private final Endpoint endpoint;

    private TcpChecker(Endpoint endpoint) {
        this.endpoint = endpoint;
    }

    public static TcpChecker of(Endpoint endpoint) {
        return new TcpChecker(Preconditions.checkNotNull(endpoint, "endpoint"));
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public CompletionStage<CheckResult> check(CheckContext context) {
        return new Exchange(context, endpoint) {
            @Override
            void onActive(ChannelHandlerContext ctx) {
                succeed();
            }

            @Override
            void onData(ChannelHandlerContext ctx, ByteBuf data) {
                // nothing is read
            }
        }.start(null, null, false);
    }

    @Override
    public String describe() {
        return "TCP_CHECK " + endpoint.hostPort();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TcpChecker t && endpoint.equals(t.endpoint);
    }

    @Override
    public int hashCode() {
        return endpoint.hashCode();
    }

    @Override
    public String toString() {
        return describe();
    }
}
