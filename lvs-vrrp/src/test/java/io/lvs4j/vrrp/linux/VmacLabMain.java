package io.lvs4j.vrrp.linux;

import io.lvs4j.vrrp.InitialState;
import io.lvs4j.vrrp.NodeAccess;
import io.lvs4j.vrrp.RouterState;
import io.lvs4j.vrrp.VrrpInstance;
import io.lvs4j.vrrp.VrrpNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs inside the UML guest for {@link VmacLabIT}, after its script has made the namespaces
 * {@code lv} (lvs4j, base {@code lv0}), {@code ka} (keepalived 2.2.7 with {@code use_vmac}, backup,
 * priority 100) and {@code cl} (a client) on one bridge. Prints {@code CHECK name PASS|FAIL
 * (T+ms) detail} lines and {@code FIGURE name value} lines; exits 0 when it got to the end.
 */
public final class VmacLabMain {
    static final String VMAC = "00:00:5e:00:01:33"; // VRID 51
    private static int failures;
    private static final long T0 = System.nanoTime();

    private VmacLabMain() {}

    public static void main(String[] args) throws Exception {
        VrrpInstance vi = VrrpInstance.builder("VI_1").interfaceName("lv0").virtualRouterId(51).priority(150)
                .initialState(InitialState.BACKUP).advertInterval(Duration.ofSeconds(1))
                .virtualAddress("192.0.2.100/24").useVmac().build();
        LinuxNetwork net = LinuxNetwork.builder().namespace("lv").build();

        // 1. lvs4j master on its macvlan, keepalived backup on its own
        VrrpNode node = VrrpNode.builder(net).instance(vi).start();
        check("lvs4j_master", waitFor(Duration.ofSeconds(30), () -> state(node) == RouterState.MASTER), state(node));
        String link = sh("ip -n lv -d link show vrrp.51");
        check("vmac_created_private_with_virtual_mac", link.contains("macvlan mode private") && link.contains(VMAC)
                && link.contains("vrrp.51@lv0"), link);
        check("vip_on_vmac", sh("ip -n lv -4 addr show dev vrrp.51").contains("192.0.2.100/24"),
                sh("ip -n lv -4 addr"));
        check("vmac_sysctls", sh("for p in arp_ignore accept_local rp_filter promote_secondaries; do "
                + "ip netns exec lv cat /proc/sys/net/ipv4/conf/vrrp.51/$p; done | tr '\\n' ' '").equals("1 1 0 1"),
                sh("ip netns exec lv sysctl -a 2>/dev/null | grep 'vrrp/51'"));
        check("base_sysctls_set", sh("ip netns exec lv cat /proc/sys/net/ipv4/conf/lv0/arp_ignore "
                + "/proc/sys/net/ipv4/conf/lv0/arp_filter | tr '\\n' ' '").equals("1 1"), "");
        String advert = sh("timeout 15 ip netns exec cl tcpdump -nn -e -c 1 -i cl0 ip proto 112 2>/dev/null");
        check("advert_from_virtual_mac", advert.contains(VMAC + " > 01:00:5e:00:00:12") && advert.contains("vrid 51")
                && advert.contains("prio 150"), advert);
        check("keepalived_backup_without_vip", !sh("ip -n ka -4 addr").contains("192.0.2.100"), sh("ip -n ka -4 addr"));
        check("client_reaches_vip", reaches(), "");
        String neigh1 = sh("ip -n cl neigh show 192.0.2.100");
        check("client_neighbour_is_virtual_mac", neigh1.contains("lladdr " + VMAC), neigh1 + " / " + bases());

        // 2. lvs4j stops: keepalived takes over on its macvlan, the client's entry keeps the MAC
        long t0 = System.nanoTime();
        node.close();
        boolean taken = waitFor(Duration.ofSeconds(30), () -> sh("ip -n ka -4 addr show dev vrrp.51")
                .contains("192.0.2.100"));
        System.out.println("FIGURE failover_ms " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        check("keepalived_takes_vip_on_its_vmac", taken, sh("ip -n ka -4 addr"));
        check("vmac_deleted_on_close", sh("ip -n lv link show vrrp.51 2>&1").contains("does not exist"),
                sh("ip -n lv link"));
        check("base_sysctls_restored", sh("ip netns exec lv cat /proc/sys/net/ipv4/conf/lv0/arp_ignore "
                + "/proc/sys/net/ipv4/conf/lv0/arp_filter | tr '\\n' ' '").equals("0 0"), "");
        check("client_reaches_vip_after_failover",
                reaches(), "");
        String neigh2 = sh("ip -n cl neigh show 192.0.2.100");
        check("client_neighbour_same_mac_after_failover", neigh2.contains("lladdr " + VMAC), neigh2 + " / " + bases());

        // 3. a crash leaves the macvlan; the next start takes it over and its close removes it
        VrrpNode crashing = VrrpNode.builder(net).instance(vi).start();
        check("lvs4j_preempts", waitFor(Duration.ofSeconds(30), () -> state(crashing) == RouterState.MASTER),
                state(crashing));
        NodeAccess.abort(crashing);
        check("crash_leaves_vmac", sh("ip -n lv link show vrrp.51 2>&1").contains(VMAC), sh("ip -n lv link"));
        check("keepalived_takes_over_after_crash", waitFor(Duration.ofSeconds(30),
                () -> sh("ip -n ka -4 addr show dev vrrp.51").contains("192.0.2.100")), sh("ip -n ka -4 addr"));
        VrrpNode restarted = VrrpNode.builder(net).instance(vi).start();
        check("restart_takes_over_vmac", waitFor(Duration.ofSeconds(30),
                () -> state(restarted) == RouterState.MASTER), state(restarted));
        check("restart_one_vmac", sh("ip -n lv -o link show | grep -c '00:00:5e:00:01:33'").equals("1"),
                sh("ip -n lv link"));
        restarted.close();
        check("vmac_deleted_after_restart_close", sh("ip -n lv link show vrrp.51 2>&1").contains("does not exist"),
                sh("ip -n lv link"));
        System.out.println("DONE failures=" + failures);
    }

    /** A TCP connect from the client to the VIP's port 9 is refused (RST): the VIP's host answered. */
    private static boolean reaches() {
        return sh("ip netns exec cl python3 -c \"import socket; s = socket.socket(); s.settimeout(2); "
                + "print(s.connect_ex(('192.0.2.100', 9)))\"").equals("111");
    }

    private static String bases() {
        return sh("ip -n lv -o link show lv0; ip -n ka -o link show ka0");
    }

    private static RouterState state(VrrpNode n) {
        return state(n, "VI_1");
    }

    static RouterState state(VrrpNode n, String instance) {
        return n.call(() -> n.router(instance).state());
    }

    static int failures() {
        return failures;
    }

    static void check(String name, boolean ok, Object detail) {
        if (!ok) {
            failures++;
        }
        System.out.println("CHECK " + name + (ok ? " PASS " : " FAIL ") + "(T+"
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - T0) + " ms)" + (ok ? "" : " "
                + String.valueOf(detail).replace('\n', '|')));
    }

    static boolean waitFor(Duration limit, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return condition.getAsBoolean();
    }

    static String sh(String command) {
        try {
            Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return out.strip();
        } catch (IOException e) {
            return "error " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
