package io.lvs4j.cli;

import io.lvs4j.internal.FatalErrors;
import io.netty.util.internal.logging.InternalLogLevel;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Netty's own catch-alls, made to tell the application (issue 16). Netty catches every
 * {@link Throwable} where it runs other code and logs it: a task on an event loop ({@code
 * AbstractEventExecutor.safeExecute}: "A task raised an exception"), a future's listener ({@code
 * DefaultPromise}: "An exception was thrown by ..."), its selector loop ("Unexpected exception in
 * the selector loop"), an exception that reached a pipeline's tail. An {@link OutOfMemoryError}
 * there would be a log line and the loop would go on. This logger factory, put in front of the one
 * Netty chose, hands every {@link VirtualMachineError} Netty logs (a {@link Throwable} argument, or
 * its cause) to the logging thread's uncaught exception handler ({@link FatalErrors#report}), then
 * logs as before. Warnings and errors are always offered to it (their {@code is...Enabled} say
 * true; the logger behind still filters).
 *
 * <p>Netty keeps a logger per class from the class's initialisation: {@link #install()} must run
 * before any Netty class is loaded ({@link Main#main} does it first); classes loaded earlier keep
 * the logger they have.
 */
final class NettyFatalLog extends InternalLoggerFactory {
    private final InternalLoggerFactory delegate;
    private final Method newInstance;

    private NettyFatalLog(InternalLoggerFactory delegate) throws ReflectiveOperationException {
        this.delegate = delegate;
        // protected in InternalLoggerFactory; public in the factories Netty picks (SLF4J, JDK, ...)
        this.newInstance = InternalLoggerFactory.class.getDeclaredMethod("newInstance", String.class);
        newInstance.setAccessible(true);
    }

    /** Puts the factory in front of Netty's default one (once); false if Netty's logging cannot be wrapped. */
    static synchronized boolean install() {
        InternalLoggerFactory current = InternalLoggerFactory.getDefaultFactory();
        if (current instanceof NettyFatalLog) {
            return true;
        }
        try {
            InternalLoggerFactory.setDefaultFactory(new NettyFatalLog(current));
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /** A logger that reports what {@code delegate} is given ({@code delegate}: any of Netty's). */
    static InternalLogger wrap(InternalLogger delegate) {
        return new Logger(delegate);
    }

    @Override
    protected InternalLogger newInstance(String name) {
        try {
            return new Logger((InternalLogger) newInstance.invoke(delegate, name));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error er) {
                throw er;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** {@link #seen} of a varargs call's last argument, where Netty passes the Throwable. */
    private static void seenLast(Object[] arguments) {
        if (arguments != null && arguments.length > 0) {
            seen(arguments[arguments.length - 1]);
        }
    }

    private static void seen(Object o) {
        if (o instanceof Throwable t) {
            FatalErrors.report(t);
        }
    }

    private static final class Logger implements InternalLogger {
        private final InternalLogger delegate;

        Logger(InternalLogger delegate) {
            this.delegate = delegate;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public boolean isTraceEnabled() {
            return delegate.isTraceEnabled();
        }

        @Override
        public void trace(String msg) {
            delegate.trace(msg);
        }

        @Override
        public void trace(String format, Object arg) {
            seen(arg);
            delegate.trace(format, arg);
        }

        @Override
        public void trace(String format, Object argA, Object argB) {
            seen(argB);
            seen(argA);
            delegate.trace(format, argA, argB);
        }

        @Override
        public void trace(String format, Object... arguments) {
            seenLast(arguments);
            delegate.trace(format, arguments);
        }

        @Override
        public void trace(String msg, Throwable t) {
            seen(t);
            delegate.trace(msg, t);
        }

        @Override
        public void trace(Throwable t) {
            seen(t);
            delegate.trace(t);
        }

        @Override
        public boolean isDebugEnabled() {
            return delegate.isDebugEnabled();
        }

        @Override
        public void debug(String msg) {
            delegate.debug(msg);
        }

        @Override
        public void debug(String format, Object arg) {
            seen(arg);
            delegate.debug(format, arg);
        }

        @Override
        public void debug(String format, Object argA, Object argB) {
            seen(argB);
            seen(argA);
            delegate.debug(format, argA, argB);
        }

        @Override
        public void debug(String format, Object... arguments) {
            seenLast(arguments);
            delegate.debug(format, arguments);
        }

        @Override
        public void debug(String msg, Throwable t) {
            seen(t);
            delegate.debug(msg, t);
        }

        @Override
        public void debug(Throwable t) {
            seen(t);
            delegate.debug(t);
        }

        @Override
        public boolean isInfoEnabled() {
            return delegate.isInfoEnabled();
        }

        @Override
        public void info(String msg) {
            delegate.info(msg);
        }

        @Override
        public void info(String format, Object arg) {
            seen(arg);
            delegate.info(format, arg);
        }

        @Override
        public void info(String format, Object argA, Object argB) {
            seen(argB);
            seen(argA);
            delegate.info(format, argA, argB);
        }

        @Override
        public void info(String format, Object... arguments) {
            seenLast(arguments);
            delegate.info(format, arguments);
        }

        @Override
        public void info(String msg, Throwable t) {
            seen(t);
            delegate.info(msg, t);
        }

        @Override
        public void info(Throwable t) {
            seen(t);
            delegate.info(t);
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public void warn(String msg) {
            delegate.warn(msg);
        }

        @Override
        public void warn(String format, Object arg) {
            seen(arg);
            delegate.warn(format, arg);
        }

        @Override
        public void warn(String format, Object argA, Object argB) {
            seen(argB);
            seen(argA);
            delegate.warn(format, argA, argB);
        }

        @Override
        public void warn(String format, Object... arguments) {
            seenLast(arguments);
            delegate.warn(format, arguments);
        }

        @Override
        public void warn(String msg, Throwable t) {
            seen(t);
            delegate.warn(msg, t);
        }

        @Override
        public void warn(Throwable t) {
            seen(t);
            delegate.warn(t);
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        public void error(String msg) {
            delegate.error(msg);
        }

        @Override
        public void error(String format, Object arg) {
            seen(arg);
            delegate.error(format, arg);
        }

        @Override
        public void error(String format, Object argA, Object argB) {
            seen(argB);
            seen(argA);
            delegate.error(format, argA, argB);
        }

        @Override
        public void error(String format, Object... arguments) {
            seenLast(arguments);
            delegate.error(format, arguments);
        }

        @Override
        public void error(String msg, Throwable t) {
            seen(t);
            delegate.error(msg, t);
        }

        @Override
        public void error(Throwable t) {
            seen(t);
            delegate.error(t);
        }

        @Override
        public boolean isEnabled(InternalLogLevel level) {
            return level == InternalLogLevel.WARN || level == InternalLogLevel.ERROR || delegate.isEnabled(level);
        }

        @Override
        public void log(InternalLogLevel level, String msg) {
            delegate.log(level, msg);
        }

        @Override
        public void log(InternalLogLevel level, String format, Object arg) {
            seen(arg);
            delegate.log(level, format, arg);
        }

        @Override
        public void log(InternalLogLevel level, String format, Object argA, Object argB) {
            seen(argB);
            seen(argA);
            delegate.log(level, format, argA, argB);
        }

        @Override
        public void log(InternalLogLevel level, String format, Object... arguments) {
            seenLast(arguments);
            delegate.log(level, format, arguments);
        }

        @Override
        public void log(InternalLogLevel level, String msg, Throwable t) {
            seen(t);
            delegate.log(level, msg, t);
        }

        @Override
        public void log(InternalLogLevel level, Throwable t) {
            seen(t);
            delegate.log(level, t);
        }

        @Override
        public String toString() {
            return "NettyFatalLog[" + delegate + "]";
        }
    }
}
