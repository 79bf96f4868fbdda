package io.lvs4j.netlink.internal;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs socket-creating code inside a named network namespace: on a fresh thread that enters
 * {@code /run/netns/NAME} with setns(2) and returns to its original namespace afterwards, so no
 * caller thread ever changes namespace. A socket keeps the namespace it was created in.
 */
public final class Netns {
    private Netns() {}

    /** Work that may fail with a syscall error. */
    @FunctionalInterface
    public interface IoCall<T> {
        T call() throws NetlinkIoException;
    }

    /** Checks a namespace name ({@code ip netns} names: no '/', not "." or ".."). */
    public static String checkName(String netns) {
        if (netns == null || netns.isEmpty() || netns.contains("/") || netns.equals(".") || netns.equals("..")) {
            throw new IllegalArgumentException(io.lvs4j.internal.Preconditions.message("network namespace", netns,
                    "a name under /run/netns, without '/'"));
        }
        return netns;
    }

    /** Runs {@code body} in {@code netns}, or on the caller's thread when {@code netns} is null. */
    public static <T> T call(String netns, IoCall<T> body) throws NetlinkIoException {
        if (netns == null) {
            return body.call();
        }
        checkName(netns);
        Native.LibC libc = Native.boundLibc();
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                result.set(new Object[] {inThisThread(libc, "/run/netns/" + netns, body)});
            } catch (NetlinkIoException | RuntimeException e) {
                result.set(e);
            }
        }, "lvs4j-netns-" + netns);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetlinkIoException("setns", Native.EINTR, "Interrupted", "while opening in " + netns);
        }
        Object r = result.get();
        if (r instanceof NetlinkIoException) {
            throw (NetlinkIoException) r;
        }
        if (r instanceof RuntimeException) {
            throw (RuntimeException) r;
        }
        @SuppressWarnings("unchecked")
        T value = (T) ((Object[]) r)[0];
        return value;
    }

    /**
     * Moves the calling thread into {@code /run/netns/NAME} for the rest of its life (for threads
     * made to work in one namespace, such as a health checker's event loop: sockets they create and
     * processes they start belong to it).
     */
    public static void enter(String netns) throws NetlinkIoException {
        checkName(netns);
        Native.LibC libc = Native.boundLibc();
        setns(libc, "/run/netns/" + netns);
    }

    /** Moves the calling thread into the network namespace at {@code path}. */
    private static void setns(Native.LibC libc, String path) throws NetlinkIoException {
        int target = libc.open(path, Native.O_RDONLY | Native.O_CLOEXEC);
        if (target < 0) {
            int e = Native.errno();
            throw new NetlinkIoException("open", e, Native.strerror(e), path);
        }
        try {
            if (libc.setns(target, Native.CLONE_NEWNET) != 0) {
                int e = Native.errno();
                throw new NetlinkIoException("setns", e, Native.strerror(e), path);
            }
        } finally {
            libc.close(target);
        }
    }

    private static <T> T inThisThread(Native.LibC libc, String path, IoCall<T> body) throws NetlinkIoException {
        int self = libc.open("/proc/thread-self/ns/net", Native.O_RDONLY | Native.O_CLOEXEC);
        if (self < 0) {
            int e = Native.errno();
            throw new NetlinkIoException("open", e, Native.strerror(e), "/proc/thread-self/ns/net");
        }
        try {
            setns(libc, path);
            try {
                return body.call();
            } finally {
                if (libc.setns(self, Native.CLONE_NEWNET) != 0) {
                    int e = Native.errno();
                    throw new NetlinkIoException("setns", e, Native.strerror(e), "back to the original namespace");
                }
            }
        } finally {
            libc.close(self);
        }
    }
}
