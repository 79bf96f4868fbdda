package io.lvs4j.health;

import io.lvs4j.time.Ticker;

import io.netty.channel.EventLoopGroup;
import java.util.concurrent.Executor;

/** What a {@link Checker} runs on: the shared event loop, an executor for short blocking work, the ticker. */
public interface CheckContext {
    /** The shared event loop; checks do their I/O and timers on it and never block it. */
    EventLoopGroup eventLoop();

    /** For the rare blocking step (reading a small file, starting a process); never for waiting. */
    Executor blockingExecutor();

    /** Measures latencies and deadlines. */
    Ticker ticker();
}
