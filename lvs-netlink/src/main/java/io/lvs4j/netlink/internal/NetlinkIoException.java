package io.lvs4j.netlink.internal;

/**
 * A failed syscall on a netlink socket: the syscall's name, errno and strerror text. The public
 * API turns it into an {@code IpvsException}.
 */
public final class NetlinkIoException extends Exception {
    private static final long serialVersionUID = 1L;
    public final String syscall;
    public final int errno;
    public final String errnoText;

    public NetlinkIoException(String syscall, int errno, String errnoText, String detail) {
        super(syscall + " failed: " + errnoText + " (errno " + errno + ")" + (detail != null ? " " + detail : ""));
        this.syscall = syscall;
        this.errno = errno;
        this.errnoText = errnoText;
    }
}
