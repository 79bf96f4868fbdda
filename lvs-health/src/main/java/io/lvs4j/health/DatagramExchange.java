package io.lvs4j.health;

import io.lvs4j.internal.FatalErrors;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * One datagram and its answer on the shared event loop. The channel is connected, so an ICMP port
 * unreachable comes back as a refused check. Without {@code judge}, no reply is needed: up when no
 * error arrives within the read timeout (keepalived's UDP_CHECK without require_reply).
 */
final class DatagramExchange {
    private DatagramExchange() {}

    /** {@code judge} maps the first reply's bytes to a result given the latency, or is null. */
    static CompletableFuture<CheckResult> run(CheckContext context, Endpoint endpoint, byte[] payload,
            BiFunction<byte[], Long, CheckResult> judge) {
        long start = context.ticker().nanos();
        CompletableFuture<CheckResult> done = new CompletableFuture<>();
        // the channel (its socket) is created on the thread that connects: always an event-loop
        // thread, whose network namespace is the checks' (CheckRuntime), never the caller's
        try {
            EventLoop loop = context.eventLoop().next();
            if (loop.inEventLoop()) {
                exchange(loop, context, endpoint, payload, judge, start, done);
            } else {
                loop.execute(FatalErrors.guard(() -> exchange(loop, context, endpoint, payload, judge, start, done)));
            }
        } catch (RuntimeException e) {
            done.complete(CheckResult.down(FailureReason.IO_ERROR, "udp " + endpoint.hostPort() + ": " + e,
                    Math.max(0, context.ticker().nanos() - start)));
        }
        return done;
    }

    private static void exchange(EventLoop loop, CheckContext context, Endpoint endpoint, byte[] payload,
            BiFunction<byte[], Long, CheckResult> judge, long start, CompletableFuture<CheckResult> done) {
        Channel[] ch = new Channel[1];
        ScheduledFuture<?>[] deadline = new ScheduledFuture<?>[1];
        Runnable close = () -> {
            if (deadline[0] != null) {
                deadline[0].cancel(false);
            }
            if (ch[0] != null) {
                ch[0].close();
            }
        };
        Bootstrap b = new Bootstrap().group(loop).channel(NioDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
                        if (done.isDone()) {
                            return;
                        }
                        long latency = Math.max(0, context.ticker().nanos() - start);
                        byte[] data = ByteBufUtil.getBytes(msg.content());
                        CheckResult r = judge == null ? CheckResult.up(latency) : judge.apply(data, latency);
                        close.run();
                        done.complete(r);
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        FatalErrors.report(cause); // an OutOfMemoryError: the application's handler decides
                        fail(cause);
                    }

                    private void fail(Throwable cause) {
                        if (done.isDone()) {
                            return;
                        }
                        close.run();
                        done.complete(CheckResult.down(Exchange.classify(cause), "udp " + endpoint.hostPort() + ": "
                                + Exchange.message(cause), Math.max(0, context.ticker().nanos() - start)));
                    }
                });
        var cf = endpoint.bind() == null ? b.connect(endpoint.target()) : b.connect(endpoint.target(), endpoint.bind());
        ch[0] = cf.channel();
        cf.addListener(Guarded.listener(f -> {
            if (!f.isSuccess()) {
                done.complete(CheckResult.down(Exchange.classify(f.cause()), "udp " + endpoint.hostPort() + ": "
                        + Exchange.message(f.cause()), Math.max(0, context.ticker().nanos() - start)));
                close.run();
                return;
            }
            deadline[0] = ch[0].eventLoop().schedule(FatalErrors.guard(() -> {
                if (done.isDone()) {
                    return;
                }
                long latency = Math.max(0, context.ticker().nanos() - start);
                close.run();
                done.complete(judge == null ? CheckResult.up(latency)
                        : CheckResult.down(FailureReason.READ_TIMEOUT, "no reply from " + endpoint.hostPort()
                                + " within " + endpoint.readTimeout().toMillis() + " ms", latency));
            }), endpoint.readTimeout().toNanos(), TimeUnit.NANOSECONDS);
            ch[0].writeAndFlush(Unpooled.wrappedBuffer(payload)).addListener(Guarded.listener(w -> {
                if (!w.isSuccess() && !done.isDone()) {
                    close.run();
                    done.complete(CheckResult.down(Exchange.classify(w.cause()), "udp " + endpoint.hostPort() + ": "
                            + Exchange.message(w.cause()), Math.max(0, context.ticker().nanos() - start)));
                }
            }));
        }));
    }
}
