package io.lvs4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.netty.util.internal.logging.InternalLogLevel;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: an error of the JVM that Netty catches and logs in its own code, or that the JDK's
 * HTTP server meets in an exchange, reaches the thread's uncaught exception handler.
 */
class NettyFatalLogTest {
    private final Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
    private final List<String> handed = new CopyOnWriteArrayList<>();

    @AfterEach
    void restore() {
        Thread.setDefaultUncaughtExceptionHandler(before);
    }

    private void capture() {
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> handed.add(t.getName() + " " + e));
    }

    private static InternalLogger quiet() {
        return ((JdkLoggerFactory) JdkLoggerFactory.INSTANCE).newInstance("io.lvs4j.cli.NettyFatalLogTest.quiet");
    }

    @Test
    void logger_nettysTaskFailureLine_outOfMemoryReported() {
        capture();
        // AbstractEventExecutor.safeExecute: logger.warn("A task raised an exception. Task: {}", task, t)
        NettyFatalLog.wrap(quiet()).warn("A task raised an exception. Task: {}", "task", new OutOfMemoryError("task"));
        assertThat(handed).containsExactly(Thread.currentThread().getName() + " java.lang.OutOfMemoryError: task");
    }

    @Test
    void logger_everyFormWithAFatalThrowable_reportedOnceEach() {
        capture();
        InternalLogger l = NettyFatalLog.wrap(quiet());
        l.warn("selector loop", new OutOfMemoryError("1"));
        l.error(new StackOverflowError("2"));
        l.debug("tail of the pipeline {}", new RuntimeException("wrapped", new OutOfMemoryError("3")));
        l.warn("listener {} {} {}", "a", "b", new OutOfMemoryError("4"));
        l.log(InternalLogLevel.WARN, "x", new OutOfMemoryError("5"));
        assertThat(handed).hasSize(5);
    }

    @Test
    void logger_ordinaryExceptions_notReported() {
        capture();
        InternalLogger l = NettyFatalLog.wrap(quiet());
        l.warn("A task raised an exception. Task: {}", "task", new IllegalStateException("ordinary"));
        l.warn("io", new java.io.IOException("reset"));
        l.info("no throwable {}", 3);
        assertThat(handed).isEmpty();
    }

    @Test
    void install_afterwardsNettysLoggersReport() {
        capture();
        assertThat(NettyFatalLog.install()).isTrue();
        assertThat(NettyFatalLog.install()).as("twice: still one wrapper").isTrue();
        InternalLogger l = InternalLoggerFactory.getInstance("io.netty.util.concurrent.SomeExecutor");
        l.warn("A task raised an exception. Task: {}", "task", new OutOfMemoryError("installed"));
        assertThat(handed).containsExactly(Thread.currentThread().getName() + " java.lang.OutOfMemoryError: installed");
        assertThat(InternalLoggerFactory.getDefaultFactory()).isInstanceOf(NettyFatalLog.class);
    }

    @Test
    void httpExecutor_handlerThrowsOutOfMemory_reportedAndTheThreadServesOn() throws Exception {
        capture();
        AtomicInteger made = new AtomicInteger();
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "http-" + made.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        s.setExecutor(HttpFront.guarded(pool));
        AtomicInteger calls = new AtomicInteger();
        s.createContext("/", x -> {
            if (calls.incrementAndGet() == 1) {
                throw new OutOfMemoryError("in the status handler");
            }
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        s.start();
        try {
            String url = "http://127.0.0.1:" + s.getAddress().getPort() + "/";
            status(url); // the connection is closed on the error
            assertThat(status(url)).isEqualTo(204);
        } finally {
            s.stop(0);
            pool.shutdownNow();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
        assertThat(handed).containsExactly("http-1 java.lang.OutOfMemoryError: in the status handler");
        assertThat(made.get()).as("the thread that met the error served the next request").isEqualTo(1);
    }

    private static int status(String url) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(2000);
            try {
                return c.getResponseCode();
            } finally {
                c.disconnect();
            }
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
