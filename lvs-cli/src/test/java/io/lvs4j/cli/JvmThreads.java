package io.lvs4j.cli;

import com.sun.jdi.ArrayReference;
import com.sun.jdi.ArrayType;
import com.sun.jdi.Bootstrap;
import com.sun.jdi.ClassType;
import com.sun.jdi.Method;
import com.sun.jdi.ObjectReference;
import com.sun.jdi.ReferenceType;
import com.sun.jdi.ObjectCollectedException;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.VMDisconnectedException;
import com.sun.jdi.VMOutOfMemoryException;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.connect.AttachingConnector;
import com.sun.jdi.connect.Connector;
import com.sun.jdi.connect.IllegalConnectorArgumentsException;
import com.sun.jdi.event.BreakpointEvent;
import com.sun.jdi.event.Event;
import com.sun.jdi.event.EventSet;
import com.sun.jdi.request.BreakpointRequest;
import com.sun.jdi.request.EventRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Threads of another JVM, reached through its debug agent ({@code -agentlib:jdwp=transport=dt_socket,
 * server=y,suspend=n,address=127.0.0.1:PORT}, the JDK's Java Debug Wire Protocol): suspending one
 * thread is what a loop stuck in a call that never returns looks like from outside, while the rest
 * of the process goes on. Nothing in lvs4j knows about it. {@link #close()} resumes every thread
 * suspended through this connection.
 */
final class JvmThreads implements AutoCloseable {
    private final VirtualMachine vm;

    private JvmThreads(VirtualMachine vm) {
        this.vm = vm;
    }

    /** Attaches to the debug agent listening on {@code 127.0.0.1:port}; the JVM runs on. */
    static JvmThreads attach(int port) throws IOException {
        AttachingConnector socket = Bootstrap.virtualMachineManager().attachingConnectors().stream()
                .filter(c -> c.name().equals("com.sun.jdi.SocketAttach")).findFirst()
                .orElseThrow(() -> new IOException("no com.sun.jdi.SocketAttach connector in this JDK"));
        Map<String, Connector.Argument> args = socket.defaultArguments();
        args.get("hostname").setValue("127.0.0.1");
        args.get("port").setValue(Integer.toString(port));
        args.get("timeout").setValue("10000");
        try {
            return new JvmThreads(socket.attach(args));
        } catch (IllegalConnectorArgumentsException e) {
            throw new IOException(e);
        }
    }

    /** Suspends the threads whose whole names match {@code regex}: their names (none: an error). */
    List<String> suspend(String regex) {
        List<ThreadReference> ts = vm.allThreads().stream().filter(t -> t.name().matches(regex)).toList();
        if (ts.isEmpty()) {
            throw new IllegalStateException("no thread named " + regex + "; threads: "
                    + vm.allThreads().stream().map(ThreadReference::name).toList());
        }
        ts.forEach(ThreadReference::suspend);
        return ts.stream().map(ThreadReference::name).toList();
    }

    /** Resumes the threads whose whole names match {@code regex}. */
    void resume(String regex) {
        vm.allThreads().stream().filter(t -> t.name().matches(regex)).forEach(t -> {
            while (t.suspendCount() > 0) {
                t.resume();
            }
        });
    }

    /**
     * Makes the thread named {@code threadName} die of an {@link Error} with {@code message}, thrown
     * at the next entry of {@code className.methodName} on that thread, as if the method had thrown it
     * (what a StackOverflowError or an OutOfMemoryError in that code looks like): a breakpoint stops
     * the thread there, the error is made in that JVM and the thread resumes with it. Returns the
     * thread's name once it resumed; waits at most {@code timeoutMillis} for the breakpoint.
     */
    String throwError(String threadName, String className, String methodName, String message, long timeoutMillis)
            throws Exception {
        return throwError(threadName, className, methodName, "java.lang.Error", message, timeoutMillis);
    }

    /**
     * As {@link #throwError(String, String, String, String, long)}, with an error of class {@code
     * errorClass} (one with a constructor taking the message: {@code java.lang.OutOfMemoryError}) in
     * the thread whose whole name matches the regular expression {@code threadName} (the first one).
     */
    String throwError(String threadName, String className, String methodName, String errorClass, String message,
            long timeoutMillis) throws Exception {
        ThreadReference thread = vm.allThreads().stream().filter(t -> t.name().matches(threadName)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no thread named " + threadName));
        List<ReferenceType> types = vm.classesByName(className);
        if (types.isEmpty()) {
            throw new IllegalStateException("class " + className + " is not loaded");
        }
        Method method = types.get(0).methodsByName(methodName).get(0);
        BreakpointRequest bp = vm.eventRequestManager().createBreakpointRequest(method.location());
        bp.addThreadFilter(thread);
        bp.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
        bp.enable();
        try {
            long end = System.currentTimeMillis() + timeoutMillis;
            while (System.currentTimeMillis() < end) {
                EventSet events = vm.eventQueue().remove(Math.max(1, end - System.currentTimeMillis()));
                if (events == null) {
                    break;
                }
                for (Event e : events) {
                    if (e instanceof BreakpointEvent b && b.thread().equals(thread)) {
                        bp.disable();
                        ClassType error = (ClassType) vm.classesByName(errorClass).get(0);
                        Method constructor = error.concreteMethodByName("<init>", "(Ljava/lang/String;)V");
                        ObjectReference thrown = error.newInstance(thread, constructor,
                                List.of(vm.mirrorOf(message)), ClassType.INVOKE_SINGLE_THREADED);
                        thread.stop(thrown);
                        events.resume();
                        return thread.name();
                    }
                }
                events.resume();
            }
            throw new IllegalStateException("thread " + threadName + " did not enter " + className + "."
                    + methodName + " within " + timeoutMillis + " ms");
        } finally {
            vm.eventRequestManager().deleteEventRequest(bp);
        }
    }

    /**
     * Fills that JVM's heap as a leak in it would: byte arrays made there through the debug agent
     * and kept (their collection disabled, until {@link #close()}), {@code startBytes} each until one
     * more cannot be made, then half that, down to 64 bytes; the JVM's own threads then run out of
     * memory on their next allocations that a garbage collection cannot satisfy. Stops early once
     * {@code enough} says so (checked between arrays). Returns the bytes kept.
     */
    long fillHeap(int startBytes, BooleanSupplier enough) {
        ArrayType bytes = (ArrayType) vm.classesByName("byte[]").get(0);
        long kept = 0;
        for (int size = startBytes; size >= 64; size /= 2) {
            while (!enough.getAsBoolean()) {
                try {
                    ArrayReference a = bytes.newInstance(size);
                    a.disableCollection();
                    leak.add(a);
                    kept += size;
                } catch (VMOutOfMemoryException | ObjectCollectedException e) {
                    break; // this size no longer fits (or was collected before it was kept): a smaller one
                }
            }
        }
        return kept;
    }

    private final List<ArrayReference> leak = new ArrayList<>();

    /**
     * Lets the JVM go: every thread suspended here runs again, what {@link #fillHeap} kept may be
     * collected, the agent listens for the next debugger. Nothing when the JVM has ended.
     */
    @Override
    public void close() {
        try {
            vm.dispose();
        } catch (VMDisconnectedException e) {
            // the JVM ended
        }
    }
}
