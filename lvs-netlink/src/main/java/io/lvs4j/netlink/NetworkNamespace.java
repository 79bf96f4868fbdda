package io.lvs4j.netlink;

import io.lvs4j.internal.Preconditions;
import io.lvs4j.netlink.internal.NetlinkIoException;
import io.lvs4j.netlink.internal.Netns;

/**
 * Threads that live in a named network namespace ({@code /run/netns/NAME}). A socket belongs to
 * the namespace of the thread that created it, and a child process starts in the namespace of the
 * thread that started it; a director in a namespace runs its health checks on threads that
 * {@link #enter} it first. Calls are setns(2), which needs {@code CAP_SYS_ADMIN}.
 */
public final class NetworkNamespace {
    private NetworkNamespace() {}

    /**
     * Moves the calling thread into {@code netns} for good. Only for threads made for it (a
     * thread factory's new thread, before it runs anything): other code on the thread would then
     * work in that namespace too.
     *
     * @throws InterfaceException if the namespace cannot be opened or entered (errno and name)
     */
    public static void enter(String netns) throws InterfaceException {
        Netns.checkName(Preconditions.checkNotNull(netns, "network namespace"));
        try {
            Netns.enter(netns);
        } catch (NetlinkIoException e) {
            throw wrap(e, netns);
        }
    }

    /**
     * Checks that {@code netns} can be entered, on a short-lived thread (the caller stays where it
     * is), so a misnamed namespace fails when a director starts rather than in a checker thread.
     */
    public static void check(String netns) throws InterfaceException {
        Netns.checkName(Preconditions.checkNotNull(netns, "network namespace"));
        try {
            Netns.call(netns, () -> null);
        } catch (NetlinkIoException e) {
            throw wrap(e, netns);
        }
    }

    private static InterfaceException wrap(NetlinkIoException e, String netns) {
        InterfaceException ie = new InterfaceException(e.syscall, "network namespace " + netns + " (/run/netns/"
                + netns + ")", e.errno, e.errnoText, null);
        ie.initCause(e);
        return ie;
    }
}
