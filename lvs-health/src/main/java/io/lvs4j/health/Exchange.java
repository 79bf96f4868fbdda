package io.lvs4j.health;

import io.lvs4j.internal.FatalErrors;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * One TCP conversation of a check on the shared event loop: connect within the connect timeout,
 * optionally TLS, then {@link #onActive} and {@link #onData} until the subclass calls
 * {@link #succeed} or {@link #fail}, the read deadline passes, or the peer closes. Completes its
 * future exactly once and closes the channel.
 */
abstract class Exchange extends ChannelInboundHandlerAdapter {
    final CheckContext context;
    final Endpoint endpoint;
    final long start;
    final CompletableFuture<CheckResult> future = new CompletableFuture<>();
    private Channel channel;
    private ScheduledFuture<?> deadline;
    private boolean connected;

    Exchange(CheckContext context, Endpoint endpoint) {
        this.context = context;
        this.endpoint = endpoint;
        this.start = context.ticker().nanos();
    }

    /** Called when connected (and after the TLS handshake); may write. */
    abstract void onActive(ChannelHandlerContext ctx);

    /** Called for each received buffer; the buffer is released afterwards. */
    abstract void onData(ChannelHandlerContext ctx, ByteBuf data);

    /** Called when the peer closed before the exchange finished; default: failed as closed. */
    void onClosed() {
        fail(FailureReason.CLOSED, "connection closed by " + endpoint.hostPort() + " before a complete answer");
    }

    final long elapsed() {
        return Math.max(0, context.ticker().nanos() - start);
    }

    final void succeed() {
        finish(CheckResult.up(elapsed()));
    }

    final void fail(FailureReason reason, String detail) {
        finish(CheckResult.down(reason, detail, elapsed()));
    }

    final void finish(CheckResult result) {
        if (future.isDone()) {
            return;
        }
        if (deadline != null) {
            deadline.cancel(false);
        }
        if (channel != null) {
            channel.close();
        }
        future.complete(result);
    }

    /** Connects and runs the exchange; {@code ssl} may be null, {@code sni} is the TLS server name or null. */
    final CompletableFuture<CheckResult> start(SslContext ssl, String sni, boolean verifyHost) {
        // the channel (its socket) is created on the thread that connects: always an event-loop
        // thread, whose network namespace is the checks' (CheckRuntime), never the caller's
        EventLoop loop;
        try {
            loop = context.eventLoop().next();
            if (!loop.inEventLoop()) {
                loop.execute(FatalErrors.guard(() -> connect(loop, ssl, sni, verifyHost)));
                return future;
            }
        } catch (RuntimeException e) {
            fail(FailureReason.IO_ERROR, "connect to " + endpoint.hostPort() + ": " + e);
            return future;
        }
        connect(loop, ssl, sni, verifyHost);
        return future;
    }

    private void connect(EventLoop loop, SslContext ssl, String sni, boolean verifyHost) {
        if (future.isDone()) {
            return;
        }
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.max(1, Math.min(Integer.MAX_VALUE, endpoint.connectTimeout().toMillis())))
                .option(ChannelOption.SO_LINGER, 0)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl != null) {
                            SslHandler h = sni == null ? ssl.newHandler(ch.alloc())
                                    : ssl.newHandler(ch.alloc(), sni, endpoint.port());
                            if (verifyHost) {
                                SSLParameters p = h.engine().getSSLParameters();
                                p.setEndpointIdentificationAlgorithm("HTTPS");
                                h.engine().setSSLParameters(p);
                            }
                            h.setHandshakeTimeoutMillis(0);
                            ch.pipeline().addLast("ssl", h);
                        }
                        ch.pipeline().addLast("exchange", Exchange.this);
                    }
                });
        ChannelFuture cf;
        try {
            cf = endpoint.bind() == null ? b.connect(endpoint.target()) : b.connect(endpoint.target(), endpoint.bind());
        } catch (RuntimeException e) {
            fail(FailureReason.IO_ERROR, "connect to " + endpoint.hostPort() + ": " + e);
            return;
        }
        channel = cf.channel();
        if (future.isDone()) {
            channel.close();
        }
        cf.addListener(Guarded.listener(f -> {
            if (!f.isSuccess()) {
                failWith(f.cause(), "connect");
                return;
            }
            connected = true;
            long readNanos = endpoint.readTimeout().toNanos();
            deadline = channel.eventLoop().schedule(FatalErrors.guard(() -> fail(FailureReason.READ_TIMEOUT,
                    "no complete answer from " + endpoint.hostPort() + " within "
                            + endpoint.readTimeout().toMillis() + " ms")), readNanos, TimeUnit.NANOSECONDS);
            if (ssl == null) {
                onActive(channel.pipeline().context(this));
            } else {
                channel.pipeline().get(SslHandler.class).handshakeFuture().addListener(Guarded.listener(h -> {
                    if (h.isSuccess()) {
                        onActive(channel.pipeline().context(this));
                    } else {
                        failWith(h.cause(), "TLS handshake");
                    }
                }));
            }
        }));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!future.isDone() && msg instanceof ByteBuf buf) {
                onData(ctx, buf);
            }
        } catch (RuntimeException e) {
            fail(FailureReason.CHECKER_ERROR, e.toString());
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!future.isDone() && connected) {
            onClosed();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        FatalErrors.report(cause); // an OutOfMemoryError: the application's handler decides; the check fails too
        failWith(cause, "read");
    }

    final void failWith(Throwable cause, String step) {
        if (future.isDone()) {
            return;
        }
        Throwable c = cause;
        while (!(c instanceof IOException) && c.getCause() != null && c.getCause() != c) {
            c = c.getCause(); // Netty wraps TLS failures in DecoderException
        }
        String where = step + " " + endpoint.hostPort();
        FailureReason reason = classify(c);
        fail(reason, where + ": " + message(c));
    }

    static FailureReason classify(Throwable c) {
        if (c instanceof ConnectTimeoutException) {
            return FailureReason.CONNECT_TIMEOUT;
        }
        if (c instanceof NoRouteToHostException) {
            return FailureReason.UNREACHABLE;
        }
        if (c instanceof BindException || c instanceof java.net.SocketException && isBindFailure(c.getMessage())) {
            return FailureReason.IO_ERROR; // Netty re-wraps a BindException as a plain SocketException
        }
        if (c instanceof PortUnreachableException) {
            return FailureReason.REFUSED;
        }
        if (c instanceof ConnectException) {
            String m = String.valueOf(c.getMessage());
            if (m.contains("unreachable") || m.contains("No route")) {
                return FailureReason.UNREACHABLE;
            }
            return FailureReason.REFUSED;
        }
        if (c instanceof SSLException) {
            return FailureReason.TLS;
        }
        if (c instanceof IOException) {
            return FailureReason.CLOSED;
        }
        return FailureReason.CHECKER_ERROR;
    }

    private static boolean isBindFailure(String m) {
        return m != null && (m.contains("assign requested address") || m.contains("Address already in use"));
    }

    static String message(Throwable c) {
        String m = c.getMessage();
        return m == null ? c.getClass().getSimpleName() : m;
    }
}
