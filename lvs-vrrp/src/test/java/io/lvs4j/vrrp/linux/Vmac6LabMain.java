package io.lvs4j.vrrp.linux;

import static io.lvs4j.vrrp.linux.VmacLabMain.check;
import static io.lvs4j.vrrp.linux.VmacLabMain.sh;
import static io.lvs4j.vrrp.linux.VmacLabMain.state;
import static io.lvs4j.vrrp.linux.VmacLabMain.waitFor;

import io.lvs4j.vrrp.InitialState;
import io.lvs4j.vrrp.NodeAccess;
import io.lvs4j.vrrp.RouterState;
import io.lvs4j.vrrp.VrrpInstance;
import io.lvs4j.vrrp.VrrpNode;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs inside the UML guest for {@link VmacLabIT}'s IPv6 case, after its script has made the
 * namespaces {@code lv} (lvs4j, base {@code lv0}), {@code ka} (keepalived 2.2.7, an IPv6 instance
 * with {@code use_vmac}, backup, priority 100) and {@code cl} (a client, 2001:db8::3/64) on one
 * bridge, every base with its link-local address. Prints {@code CHECK name PASS|FAIL (T+ms)
 * detail} and {@code FIGURE name value} lines and {@code DONE failures=N}.
 */
public final class Vmac6LabMain {
    static final String VMAC = "00:00:5e:00:02:33"; // IPv6, VRID 51
    static final String VIP = "2001:db8::100";
    private static final String NA_FILTER = "'ether src " + VMAC + " and ip6 dst ff02::1 and icmp6 and ip6[40] == 136'";
    private static int captures;

    private Vmac6LabMain() {}

    public static void main(String[] args) throws Exception {
        String ll = sh("ip -n lv -6 -o addr show dev lv0 scope link | awk '{print $4}'"); // fe80::.../64
        String baseBefore = base();
        VrrpInstance vi = VrrpInstance.builder("VI_6").interfaceName("lv0").virtualRouterId(51).priority(150)
                .version(3).initialState(InitialState.BACKUP).advertInterval(Duration.ofSeconds(1))
                .virtualAddress(VIP + "/64").useVmac().build();
        LinuxNetwork net = LinuxNetwork.builder().namespace("lv").build();

        // 1. lvs4j master on its macvlan, keepalived backup on its own
        VrrpNode node = VrrpNode.builder(net).instance(vi).start();
        check("lvs4j_master", waitFor(Duration.ofSeconds(30), () -> state(node, "VI_6") == RouterState.MASTER),
                state(node, "VI_6"));
        String link = sh("ip -n lv -d link show vrrp.51");
        check("vmac_created_private_with_ipv6_virtual_mac", link.contains("macvlan mode private")
                && link.contains(VMAC) && link.contains("vrrp.51@lv0"), link);
        check("vmac_ipv6_enabled_without_address_generation", sh("for p in disable_ipv6 addr_gen_mode; do "
                + "ip netns exec lv cat /proc/sys/net/ipv6/conf/vrrp.51/$p; done | tr '\\n' ' '").equals("0 1"),
                sh("ip netns exec lv sysctl -a 2>/dev/null | grep 'vrrp/51'"));
        String addrs = sh("ip -n lv -6 -o addr show dev vrrp.51 | awk '{print $4}' | sort | tr '\\n' ' '");
        check("vmac_holds_base_link_local_and_vip_only", addrs.equals(VIP + "/64 " + ll), addrs + " / " + ll);
        check("base_untouched", base().equals(baseBefore), base() + " / " + baseBefore);
        String advert = sh("timeout 15 ip netns exec cl tcpdump -nn -e -c 1 -i cl0 ip6 proto 112 2>/dev/null");
        check("advert_from_virtual_mac_and_base_link_local", advert.contains(VMAC + " > 33:33:00:00:00:12")
                && advert.contains(ll.replace("/64", "") + " > ff02::12") && advert.contains("vrid 51")
                && advert.contains("prio 150"), advert);
        check("keepalived_backup_without_vip", !sh("ip -n ka -6 addr").contains(VIP), sh("ip -n ka -6 addr"));
        check("client_reaches_vip", reaches(), "");
        check("client_neighbour_is_virtual_mac", neighbour().contains("lladdr " + VMAC), neighbour());

        // 2. lvs4j stops: keepalived takes over on its macvlan and announces the VIP with the same MAC
        String na = captureAnnouncements();
        long t0 = System.nanoTime();
        node.close();
        boolean taken = waitFor(Duration.ofSeconds(30), () -> sh("ip -n ka -6 addr show dev vrrp.51").contains(VIP));
        System.out.println("FIGURE failover_ms " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        check("keepalived_takes_vip_on_its_vmac", taken, sh("ip -n ka -6 addr"));
        check("keepalived_announces_vip_from_virtual_mac", announced(na), sh("cat " + na + " " + na + ".err"));
        check("vmac_and_vip_gone_on_close", sh("ip -n lv link show vrrp.51 2>&1").contains("does not exist")
                && !sh("ip -n lv -6 addr").contains(VIP) && base().equals(baseBefore), sh("ip -n lv -6 addr"));
        check("client_reaches_vip_after_failover", reaches(), "");
        check("client_neighbour_same_mac_after_failover", neighbour().contains("lladdr " + VMAC), neighbour());

        // 3. lvs4j back: it preempts, keepalived lets go, lvs4j announces the VIP with the same MAC
        String na2 = captureAnnouncements();
        VrrpNode back = VrrpNode.builder(net).instance(vi).start();
        check("lvs4j_preempts", waitFor(Duration.ofSeconds(30), () -> state(back, "VI_6") == RouterState.MASTER),
                state(back, "VI_6"));
        check("keepalived_releases_vip", waitFor(Duration.ofSeconds(30),
                () -> !sh("ip -n ka -6 addr").contains(VIP)), sh("ip -n ka -6 addr"));
        check("lvs4j_announces_vip_from_virtual_mac", announced(na2), sh("cat " + na2 + " " + na2 + ".err"));
        check("client_reaches_vip_after_failback", reaches(), "");
        check("client_neighbour_same_mac_after_failback", neighbour().contains("lladdr " + VMAC), neighbour());

        // 4. a crash leaves the macvlan; the next start takes it over (its addresses too) and its close cleans up
        NodeAccess.abort(back);
        check("crash_leaves_vmac", sh("ip -n lv link show vrrp.51 2>&1").contains(VMAC), sh("ip -n lv link"));
        check("keepalived_takes_over_after_crash", waitFor(Duration.ofSeconds(30),
                () -> sh("ip -n ka -6 addr show dev vrrp.51").contains(VIP)), sh("ip -n ka -6 addr"));
        VrrpNode restarted = VrrpNode.builder(net).instance(vi).start();
        check("restart_takes_over_vmac", waitFor(Duration.ofSeconds(30),
                () -> state(restarted, "VI_6") == RouterState.MASTER), state(restarted, "VI_6"));
        String one = sh("ip -n lv -o link show | grep -c '" + VMAC + "'; ip -n lv -6 -o addr show dev vrrp.51"
                + " | grep -c fe80");
        check("restart_one_vmac_one_link_local", one.equals("1\n1"), one);
        restarted.close();
        check("everything_gone_after_close", sh("ip -n lv link show vrrp.51 2>&1").contains("does not exist")
                && !sh("ip -n lv -6 addr").contains(VIP) && base().equals(baseBefore),
                sh("ip -n lv -6 addr") + " / " + base());
        System.out.println("DONE failures=" + VmacLabMain.failures());
    }

    /** lv0's IPv6 addresses and its IPv4 ARP and IPv6 settings, as one line. */
    private static String base() {
        return sh("ip -n lv -6 -o addr show dev lv0 | awk '{print $4}' | sort | tr '\\n' ' '; for p in"
                + " ipv4/conf/lv0/arp_ignore ipv4/conf/lv0/arp_filter ipv6/conf/lv0/disable_ipv6"
                + " ipv6/conf/lv0/addr_gen_mode; do ip netns exec lv cat /proc/sys/net/$p; done | tr '\\n' ' '");
    }

    /** A TCP connect from the client to the VIP's port 9 is refused (RST): the VIP's host answered. */
    private static boolean reaches() {
        return sh("ip netns exec cl python3 -c \"import socket; s = socket.socket(socket.AF_INET6); s.settimeout(2); "
                + "print(s.connect_ex(('" + VIP + "', 9)))\"").equals("111");
    }

    private static String neighbour() {
        return sh("ip -n cl -6 neigh show " + VIP);
    }

    /**
     * Starts a capture in the client of the first unsolicited neighbour advertisement (to ff02::1)
     * from the virtual MAC, ending by itself within 60 s (room for a loaded guest to start it and
     * for the failover it watches); returns its output file once tcpdump listens, throws if it
     * does not within 30 s (an announcement sent before would be missed).
     */
    private static String captureAnnouncements() throws InterruptedException {
        String file = "/tmp/na" + (++captures) + ".txt";
        sh("(timeout 60 ip netns exec cl tcpdump -nn -e -v -l -c 1 -i cl0 " + NA_FILTER + " >" + file + " 2>" + file
                + ".err &)");
        if (!waitFor(Duration.ofSeconds(30), () -> sh("cat " + file + ".err").contains("listening on"))) {
            throw new IllegalStateException("tcpdump not listening in 30 s: " + sh("cat " + file + ".err"));
        }
        return file;
    }

    private static boolean announced(String file) throws InterruptedException {
        return waitFor(Duration.ofSeconds(30), () -> {
            String out = sh("cat " + file);
            return out.contains(VMAC + " > 33:33:00:00:00:01") && out.contains("neighbor advertisement")
                    && out.contains("tgt is " + VIP);
        });
    }
}
