package io.lvs4j.bgp.internal;

import io.lvs4j.internal.FatalErrors;
import io.lvs4j.internal.Addresses;
import io.lvs4j.internal.ExecutorScheduler;
import io.lvs4j.netlink.InterfaceException;
import io.lvs4j.netlink.NetworkNamespace;
import io.lvs4j.time.Scheduler;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport over Netty's NIO: one event-loop thread for the listener and every connection.
 * Sockets are made on that thread, so a speaker in a network namespace has its thread enter it
 * first. TCP MD5 keys go on the sockets before they listen or connect ({@link TcpMd5}).
 */
public final class NettyTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(NettyTransport.class);
    private static final long START_LIMIT_SECONDS = 10;

    private final NioEventLoopGroup group;
    private final EventLoop loop;
    private final String netns;
    private volatile InterfaceException threadFailure;
    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    private volatile Events events;
    private volatile Channel listener;
    /** The listening socket itself (its TCP MD5 keys change with the neighbours), or null. */
    private volatile ServerSocketChannel listening;

    /** A transport whose thread works in network namespace {@code netns} (null: this process's). */
    public NettyTransport(String netns) {
        this.netns = netns;
        ThreadFactory factory = r -> {
            Thread t = new Thread(() -> {
                if (netns != null) {
                    // a thread that cannot enter the namespace still runs the loop (so it can stop),
                    // but makes no socket: start() fails with the reason
                    try {
                        NetworkNamespace.enter(netns);
                    } catch (InterfaceException e) {
                        threadFailure = e;
                    } catch (RuntimeException e) {
                        // NetworkNamespace's own wrapping may fail (it sets a cause OsException already fixed)
                        threadFailure = new InterfaceException("setns", "network namespace " + netns, 0,
                                "cannot enter", String.valueOf(e.getMessage()));
                    }
                }
                r.run();
            }, "lvs4j-bgp");
            t.setDaemon(true);
            return t;
        };
        this.group = new NioEventLoopGroup(1, factory);
        this.loop = group.next();
    }

    /** A scheduler on the transport's own thread (real time). */
    public Scheduler scheduler() {
        return new ExecutorScheduler(loop, loop::inEventLoop, "BGP speaker");
    }

    @Override
    public void start(Events events, InetSocketAddress listen, Map<InetAddress, byte[]> md5Keys)
            throws InterfaceException {
        this.events = events;
        CompletableFuture<Object> done = new CompletableFuture<>();
        loop.execute(FatalErrors.guard(() -> {
            try {
                if (threadFailure != null) {
                    throw threadFailure;
                }
                if (listen != null) {
                    listener = listen(listen, md5Keys);
                }
                done.complete(null);
            } catch (InterfaceException | RuntimeException e) {
                done.complete(e);
            }
        }));
        Object r;
        try {
            r = done.get(START_LIMIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterfaceException("listen", "BGP listener", 4, "Interrupted system call", null);
        } catch (ExecutionException | TimeoutException e) {
            InterfaceException ie = threadFailure;
            if (ie != null) {
                throw ie;
            }
            throw new InterfaceException("listen", "BGP listener", 0, "no answer from the BGP thread", String.valueOf(e));
        }
        if (r instanceof InterfaceException ie) {
            throw ie;
        }
        if (r instanceof RuntimeException re) {
            throw re;
        }
    }

    @Override
    public void md5Key(InetAddress peer, byte[] key) throws InterfaceException {
        ServerSocketChannel s = listening;
        if (s != null) {
            TcpMd5.setKey(s, peer, key == null ? new byte[0] : key);
        }
    }

    /** On the loop: a listening socket with its MD5 keys, accepting into this transport. */
    private Channel listen(InetSocketAddress at, Map<InetAddress, byte[]> md5Keys) throws InterfaceException {
        String object = "BGP listener " + (at.getAddress().isAnyLocalAddress() ? "*:" + at.getPort()
                : Addresses.endpoint(at.getAddress(), at.getPort())) + (netns == null ? "" : " in network namespace " + netns);
        ServerSocketChannel ssc;
        try {
            ssc = at.getAddress().isAnyLocalAddress() ? ServerSocketChannel.open()
                    : ServerSocketChannel.open(at.getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6
                            : StandardProtocolFamily.INET);
        } catch (IOException e) {
            throw failure("socket", object, e);
        }
        try {
            ssc.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            // Java binds and listens in one call: the keys follow at once, before the loop accepts anything
            ssc.socket().bind(at, 64);
            for (Map.Entry<InetAddress, byte[]> k : md5Keys.entrySet()) {
                TcpMd5.setKey(ssc, k.getKey(), k.getValue());
            }
        } catch (IOException e) {
            close(ssc);
            throw failure("bind", object, e);
        } catch (InterfaceException e) {
            close(ssc);
            throw e;
        }
        listening = ssc;
        NioServerSocketChannel server = new NioServerSocketChannel(ssc);
        new ServerBootstrap().group(group).channelFactory(() -> server)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        NettyConnection c = new NettyConnection(false, ch.remoteAddress(), null);
                        c.channel = ch;
                        channels.add(ch);
                        ch.pipeline().addLast(new Handler(c));
                    }
                }).register();
        channels.add(server);
        LOG.info("BGP listening on {}", object.substring("BGP listener ".length()));
        return server;
    }

    private static void close(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing more to do
        }
    }

    /** The errno of a socket failure as Java words it, or 0 when it does not say. */
    private static InterfaceException failure(String operation, String object, IOException e) {
        String m = String.valueOf(e.getMessage());
        int errno = m.contains("Address already in use") ? 98 : m.contains("Permission denied") ? 13
                : m.contains("Cannot assign requested address") ? 99 : m.contains("Address family not supported") ? 97 : 0;
        // (OsException's constructor fixes the cause to none: the text carries what Java said)
        return new InterfaceException(operation, object, errno, m, e instanceof BindException ? null
                : e.getClass().getSimpleName());
    }

    @Override
    public Connection connect(InetSocketAddress remote, InetAddress local, byte[] md5Key, Object attachment) {
        NettyConnection c = new NettyConnection(true, remote, attachment);
        loop.execute(FatalErrors.guard(() -> dial(c, local, md5Key)));
        return c;
    }

    /** On the loop: a socket bound (when it needs a local address or an MD5 key) and keyed, then connected. */
    private void dial(NettyConnection c, InetAddress local, byte[] md5Key) {
        if (c.closed) {
            return;
        }
        if (threadFailure != null) {
            events.connectFailed(c, threadFailure.getMessage());
            return;
        }
        InetSocketAddress remote = c.remote;
        boolean v6 = remote.getAddress() instanceof Inet6Address;
        java.nio.channels.SocketChannel sc;
        try {
            sc = java.nio.channels.SocketChannel.open(v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        } catch (IOException e) {
            events.connectFailed(c, "socket: " + e.getMessage());
            return;
        }
        try {
            if (local != null || md5Key != null) {
                InetAddress from = local != null ? local : Addresses.of(new byte[v6 ? 16 : 4]);
                sc.bind(new InetSocketAddress(from, 0));
            }
            if (md5Key != null) {
                TcpMd5.setKey(sc, remote.getAddress(), md5Key);
            }
        } catch (IOException | InterfaceException e) {
            close(sc);
            LOG.warn("BGP dial to {}: {}", Addresses.endpoint(remote.getAddress(), remote.getPort()), e.getMessage());
            events.connectFailed(c, e.getMessage());
            return;
        }
        NioSocketChannel ch = new NioSocketChannel(sc);
        c.channel = ch;
        channels.add(ch);
        new Bootstrap().group(group).channelFactory(() -> ch).option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Integer.MAX_VALUE).handler(new Handler(c))
                .connect(remote).addListener((ChannelFutureListener) f -> FatalErrors.guard(() -> {
                    if (f.isSuccess()) {
                        if (c.closed) {
                            ch.close();
                        } else {
                            events.connected(c);
                        }
                    } else if (!c.closed) {
                        events.connectFailed(c, String.valueOf(f.cause() == null ? "cancelled" : f.cause().getMessage()));
                    }
                }).run());
        if (c.closed) {
            ch.close();
        }
    }

    @Override
    public CompletableFuture<Void> close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            loop.execute(FatalErrors.guard(() -> {
                for (Channel ch : channels) {
                    if (ch.isOpen()) {
                        ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                    }
                }
            }));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // already stopping
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).addListener(f -> done.complete(null));
        return done;
    }

    /** One connection: frames its bytes into messages for {@link Events#received}. */
    private final class Handler extends ChannelInboundHandlerAdapter {
        private final NettyConnection c;
        private ByteBuf cumulation;
        private boolean stopped;
        private String cause;

        Handler(NettyConnection c) {
            this.c = c;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (!c.outgoing) {
                events.accepted(c);
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            if (stopped) {
                in.release();
                return;
            }
            if (cumulation == null) {
                cumulation = ctx.alloc().heapBuffer(Math.max(in.readableBytes(), 4096));
            }
            cumulation.writeBytes(in);
            in.release();
            while (true) {
                int n = Decoder.frameLength(cumulation);
                if (n == 0) {
                    break;
                }
                if (n == Decoder.BAD_HEADER) {
                    events.received(c, Unpooled.copiedBuffer(cumulation.readSlice(Bgp.HEADER_LENGTH)));
                    stopped = true; // message boundaries are lost: nothing more can be read
                    ctx.channel().config().setAutoRead(false);
                    cumulation.release();
                    cumulation = null;
                    return;
                }
                events.received(c, Unpooled.copiedBuffer(cumulation.readSlice(n)));
            }
            cumulation.discardReadBytes();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable t) {
            FatalErrors.report(t); // an OutOfMemoryError: the application's handler decides
            cause = t.getMessage();
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            channels.remove(ctx.channel());
            if (cumulation != null) {
                cumulation.release();
                cumulation = null;
            }
            events.closed(c, cause != null ? cause : "closed");
            ctx.fireChannelInactive();
        }
    }

    private static final class NettyConnection implements Connection {
        final boolean outgoing;
        final InetSocketAddress remote;
        volatile Channel channel;
        volatile boolean closed;
        private volatile Object attachment;

        NettyConnection(boolean outgoing, InetSocketAddress remote, Object attachment) {
            this.outgoing = outgoing;
            this.remote = remote;
            this.attachment = attachment;
        }

        @Override
        public boolean outgoing() {
            return outgoing;
        }

        @Override
        public InetSocketAddress remote() {
            return remote;
        }

        @Override
        public InetSocketAddress local() {
            Channel ch = channel;
            return ch == null ? null : (InetSocketAddress) ch.localAddress();
        }

        @Override
        public void send(ByteBuf messages) {
            Channel ch = channel;
            if (ch == null || closed) {
                messages.release();
                return;
            }
            ch.writeAndFlush(messages);
        }

        @Override
        public void close() {
            closed = true;
            Channel ch = channel;
            if (ch != null) {
                ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public Object attachment() {
            return attachment;
        }

        @Override
        public void attach(Object attachment) {
            this.attachment = attachment;
        }

        @Override
        public String toString() {
            return (outgoing ? "to " : "from ") + Addresses.endpoint(remote.getAddress(), remote.getPort());
        }
    }
}
