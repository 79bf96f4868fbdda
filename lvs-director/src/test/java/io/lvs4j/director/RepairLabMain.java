package io.lvs4j.director;

import io.lvs4j.director.config.KeepalivedConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs inside the lab for {@code DirectorRepairIT}: a {@link Director} with the kernel's IPVS and
 * VRRP on raw sockets from a keepalived.conf, repairing every REPAIR_MS. It touches
 * {@code DIR/started}, then follows files the lab script makes: {@code DIR/reload} applies
 * BADCONF (prints {@code RELOAD-FAILED <exception class>: <message>} or {@code RELOAD-APPLIED},
 * then {@code INSTANCE name state held}, touches {@code reload-done}); {@code DIR/stop} closes the
 * director (touches {@code closed}). Every event is printed as {@code EVENT ...}, a repair also as
 * {@code REPAIRED-AT <epoch ms>}. Bounded: 180 s.
 *
 * <p>Arguments: CONF BADCONF DIR REPAIR_MS
 */
public final class RepairLabMain {
    private RepairLabMain() {}

    public static void main(String[] args) throws Exception {
        KeepalivedConfig c = KeepalivedConfig.read(Path.of(args[0])).config();
        KeepalivedConfig bad = KeepalivedConfig.read(Path.of(args[1])).config();
        Path dir = Path.of(args[2]);
        Object lock = new Object();
        Director d = Director.builder().config(c.toDirectorConfig()).refreshInterval(Duration.ofMillis(500))
                .repairInterval(Duration.ofMillis(Long.parseLong(args[3]))).listener(e -> {
                    synchronized (lock) {
                        System.out.println("EVENT " + e);
                        if (e instanceof DirectorEvent.Repaired) {
                            System.out.println("REPAIRED-AT " + System.currentTimeMillis()); // the lab's wall clock
                        }
                        System.out.flush();
                    }
                }).start();
        Files.writeString(dir.resolve("started"), "");
        boolean reloaded = false;
        for (int i = 0; i < 1800; i++) {
            if (!reloaded && Files.exists(dir.resolve("reload"))) {
                String result;
                try {
                    d.apply(bad.toDirectorConfig());
                    result = "RELOAD-APPLIED";
                } catch (Exception e) {
                    result = "RELOAD-FAILED " + e.getClass().getSimpleName() + ": " + e.getMessage();
                }
                synchronized (lock) {
                    System.out.println(result);
                    for (DirectorState.Instance v : d.state().instances()) {
                        System.out.println("INSTANCE " + v.name() + " " + v.state() + " " + v.priority() + " "
                                + v.addressesHeld());
                    }
                    System.out.flush();
                }
                reloaded = true;
                Files.writeString(dir.resolve("reload-done"), "");
            }
            if (Files.exists(dir.resolve("stop"))) {
                break;
            }
            Thread.sleep(100);
        }
        d.close();
        System.out.println("CLOSED");
        System.out.flush();
        Files.writeString(dir.resolve("closed"), "");
    }
}
