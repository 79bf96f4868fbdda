package io.lvs4j.director;

import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.table.InMemoryIpvs;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * For {@code DirectorStrictFirewallIT}, a director in its own JVM (so the test can SIGKILL it): VRRP
 * from a keepalived.conf on raw sockets in network namespace NETNS, an IPVS table of its own, its
 * run directory RUNDIR. Prints {@code STARTED} after start and every event; closes when RUNDIR/stop
 * appears (prints {@code CLOSED}). Bounded: 90 s at most.
 *
 * <p>Arguments: CONF NETNS RUNDIR
 */
public final class StrictFirewallMain {
    private StrictFirewallMain() {}

    public static void main(String[] args) throws Exception {
        KeepalivedConfig c = KeepalivedConfig.read(Path.of(args[0])).config();
        Path run = Path.of(args[2]);
        Director d = Director.builder().config(c.toDirectorConfig())
                .netns(args[1]).ipvs(new InMemoryIpvs()).runDirectory(run)
                .listener(e -> System.out.println("EVENT " + e)).start();
        System.out.println("STARTED");
        System.out.flush();
        for (int i = 0; i < 900 && !Files.exists(run.resolve("stop")); i++) {
            Thread.sleep(100);
        }
        d.close();
        System.out.println("CLOSED");
        System.out.flush();
    }
}
