package io.lvs4j.director;

import io.lvs4j.Protocol;
import io.lvs4j.ServiceKey;
import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.table.ReconcileResult;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs inside the lab for {@code DirectorIT}: a {@link Director} with the kernel's IPVS from a
 * keepalived.conf. It touches {@code DIR/started}, then follows files the lab script makes:
 * {@code DIR/weight} sets a weight at runtime (prints {@code WEIGHT <applied changes>}, touches
 * {@code weight-done}), {@code DIR/stop} closes the director (touches {@code closed}). Every
 * event is printed as {@code EVENT ...}. Bounded: 180 s at most.
 *
 * <p>Arguments: CONF DIR PROTOCOL VIP PORT RIP RPORT WEIGHT
 */
public final class DirectorLabMain {
    private DirectorLabMain() {}

    public static void main(String[] args) throws Exception {
        Path conf = Path.of(args[0]);
        Path dir = Path.of(args[1]);
        ServiceKey key = ServiceKey.of(Protocol.of(args[2]), args[3], Integer.parseInt(args[4]));
        InetAddress rip = InetAddress.getByName(args[5]);
        int rport = Integer.parseInt(args[6]);
        int weight = Integer.parseInt(args[7]);
        KeepalivedConfig c = KeepalivedConfig.read(conf).config();
        Object lock = new Object();
        Director d = Director.builder().config(c.toDirectorConfig())
                .refreshInterval(Duration.ofMillis(500)).listener(e -> {
            synchronized (lock) {
                System.out.println("EVENT " + e);
                System.out.flush();
            }
        }).start();
        Files.writeString(dir.resolve("started"), "");
        boolean weighted = false;
        for (int i = 0; i < 1800; i++) {
            if (!weighted && Files.exists(dir.resolve("weight"))) {
                ReconcileResult r = d.weight(key, rip, rport, weight);
                synchronized (lock) {
                    System.out.println("WEIGHT " + r.applied());
                }
                weighted = true;
                Files.writeString(dir.resolve("weight-done"), "");
            }
            if (Files.exists(dir.resolve("stop"))) {
                break;
            }
            Thread.sleep(100);
        }
        DirectorState s = d.state();
        for (DirectorState.Service v : s.services()) {
            for (DirectorState.Server r : v.realServers()) {
                System.out.println("STATE " + v.key() + " " + r.configured().endpoint() + " " + r.health() + " "
                        + r.appliedWeight());
            }
        }
        d.close();
        d.close();
        System.out.println("CLOSED");
        System.out.flush();
        Files.writeString(dir.resolve("closed"), "");
    }
}
