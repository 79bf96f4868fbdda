package io.lvs4j.cli;

import io.lvs4j.Forwarding;
import io.lvs4j.director.host.DirectorSetup;
import io.lvs4j.director.host.HostChanges;
import io.lvs4j.director.host.HostSetupException;
import io.lvs4j.director.host.RealServerSetup;
import io.lvs4j.internal.Addresses;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lvs4j realserver up|down} and {@code lvs4j director-sysctl up|down}: the host settings of
 * {@link RealServerSetup} and {@link DirectorSetup} from the command line. {@code up} prints each
 * change and records it in a state file (default under {@code /run/lvs4j/}); {@code down} reads
 * that record, restores the previous values, and removes it. Registered in {@link Main}.
 *
 * <p>Exit status: {@value Main#OK} done (also when nothing needed changing); {@value Main#FAILED}
 * a sysctl or interface could not be changed (the message names it, with errno; what this call
 * changed is rolled back) or the state file could not be used; {@value Main#USAGE} bad arguments.
 */
final class HostCommands {
    private HostCommands() {}

    static final String STATE_DIR = "/run/lvs4j";

    /** Options shared by every up/down command. */
    abstract static class Base implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--netns", paramLabel = "NAME",
                description = "change the network namespace /run/netns/NAME instead of this one; repeat for several")
        List<String> netns = new ArrayList<>();

        @Option(names = "--state", paramLabel = "FILE",
                description = "where up records its changes and down reads them (default: " + STATE_DIR + "/...)")
        Path state;

        /** The default record of namespace {@code ns} (null: this one). */
        abstract Path defaultState(String ns);

        /** One record per namespace, in order; null stands for this namespace. */
        List<String> namespaces() throws CliException {
            if (state != null && netns.size() > 1) {
                throw new CliException(Main.USAGE, "--state: one file for " + netns.size()
                        + " namespaces (expected: --state with at most one --netns)");
            }
            return netns.isEmpty() ? java.util.Collections.singletonList(null) : netns;
        }

        Path statePath(String ns) {
            return state != null ? state : defaultState(ns);
        }

        static String where(String ns) {
            return ns == null ? "root" : ns;
        }

        /** Applies {@code apply} in each namespace; a failure undoes the namespaces done before it. */
        int up(List<String> namespaces, String what, Apply apply) throws CliException {
            PrintWriter out = spec.commandLine().getOut();
            List<HostChanges> done = new ArrayList<>();
            for (String ns : namespaces) {
                String label = what + (ns != null && namespaces.size() > 1 ? " [" + ns + "]" : "");
                HostChanges changes;
                try {
                    changes = apply.apply(ns);
                    record(changes, statePath(ns));
                } catch (HostSetupException | CliException e) {
                    throw new CliException(Main.FAILED, e.getMessage() + undoEarlier(done));
                }
                done.add(changes);
                if (changes.isEmpty()) {
                    out.println(label + ": nothing to change");
                }
                for (String line : changes.describe()) {
                    out.println(label + ": " + line);
                }
                out.flush();
            }
            return Main.OK;
        }

        private String undoEarlier(List<HostChanges> done) {
            if (done.isEmpty()) {
                return "";
            }
            List<String> failures = new ArrayList<>();
            for (int i = done.size() - 1; i >= 0; i--) {
                try {
                    done.get(i).undo();
                    Files.deleteIfExists(statePath(done.get(i).netns()));
                } catch (HostSetupException | IOException e) {
                    failures.add(e.getMessage());
                }
            }
            return failures.isEmpty() ? " (the namespaces before it were restored)"
                    : " (restoring the namespaces before it failed: " + String.join("; ", failures) + ")";
        }

        /** Writes (or extends) the record of {@code changes}; on failure undoes them. */
        private static void record(HostChanges changes, Path file) throws CliException {
            HostChanges record = changes;
            try {
                if (Files.exists(file)) {
                    record = HostChanges.fromState(file.toString(), Files.readString(file, StandardCharsets.UTF_8))
                            .and(changes);
                }
                Path dir = file.toAbsolutePath().getParent();
                if (dir != null) {
                    Files.createDirectories(dir);
                }
                Files.writeString(file, record.toState(), StandardCharsets.UTF_8);
            } catch (IOException | IllegalArgumentException e) {
                String undo;
                try {
                    changes.undo();
                    undo = "changes rolled back";
                } catch (HostSetupException u) {
                    undo = "rolling back failed: " + u.getMessage();
                }
                throw new CliException(Main.FAILED, file + ": cannot record the changes: " + e.getMessage() + " (" + undo + ")");
            }
        }

        int down(List<String> namespaces, String what) throws CliException {
            PrintWriter out = spec.commandLine().getOut();
            for (String ns : namespaces) {
                String label = what + (ns != null && namespaces.size() > 1 ? " [" + ns + "]" : "");
                Path file = statePath(ns);
                HostChanges record;
                try {
                    record = HostChanges.fromState(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
                } catch (NoSuchFileException e) {
                    throw new CliException(Main.FAILED, file + ": no record of changes (expected: the state file an earlier up wrote)");
                } catch (IOException e) {
                    throw new CliException(Main.FAILED, file + ": " + e.getMessage());
                } catch (IllegalArgumentException e) {
                    throw new CliException(Main.FAILED, e.getMessage()); // names the file and line
                }
                try {
                    record.undo();
                } catch (HostSetupException e) {
                    throw new CliException(Main.FAILED, e.getMessage() + " (record kept in " + file + ")");
                }
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    throw new CliException(Main.FAILED, file + ": restored, but cannot remove the record: " + e);
                }
                if (record.isEmpty()) {
                    out.println(label + ": nothing to restore");
                }
                for (String line : record.describe()) {
                    out.println(label + ": undone: " + line);
                }
                out.flush();
            }
            return Main.OK;
        }
    }

    /** Applies a setup in one namespace (null: this one). */
    @FunctionalInterface
    interface Apply {
        HostChanges apply(String ns) throws HostSetupException, CliException;
    }

    @Command(name = "realserver", mixinStandardHelpOptions = true,
            description = {"Real-server side of LVS-DR/TUN: the VIP on lo (/32, /128), arp_ignore=1 and "
                + "arp_announce=2 (all, lo); for TUN also tunl0 up with rp_filter=0. down restores the previous values."},
            subcommands = {RealServerUp.class, RealServerDown.class})
    static final class RealServer implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getErr().println("lvs4j: realserver: missing command (expected: up or down)");
            return Main.USAGE;
        }
    }

    abstract static class RealServerBase extends Base {
        @Option(names = "--vip", required = true, paramLabel = "ADDR", description = "the virtual IP (IPv4 or IPv6)")
        String vip;

        InetAddress vip() throws CliException {
            try {
                return Addresses.parse(vip, "--vip");
            } catch (IllegalArgumentException e) {
                throw new CliException(Main.USAGE, e.getMessage());
            }
        }

        @Override
        Path defaultState(String ns) {
            return Path.of(STATE_DIR, "realserver-" + where(ns) + "-" + vip.replace(':', '_') + ".state");
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true, description = "Apply the real-server recipe for --vip.")
    static final class RealServerUp extends RealServerBase {
        @Option(names = "--mode", paramLabel = "dr|tun", defaultValue = "dr", description = "dr (default) or tun")
        String mode;

        @Override
        public Integer call() throws CliException {
            InetAddress address = vip();
            Forwarding f = switch (mode.toLowerCase()) {
                case "dr" -> Forwarding.ROUTE;
                case "tun" -> Forwarding.TUNNEL;
                default -> throw new CliException(Main.USAGE, "--mode: \"" + mode + "\" (expected: dr or tun)");
            };
            List<String> namespaces = namespaces();
            List<RealServerSetup> setups = new ArrayList<>();
            for (String ns : namespaces) {
                RealServerSetup setup = RealServerSetup.vip(address).method(f);
                try {
                    setups.add(ns == null ? setup : setup.netns(ns));
                } catch (IllegalArgumentException e) {
                    throw new CliException(Main.USAGE, e.getMessage());
                }
            }
            return up(namespaces, "realserver " + vip, ns -> setups.get(namespaces.indexOf(ns)).apply());
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true,
            description = "Undo what realserver up did for --vip (from its state file).")
    static final class RealServerDown extends RealServerBase {
        @Override
        public Integer call() throws CliException {
            vip();
            return down(namespaces(), "realserver " + vip);
        }
    }

    @Command(name = "director-sysctl", mixinStandardHelpOptions = true,
            description = {"Director-side kernel settings: nat: net.ipv4.ip_forward=1; dr/tun: send_redirects=0 "
                + "(all, default, every interface). down restores the previous values."},
            subcommands = {DirectorUp.class, DirectorDown.class})
    static final class DirectorSysctl implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getErr().println("lvs4j: director-sysctl: missing command (expected: up or down)");
            return Main.USAGE;
        }
    }

    abstract static class DirectorBase extends Base {
        @Override
        Path defaultState(String ns) {
            return Path.of(STATE_DIR, "director-" + where(ns) + ".state");
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true, description = "Apply the settings for --mode.")
    static final class DirectorUp extends DirectorBase {
        @Option(names = "--mode", required = true, paramLabel = "nat|dr|tun", description = "the forwarding method")
        String mode;

        @Option(names = "--ipv6", description = "NAT: also net.ipv6.conf.all.forwarding=1")
        boolean ipv6;

        @Option(names = "--active-active", description = "several directors behind ECMP announcing by BGP"
                + " (bgp_speaker): also net.ipv4.vs.sloppy_tcp=1")
        boolean activeActive;

        @Override
        public Integer call() throws CliException {
            Forwarding f = switch (mode.toLowerCase()) {
                case "nat" -> Forwarding.MASQ;
                case "dr" -> Forwarding.ROUTE;
                case "tun" -> Forwarding.TUNNEL;
                default -> throw new CliException(Main.USAGE, "--mode: \"" + mode + "\" (expected: nat, dr or tun)");
            };
            List<String> namespaces = namespaces();
            List<DirectorSetup> setups = new ArrayList<>();
            for (String ns : namespaces) {
                DirectorSetup setup = DirectorSetup.method(f).ipv6(ipv6).activeActive(activeActive);
                try {
                    setups.add(ns == null ? setup : setup.netns(ns));
                } catch (IllegalArgumentException e) {
                    throw new CliException(Main.USAGE, e.getMessage());
                }
            }
            return up(namespaces, "director " + mode.toLowerCase(), ns -> setups.get(namespaces.indexOf(ns)).apply());
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true, description = "Undo what director-sysctl up did.")
    static final class DirectorDown extends DirectorBase {
        @Override
        public Integer call() throws CliException {
            return down(namespaces(), "director");
        }
    }
}
