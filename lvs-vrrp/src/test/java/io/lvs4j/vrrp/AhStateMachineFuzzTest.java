package io.lvs4j.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The VRRP state machine with AH replay state (issue 16 point 9): three VRRPv2 routers with AH
 * authentication on one in-memory link and a virtual clock, driven by any sequence of what happens
 * to routers in service: time passing, a router killed (no priority 0) or stopped (priority 0), a
 * router restarted with its sequence counter at 0, a link down and up. Whatever happened, once
 * every running router's link is up and the adverts flowed for 30 s, exactly one router is master,
 * and nothing threw. Input: one byte an action (low 3 bits what, the rest which router or how
 * long), at most 64 actions. Under {@code mvn test} it replays its seeds; {@code JAZZER_FUZZ=1}
 * fuzzes for real.
 */
class AhStateMachineFuzzTest {
    private static final String[] NAMES = {"A", "B", "C"};
    private static final String[] ADDRESSES = {"192.0.2.1", "192.0.2.2", "192.0.2.3"};
    private static final int[] PRIORITIES = {200, 150, 100};

    @FuzzTest(maxDuration = "20s")
    void anyLifecycle_afterTheLinksSettle_oneMaster(byte[] input) {
        Sim sim = new Sim();
        Map<Integer, String> nodes = new LinkedHashMap<>(); // router index -> node it runs on, if running
        int[] incarnation = new int[3];
        for (int i = 0; i < 3; i++) {
            start(sim, nodes, incarnation, i);
        }
        long now = 0;
        int actions = Math.min(input.length, 64);
        for (int k = 0; k < actions; k++) {
            int b = input[k] & 0xff;
            int what = b & 7;
            int which = (b >>> 3) % 3;
            String node = nodes.get(which);
            switch (what) {
                case 0, 1 -> now += (b >>> 3) * 50_000L; // 0..1.55 s
                case 2 -> { // killed: the link goes, no priority 0
                    if (node != null) {
                        sim.net.linkUp(node, false);
                        sim.routers.remove(NAMES[which]);
                        nodes.remove(which);
                    }
                }
                case 3 -> { // stopped: priority 0
                    if (node != null) {
                        sim.routers.remove(NAMES[which]).stop();
                        nodes.remove(which);
                    }
                }
                case 4 -> { // restarted with a fresh sequence counter
                    if (node == null) {
                        start(sim, nodes, incarnation, which);
                    }
                }
                case 5 -> {
                    if (node != null) {
                        sim.net.linkUp(node, false);
                    }
                }
                case 6 -> {
                    if (node != null) {
                        sim.net.linkUp(node, true);
                    }
                }
                default -> now += 3 * Sim.S;
            }
            sim.runTo(now);
        }
        for (String node : nodes.values()) {
            sim.net.linkUp(node, true);
        }
        sim.runTo(now + 30 * Sim.S);
        List<String> masters = new ArrayList<>(sim.masters());
        assertThat(masters).as("masters among %s after the links settled", sim.routers.keySet())
                .hasSize(nodes.isEmpty() ? 0 : 1);
    }

    private static void start(Sim sim, Map<Integer, String> nodes, int[] incarnation, int i) {
        String node = NAMES[i] + "#" + incarnation[i]++;
        sim.router(NAMES[i], node, ADDRESSES[i], PRIORITIES[i],
                b -> b.version(2).advertInterval(java.time.Duration.ofSeconds(1))
                        .authentication(VrrpAuthentication.ah("k"))).start();
        nodes.put(i, node);
    }
}
