package io.lvs4j.netlink;

import io.lvs4j.internal.Preconditions;
import io.lvs4j.netlink.internal.Netns;
import io.lvs4j.netlink.internal.NetlinkIoException;
import io.lvs4j.netlink.internal.SysctlFiles;

/**
 * Kernel parameters under {@code /proc/sys}, what {@code sysctl -n NAME} and {@code sysctl -w
 * NAME=VALUE} do, in the caller's network namespace or in a named one ({@code /run/netns/NAME}).
 * In a named namespace the file is opened on a short-lived thread that entered it with setns(2),
 * because the kernel resolves {@code /proc/sys/net} for the calling thread's namespace.
 *
 * <p>Names are dotted ({@code net.ipv4.conf.all.arp_ignore}) or, as sysctl(8) allows for
 * interface names with dots, slash-separated ({@code net/ipv4/conf/eth0.100/arp_ignore}).
 * Failures name the parameter, the namespace and the errno, e.g. {@code open failed: No such file
 * or directory (errno 2) for sysctl net.ipv4.conf.eth9.arp_ignore in network namespace ns1}.
 */
public final class Sysctl {
    private Sysctl() {}

    /** The value of {@code name}, without the trailing newline ({@code sysctl -n}). */
    public static String read(String netns, String name) throws InterfaceException {
        String path = path(name);
        check(netns);
        try {
            return Netns.call(netns, () -> SysctlFiles.read(path));
        } catch (NetlinkIoException e) {
            throw wrap(e, name, netns);
        }
    }

    /** Sets {@code name} to {@code value} ({@code sysctl -w}). */
    public static void write(String netns, String name, String value) throws InterfaceException {
        String path = path(name);
        check(netns);
        Preconditions.checkNotNull(value, "value");
        Preconditions.checkArgument(!value.isEmpty() && value.indexOf('\n') < 0 && value.length() <= 4000, "value",
                value, "a non-empty single line");
        try {
            Netns.call(netns, () -> {
                SysctlFiles.write(path, value);
                return null;
            });
        } catch (NetlinkIoException e) {
            throw wrap(e, name, netns);
        }
    }

    /** The file under {@code /proc/sys} for {@code name}; rejects names that could leave it. */
    static String path(String name) {
        Preconditions.checkNotNull(name, "sysctl");
        boolean slashes = name.indexOf('/') >= 0;
        String[] parts = name.split(slashes ? "/" : "\\.", -1);
        boolean ok = !name.isEmpty() && name.length() <= 255;
        for (String p : parts) {
            ok &= !p.isEmpty() && !p.equals(".") && !p.equals("..");
            for (int i = 0; ok && i < p.length(); i++) {
                char c = p.charAt(i);
                ok = c > ' ' && c < 127;
            }
        }
        Preconditions.checkArgument(ok, "sysctl", name, "a name such as net.ipv4.ip_forward or net/ipv4/conf/eth0.1/arp_ignore");
        return "/proc/sys/" + String.join("/", parts);
    }

    private static void check(String netns) {
        if (netns != null) {
            Netns.checkName(netns);
        }
    }

    private static InterfaceException wrap(NetlinkIoException e, String name, String netns) {
        String msg = e.getMessage();
        boolean namespaceStep = netns != null && (e.syscall.equals("setns") || msg.endsWith("/run/netns/" + netns)
                || msg.endsWith("/proc/thread-self/ns/net"));
        String object = namespaceStep
                ? "network namespace " + netns + " (/run/netns/" + netns + ", for sysctl " + name + ")"
                : "sysctl " + name + (netns != null ? " in network namespace " + netns : "");
        InterfaceException ie = new InterfaceException(e.syscall, object, e.errno, e.errnoText, null);
        ie.initCause(e);
        return ie;
    }
}
