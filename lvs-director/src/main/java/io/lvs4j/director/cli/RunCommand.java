package io.lvs4j.director.cli;

import io.lvs4j.director.config.ConfigResult;
import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.netlink.InterfaceException;
import io.lvs4j.vrrp.linux.VrrpNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lvs4j run FILE}: runs the VRRP part of a keepalived.conf ({@code global_defs},
 * {@code vrrp_script}, {@code vrrp_instance}, {@code vrrp_sync_group}) in the foreground, logging
 * state changes as keepalived does ({@code (VI_1) Entering MASTER STATE}). SIGTERM or SIGINT stops
 * it gracefully: masters send a priority 0 advertisement and remove their VIPs, then the process
 * exits with {@value Main#OK}. Registered in {@link Main}.
 *
 * <p>Exit status: {@value Main#USAGE} when the file has errors or no {@code vrrp_instance};
 * {@value Main#FAILED} when an interface or socket cannot be used.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the VRRP instances of a keepalived.conf in the foreground (keepalived -n -P).",
            "SIGTERM sends priority 0, removes the VIPs and exits 0."})
public final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "the keepalived.conf")
    Path file;

    @Option(names = "--netns", paramLabel = "NAME",
            description = "run in the network namespace /run/netns/NAME (as ip netns exec NAME would)")
    String netns;

    @Override
    public Integer call() throws CliException, InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        ConfigResult r = ConfigCommand.read(file, err, false);
        KeepalivedConfig c = r.config();
        if (c.vrrpInstances().isEmpty()) {
            throw new CliException(Main.USAGE, file + ": no vrrp_instance to run");
        }
        VrrpNode.Builder b = VrrpNode.builder().instances(c.vrrpInstances()).scripts(c.vrrpScripts())
                .syncGroups(c.vrrpSyncGroups());
        if (netns != null) {
            b.namespace(netns);
        }
        VrrpNode node;
        try {
            node = b.start();
        } catch (InterfaceException e) {
            throw new CliException(Main.FAILED, e.getMessage());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new CliException(Main.USAGE, file + ": " + e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            int status = Main.OK;
            try {
                node.close();
            } catch (RuntimeException e) {
                System.err.println("lvs4j: stopping: " + e);
                status = Main.FAILED;
            } finally {
                stopped.countDown();
                System.out.flush();
                System.err.flush();
                // a signal's default exit status would be 128 + signal: a graceful stop is a success
                Runtime.getRuntime().halt(status);
            }
        }, "lvs4j-stop"));
        stopped.await();
        return Main.OK;
    }
}
