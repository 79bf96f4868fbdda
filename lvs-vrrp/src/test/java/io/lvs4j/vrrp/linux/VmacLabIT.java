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
 * macvlan): lvs4j ({@link VmacLabMain}) in namespace {@code lv}, keepalived in {@code ka}, a client
 * in {@code cl}, all on one bridge. lvs4j is master on its macvlan {@code vrrp.51}; the client's
 * neighbour entry for the VIP is the virtual MAC and stays it when keepalived takes over; lvs4j's
 * macvlan is gone after close; a crash leaves it and the next start takes it over.
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

    private static final String SETUP = "set -e\n"
            + "cat > /tmp/ka.conf <<'EOF'\n" + KEEPALIVED_CONF + "EOF\n"
            + "ip link add br0 type bridge; ip link set br0 up\n"
            + "i=1; for n in lv ka cl; do\n"
            + "  ip netns add $n; ip link add ${n}0 type veth peer name br-$n\n"
            + "  ip link set ${n}0 netns $n; ip link set br-$n master br0; ip link set br-$n up\n"
            + "  ip -n $n link set lo up; ip -n $n addr add 192.0.2.$i/24 dev ${n}0; ip -n $n link set ${n}0 up\n"
            + "  i=$((i+1))\n"
            + "done\n"
            // the hosts' settings of keepalived's doc/NOTE_vrrp_vmac.txt (neither keepalived nor lvs4j
            // makes them), with arp_announce 2: the VIP is in the base's subnet, and with 1 the base's
            // own ARP requests would still name the VIP as sender and teach the client the base's MAC
            + "for n in lv ka; do ip netns exec $n sysctl -qw net.ipv4.conf.all.arp_ignore=1"
            + " net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.all.arp_filter=0; done\n"
            + "ip netns exec ka keepalived -P -n -l -D -f /tmp/ka.conf -p /tmp/ka.pid -r /tmp/ka.vrrp.pid"
            + " >/tmp/ka.log 2>&1 & kpid=$!\n"
            + "set +e\n";

    private static String java() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(UmlLab.DEFAULT_JVM_OPTIONS);
        cmd.add("-cp");
        cmd.add("'" + System.getProperty("java.class.path") + "'");
        cmd.add(VmacLabMain.class.getName());
        return String.join(" ", cmd) + "\n";
    }

    @Test
    void useVmac_lvs4jMasterKeepalivedBackup_clientKeepsVirtualMacAcrossFailoverAndCloseRemovesMacvlan(UmlLab lab)
            throws Exception {
        LabResult r = lab.toBuilder().memory("1G").extraModules("bridge").build().run(Duration.ofSeconds(170),
                SETUP + java() + "rc=$?\n"
                        + "kill $kpid; wait $kpid\n"
                        + "echo '== keepalived'; grep -i -E 'vmac|vrrp.51|VI_1' /tmp/ka.log | tail -20\n"
                        + "for n in lv ka cl; do ip netns del $n; done; ip link del br0\n"
                        + "exit $rc\n");
        String out = r.stdout() + "\n-- stderr:\n" + r.stderr();
        List<String> checks = r.stdout().lines().filter(l -> l.startsWith("CHECK ")).collect(Collectors.toList());
        assertThat(checks).as(out).hasSize(20).allMatch(l -> l.endsWith(" PASS"));
        assertThat(r.stdout()).as(out).contains("DONE failures=0");
        r.requireSuccess();
    }
}
