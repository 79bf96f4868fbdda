package io.lvs4j.lab;

import java.nio.file.Files;
import java.nio.file.Path;

/** Runs inside the lab's guest JVM (UmlLabIT): shows which kernel it sees and whether IPVS is there. */
public final class LabProbeMain {
    private LabProbeMain() {}

    public static void main(String[] args) throws Exception {
        System.out.println("os.version=" + System.getProperty("os.version"));
        System.out.println("args=" + String.join(",", args));
        System.out.println("cpus=" + Runtime.getRuntime().availableProcessors());
        System.out.println("ipvs=" + Files.readAllLines(Path.of("/proc/net/ip_vs")).get(0));
        System.exit(args.length > 0 && args[0].equals("fail") ? 7 : 0);
    }
}
