package io.lvs4j.vrrp.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.lab.LabResult;
import io.lvs4j.lab.RequiresUmlLab;
import io.lvs4j.lab.UmlLab;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code use_vmac} against keepalived 2.2.7 in a UML kernel (the build hosts' kernel has no
 * macvlan), one boot per case: lvs4j in namespace {@code lv}, keepalived in {@code ka}, a client
 * in {@code cl}, all on one bridge. IPv4 ({@link VmacLabMain}): lvs4j is master on its macvlan
 * {@code vrrp.51}; the client's neighbour entry for the VIP is the virtual MAC and stays it when
 * keepalived takes over; lvs4j's macvlan is gone after close; a crash leaves it and the next start
 * takes it over. IPv6 ({@link Vmac6LabMain}): the same with 00:00:5e:00:02:33, the macvlan holding
 * the base's link-local address (the adverts' source) and no address of the kernel's making,
 * failover to keepalived and back, each announcing the VIP from the virtual MAC, and nothing of
 * the instance's left after close.
 */
@RequiresUmlLab
class VmacLabIT {
    private static final String KEEPALIVED_CONF = String.join("\n",
            "global_defs {",
            "    router_id ka",
            "}",
            "vrrp_instance VI_1 {",
            "    state BACKUP",
            "    interface ka0",
            "    virtual_router_id 51",
            "    priority 100",
            "    advert_int 1",
            "    use_vmac",
            "    virtual_ipaddress {",
            "        192.0.2.100/24",
            "    }",
            "}",
            "");

    private static final String KEEPALIVED6_CONF = String.join("\n",
            "global_defs {",
            "    router_id ka",
            "}",
            "vrrp_instance VI_6 {",
            "    state BACKUP",
            "    interface ka0",
            "    virtual_router_id 51",
            "    version 3",
            "    priority 100",
            "    advert_int 1",
            "    use_vmac",
            "    virtual_ipaddress {",
            "        2001:db8::100/64",
            "    }",
            "}",
            "");

    /**
     * The bridge, the namespaces lv, ka and cl on it (base NAME0, IPv4 192.0.2.1..3/24, link-local
     * IPv6 without duplicate address detection), {@code hosts} (settings per host), keepalived in ka
     * with {@code conf}.
     */
    private static String setup(String conf, String hosts) {
        return "set -e\n"
                + "cat > /tmp/ka.conf <<'EOF'\n" + conf + "EOF\n"
                + "ip link add br0 type bridge mcast_snooping 0; ip link set br0 up\n"
                + "i=1; for n in lv ka cl; do\n"
                + "  ip netns add $n; ip link add ${n}0 type veth peer name br-$n\n"
                + "  ip link set ${n}0 netns $n; ip link set br-$n master br0; ip link set br-$n up\n"
                + "  ip netns exec $n sysctl -qw net.ipv6.conf.${n}0.accept_dad=0\n"
                + "  ip -n $n link set lo up; ip -n $n addr add 192.0.2.$i/24 dev ${n}0; ip -n $n link set ${n}0 up\n"
                + "  i=$((i+1))\n"
                + "done\n"
                + "for n in lv ka cl; do for t in $(seq 50); do\n"
                + "  ip -n $n -6 addr show dev ${n}0 scope link | grep -q fe80 && break; sleep 0.1\n"
                + "done; done\n"
                + hosts
                + "ip netns exec ka keepalived -P -n -l -D -f /tmp/ka.conf -p /tmp/ka.pid -r /tmp/ka.vrrp.pid"
                + " >/tmp/ka.log 2>&1 & kpid=$!\n"
                + "set +e\n";
    }

    // the hosts' settings of keepalived's doc/NOTE_vrrp_vmac.txt (neither keepalived nor lvs4j makes
    // them), with arp_announce 2: the VIP is in the base's subnet, and with 1 the base's own ARP
    // requests would still name the VIP as sender and teach the client the base's MAC
    private static final String IPV4_HOSTS = "for n in lv ka; do ip netns exec $n sysctl -qw"
            + " net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.all.arp_filter=0; done\n";

    private static String java(Class<?> main) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(UmlLab.DEFAULT_JVM_OPTIONS);
        cmd.add("-cp");
        cmd.add("'" + System.getProperty("java.class.path") + "'");
        cmd.add(main.getName());
        return String.join(" ", cmd) + "\n";
    }

    @Test
    void useVmac_lvs4jMasterKeepalivedBackup_clientKeepsVirtualMacAcrossFailoverAndCloseRemovesMacvlan(UmlLab lab)
            throws Exception {
        run(lab, setup(KEEPALIVED_CONF, IPV4_HOSTS), VmacLabMain.class, 20);
    }

    @Test
    void useVmacIpv6_lvs4jAndKeepalivedFailBothWays_clientKeepsVirtualMacAndCloseRemovesAll(UmlLab lab)
            throws Exception {
        run(lab, setup(KEEPALIVED6_CONF, "ip -n cl addr add 2001:db8::3/64 dev cl0 nodad\n"), Vmac6LabMain.class, 24);
    }

    private static void run(UmlLab lab, String setup, Class<?> main, int checks) throws Exception {
        LabResult r = lab.toBuilder().memory("1G").extraModules("bridge").build().run(Duration.ofSeconds(240),
                setup + "echo \"FIGURE guest_uptime_at_java_s $(cut -d' ' -f1 /proc/uptime)\"\n" + java(main) + "rc=$?\n"
                        + "echo \"FIGURE guest_uptime_at_end_s $(cut -d' ' -f1 /proc/uptime)\"\n"
                        + "kill $kpid; wait $kpid\n"
                        + "echo '== keepalived'; grep -i -E 'vmac|vrrp.51|VI_' /tmp/ka.log | tail -20\n"
                        + "for n in lv ka cl; do ip netns del $n; done; ip link del br0\n"
                        + "exit $rc\n");
        String out = r.stdout() + "\n-- stderr:\n" + r.stderr();
        r.stdout().lines().filter(l -> l.startsWith("CHECK ") || l.startsWith("FIGURE "))
                .forEach(System.out::println);
        List<String> lines = r.stdout().lines().filter(l -> l.startsWith("CHECK ")).collect(Collectors.toList());
        assertThat(lines).as(out).hasSize(checks).allMatch(l -> l.matches("CHECK \\S+ PASS .*"));
        assertThat(r.stdout()).as(out).contains("DONE failures=0");
        r.requireSuccess();
    }
}
