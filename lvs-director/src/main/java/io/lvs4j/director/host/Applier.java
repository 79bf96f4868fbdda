package io.lvs4j.director.host;

import io.lvs4j.internal.Addresses;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.netlink.InterfaceAddress;
import io.lvs4j.netlink.InterfaceException;
import io.lvs4j.netlink.Link;
import io.lvs4j.netlink.Rtnetlink;
import io.lvs4j.netlink.Sysctl;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes changes one by one, recording each real change; on a failure it undoes what it made and
 * throws, so nothing is half-applied.
 */
final class Applier {
    private final String netns;
    private final List<HostChanges.Step> steps = new ArrayList<>();

    Applier(String netns) {
        this.netns = netns;
    }

    /** Sets a sysctl unless it has {@code value} already. */
    void sysctl(String name, String value) throws HostSetupException {
        // a record is read back only with the sysctls lvs4j sets: keep the allow-list in step
        Preconditions.checkState(HostChanges.knownSysctl(name), "sysctl", name, "one HostChanges.SYSCTLS allows");
        try {
            String previous = Sysctl.read(netns, name);
            if (!previous.equals(value)) {
                Sysctl.write(netns, name, value);
                steps.add(new HostChanges.Step(HostChanges.Step.Kind.SYSCTL, name, previous, value));
            }
        } catch (InterfaceException e) {
            fail(e);
        }
    }

    /** Adds {@code address/prefix} on {@code ifname} unless that address is on it already (any prefix). */
    void address(String ifname, InetAddress address, int prefix) throws HostSetupException {
        try (Rtnetlink rt = Rtnetlink.open(netns)) {
            int index = rt.linkIndex(ifname);
            for (InterfaceAddress a : rt.addresses(index)) {
                if (a.address().equals(address)) {
                    return;
                }
            }
            rt.addAddress(InterfaceAddress.of(index, address, prefix));
            steps.add(new HostChanges.Step(HostChanges.Step.Kind.ADDRESS, ifname, null,
                    Addresses.format(address) + "/" + prefix));
        } catch (InterfaceException e) {
            fail(e);
        }
    }

    /** Sets {@code ifname} administratively up unless it is up. */
    void linkUp(String ifname) throws HostSetupException {
        try (Rtnetlink rt = Rtnetlink.open(netns)) {
            Link l = rt.link(ifname);
            if (!l.adminUp()) {
                rt.setLinkUp(l.index(), true);
                steps.add(new HostChanges.Step(HostChanges.Step.Kind.LINK_UP, ifname, "down", "up"));
            }
        } catch (InterfaceException e) {
            fail(e);
        }
    }

    /** The names of the namespace's interfaces. */
    List<String> interfaceNames() throws HostSetupException {
        List<String> names = new ArrayList<>();
        try (Rtnetlink rt = Rtnetlink.open(netns)) {
            for (Link l : rt.links()) {
                names.add(l.name());
            }
        } catch (InterfaceException e) {
            fail(e);
        }
        return names;
    }

    /** Checks a namespace name as {@code ip netns} names them: no '/', not "." or "..". */
    static String checkNetns(String name) {
        Preconditions.checkArgument(name != null && !name.isEmpty() && name.indexOf('/') < 0 && !name.equals(".")
                && !name.equals("..") && name.length() <= 255, "netns", name, "a name under /run/netns, without '/'");
        return name;
    }

    /** The sysctl name of a per-interface IPv4 setting, slash-separated when the name has a dot. */
    static String ipv4Conf(String ifname, String key) {
        return ifname.indexOf('.') >= 0 ? "net/ipv4/conf/" + ifname + "/" + key : "net.ipv4.conf." + ifname + "." + key;
    }

    HostChanges done() {
        return new HostChanges(netns, steps);
    }

    private void fail(InterfaceException e) throws HostSetupException {
        HostChanges partial = new HostChanges(netns, steps);
        String rollback;
        if (steps.isEmpty()) {
            rollback = "nothing was changed";
        } else {
            try {
                partial.undo();
                rollback = "rolled back: " + String.join(", ", partial.describe());
            } catch (HostSetupException u) {
                rollback = "rolling back failed, still applied: " + String.join(", ", partial.describe()) + " ("
                        + u.getMessage() + ")";
            }
        }
        throw new HostSetupException(e.getMessage() + " (" + rollback + ")", e);
    }
}
