package io.lvs4j.cli;

import com.sun.jdi.Bootstrap;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.connect.AttachingConnector;
import com.sun.jdi.connect.Connector;
import com.sun.jdi.connect.IllegalConnectorArgumentsException;
import java.io.IOException;
import java.util.List;
import java.util.Map;

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

    /** Lets the JVM go: every thread suspended here runs again, the agent listens for the next debugger. */
    @Override
    public void close() {
        vm.dispose();
    }
}
