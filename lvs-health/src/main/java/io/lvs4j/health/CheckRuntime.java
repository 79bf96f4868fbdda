package io.lvs4j.health;

import io.lvs4j.time.Ticker;

import io.lvs4j.internal.Preconditions;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The shared machinery checks run on: one Netty event loop (a given number of threads, one by
 * default) for all I/O and timers, and two daemon threads for short blocking steps. Close it to
 * stop them. Checks create their sockets on the event loop's threads and start processes on the
 * blocking threads, so those threads' network namespace is the checks' ({@link #create(int, Runnable)}).
 */
public final class CheckRuntime implements CheckContext, AutoCloseable {
    private final NioEventLoopGroup loop;
    private final ExecutorService blocking;
    private final Ticker ticker;

    private CheckRuntime(int threads, Ticker ticker, Runnable threadStart) {
        this.loop = new NioEventLoopGroup(threads, starting(new DefaultThreadFactory("lvs4j-health", true), threadStart));
        ThreadPoolExecutor ex = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                starting(new DefaultThreadFactory("lvs4j-health-blocking", true), threadStart));
        ex.allowCoreThreadTimeOut(true);
        this.blocking = ex;
        this.ticker = ticker;
    }

    /** One event-loop thread, the system ticker. */
    public static CheckRuntime create() {
        return create(1);
    }

    /** The given number of event-loop threads (1..64). */
    public static CheckRuntime create(int threads) {
        Preconditions.checkInRange(threads, 1, 64, "threads");
        return new CheckRuntime(threads, Ticker.system(), null);
    }

    /**
     * The given number of event-loop threads (1..64), each of the runtime's threads (event loop
     * and blocking) running {@code threadStart} first, before any task: a director in a network
     * namespace enters it there, so every check's socket and process belongs to that namespace
     * (checks create their sockets on the event loop). If {@code threadStart} throws, the thread
     * runs nothing, and the checks that needed it fail by their watchdog.
     */
    public static CheckRuntime create(int threads, Runnable threadStart) {
        Preconditions.checkInRange(threads, 1, 64, "threads");
        return new CheckRuntime(threads, Ticker.system(), Preconditions.checkNotNull(threadStart, "thread start"));
    }

    private static ThreadFactory starting(ThreadFactory base, Runnable threadStart) {
        if (threadStart == null) {
            return base;
        }
        return r -> base.newThread(() -> {
            threadStart.run();
            r.run();
        });
    }

    @Override
    public EventLoopGroup eventLoop() {
        return loop;
    }

    @Override
    public ExecutorService blockingExecutor() {
        return blocking;
    }

    @Override
    public Ticker ticker() {
        return ticker;
    }

    @Override
    public void close() {
        blocking.shutdownNow();
        loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
