package io.lvs4j.cli;

import io.lvs4j.ServiceKey;
import io.lvs4j.cli.Main.Io;
import io.lvs4j.director.ipvsadm.IpvsadmRule;
import io.lvs4j.director.ipvsadm.IpvsadmRulesException;
import io.lvs4j.director.ipvsadm.IpvsadmRulesParser;
import io.lvs4j.netlink.Ipvs;
import io.lvs4j.table.IpvsException;
import io.lvs4j.table.ServiceState;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lvs4j ipvs ...}: the kernel's IPVS tables, in ipvsadm's formats. */
final class IpvsCommands {
    private IpvsCommands() {}

    /** The subcommands' names, in help order. */
    static final List<String> NAMES = List.of("save", "restore", "list", "clear");

    /** The {@code ipvs} group with all its subcommands. */
    static CommandLine commandLine(Io io) {
        return commandLine(io, NAMES);
    }

    /**
     * The {@code ipvs} group with only these subcommands: a command line that names one gets
     * only that one built (picocli reads every command's annotations when it is added, which is
     * a noticeable share of a short run's time).
     */
    static CommandLine commandLine(Io io, List<String> names) {
        CommandLine ipvs = new CommandLine(new Group(io));
        for (String name : names) {
            ipvs.addSubcommand(new CommandLine(create(name, io)));
        }
        return ipvs;
    }

    private static Object create(String name, Io io) {
        switch (name) {
            case "save": return new Save(io);
            case "restore": return new Restore(io);
            case "list": return new ListCommand(io);
            case "clear": return new Clear();
            default: throw new IllegalArgumentException("ipvs subcommand: " + name);
        }
    }

    @Command(name = "ipvs", mixinStandardHelpOptions = true,
            description = "The kernel's IPVS tables, in ipvsadm's formats (always numeric).")
    static final class Group implements Callable<Integer> {
        private final Io io;
        @Spec
        CommandSpec spec;

        Group(Io io) {
            this.io = io;
        }

        @Override
        public Integer call() {
            io.err().println("lvs4j: ipvs: missing command (expected: one of " + spec.subcommands().keySet() + ")");
            return Main.USAGE;
        }
    }

    @Command(name = "save", mixinStandardHelpOptions = true,
            description = "Print the rules as ipvsadm -Sn does: input for restore or ipvsadm -R.")
    static final class Save implements Callable<Integer> {
        private final Io io;
        @Option(names = {"-n", "--numeric"}, description = "Accepted for ipvsadm compatibility; output is always numeric.")
        boolean numeric;

        Save(Io io) {
            this.io = io;
        }

        @Override
        public Integer call() throws CliException {
            String text;
            try (Ipvs ipvs = Main.openIpvs()) {
                text = IpvsadmFormat.save(ipvs.services());
            } catch (IpvsException e) {
                throw new CliException(Main.FAILED, e.getMessage());
            }
            write(io, text);
            return Main.OK;
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = {"Apply rules in ipvsadm's format (ipvsadm -R semantics) from stdin or FILE, pipelined.",
                "Every line is parsed first: any bad line is reported with its number and nothing is applied. "
                    + "If the kernel refuses a command, restore stops, names the line and lists the lines applied."})
    static final class Restore implements Callable<Integer> {
        private final Io io;
        @Parameters(arity = "0..1", paramLabel = "FILE", description = "Read the rules from FILE instead of stdin.")
        Path file;
        @Option(names = "--check", description = "Only parse the rules and report bad lines; change nothing.")
        boolean check;

        Restore(Io io) {
            this.io = io;
        }

        @Override
        public Integer call() throws CliException {
            return restore(io, file, check);
        }
    }

    /**
     * {@code ipvs restore [--check] [FILE]}: the picocli command's body, also run directly by
     * {@link Launcher} (which skips building the command tree for this command).
     */
    static int restore(Io io, Path file, boolean check) throws CliException {
        Timing.mark(io.err(), "restore command");
        String source = file == null ? "stdin" : file.toString();
        List<IpvsadmRule> rules;
        try (Reader r = file == null ? new InputStreamReader(io.in(), StandardCharsets.UTF_8)
                : Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            rules = new IpvsadmRulesParser(source).parse(r);
        } catch (NoSuchFileException e) {
            throw new CliException(Main.USAGE, source + ": no such file");
        } catch (IOException e) {
            throw new CliException(Main.FAILED, source + ": " + e.getMessage());
        } catch (IpvsadmRulesException e) {
            throw new CliException(Main.USAGE, e.problems());
        }
        Timing.mark(io.err(), "parsed " + rules.size() + " rules");
        if (check) {
            return Main.OK;
        }
        try (Ipvs ipvs = Main.openIpvs()) {
            Timing.mark(io.err(), "opened IPVS");
            new RulesRestore(source, rules).apply(new RulesRestore.KernelTarget(ipvs));
        }
        Timing.mark(io.err(), "applied");
        return Main.OK;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Print the table as ipvsadm -Ln does, or one of its variants.")
    static final class ListCommand implements Callable<Integer> {
        private final Io io;
        @Option(names = {"-n", "--numeric"}, description = "Accepted for ipvsadm compatibility; output is always numeric.")
        boolean numeric;
        @Option(names = "--stats", description = "Counters (ipvsadm -Ln --stats).")
        boolean stats;
        @Option(names = "--rate", description = "Rates (ipvsadm -Ln --rate).")
        boolean rate;
        @Option(names = "--exact", description = "Counters and rates without K/M/G/T scaling.")
        boolean exact;
        @Option(names = "--thresholds", description = "Connection thresholds (ipvsadm -Ln --thresholds).")
        boolean thresholds;
        @Option(names = "--persistent-conn", description = "Persistence templates per real server; with -c, the persistence engine's data.")
        boolean persistentConn;
        @Option(names = "--tun-info", description = "Tunnel settings (ipvsadm -Ln --tun-info).")
        boolean tunInfo;
        @Option(names = "--timeout", description = "The TCP, TCP FIN and UDP timeouts (ipvsadm -L --timeout).")
        boolean timeout;
        @Option(names = "--daemon", description = "The sync daemons (ipvsadm -L --daemon).")
        boolean daemon;
        @Option(names = {"-c", "--connection"}, description = "The connection table (ipvsadm -Lnc).")
        boolean connections;
        @Option(names = {"-t", "--tcp-service"}, paramLabel = "VIP:PORT", description = "Only this TCP service.")
        String tcp;
        @Option(names = {"-u", "--udp-service"}, paramLabel = "VIP:PORT", description = "Only this UDP service.")
        String udp;
        @Option(names = "--sctp-service", paramLabel = "VIP:PORT", description = "Only this SCTP service.")
        String sctp;
        @Option(names = {"-f", "--fwmark-service"}, paramLabel = "MARK", description = "Only this firewall-mark service.")
        String fwmark;
        @Option(names = {"-6", "--ipv6"}, description = "The firewall-mark service is IPv6.")
        boolean ipv6;

        ListCommand(Io io) {
            this.io = io;
        }

        @Override
        public Integer call() throws CliException {
            int tables = count(stats, rate, thresholds, tunInfo, persistentConn && !connections);
            int modes = count(timeout, daemon, connections);
            if (tables > 1 || modes > 1 || tables > 0 && modes > 0) {
                throw new CliException(Main.USAGE, "list: at most one of --stats, --rate, --thresholds, "
                        + "--persistent-conn, --tun-info, --timeout, --daemon, -c (see: lvs4j ipvs list --help)");
            }
            ServiceKey only = serviceKey();
            if (only != null && modes > 0) {
                throw new CliException(Main.USAGE, "list: a service (-t, -u, --sctp-service, -f) only with the table");
            }
            IpvsadmFormat.Table table = stats ? IpvsadmFormat.Table.STATS : rate ? IpvsadmFormat.Table.RATE
                    : thresholds ? IpvsadmFormat.Table.THRESHOLDS : tunInfo ? IpvsadmFormat.Table.TUN_INFO
                    : persistentConn ? IpvsadmFormat.Table.PERSISTENT_CONN : IpvsadmFormat.Table.PLAIN;
            String text;
            try (Ipvs ipvs = Main.openIpvs()) {
                if (timeout) {
                    text = IpvsadmFormat.timeouts(ipvs.timeouts());
                } else if (daemon) {
                    text = IpvsadmFormat.daemons(ipvs.daemons());
                } else if (connections) {
                    text = IpvsadmFormat.connections(readConnections(), persistentConn);
                } else if (only != null) {
                    ServiceState state = null;
                    for (ServiceState s : ipvs.serviceStates()) {
                        if (s.service().key().equals(only)) {
                            state = s;
                        }
                    }
                    if (state == null) {
                        throw new CliException(Main.FAILED, "no such service: " + only);
                    }
                    text = IpvsadmFormat.listOne(state, table, exact);
                } else {
                    text = IpvsadmFormat.list(ipvs.info(), ipvs.serviceStates(), table, exact);
                }
            } catch (IpvsException e) {
                throw new CliException(Main.FAILED, e.getMessage());
            }
            write(io, text);
            return Main.OK;
        }

        private ServiceKey serviceKey() throws CliException {
            List<String> args = new ArrayList<>();
            args.add("-Z");
            int given = 0;
            if (tcp != null) {
                args.add("-t");
                args.add(tcp);
                given++;
            }
            if (udp != null) {
                args.add("-u");
                args.add(udp);
                given++;
            }
            if (sctp != null) {
                args.add("--sctp-service");
                args.add(sctp);
                given++;
            }
            if (fwmark != null) {
                args.add("-f");
                args.add(fwmark);
                given++;
            }
            if (ipv6) {
                args.add("-6");
            }
            if (given == 0) {
                if (ipv6) {
                    throw new CliException(Main.USAGE, "list: -6 only with -f");
                }
                return null;
            }
            if (given > 1) {
                throw new CliException(Main.USAGE, "list: one service at most (-t, -u, --sctp-service or -f)");
            }
            try {
                return IpvsadmRulesParser.parseLine(0, args).key();
            } catch (IllegalArgumentException e) {
                throw new CliException(Main.USAGE, "list: " + e.getMessage());
            }
        }

        private static List<String> readConnections() throws CliException {
            Path proc = Path.of("/proc/net/ip_vs_conn");
            try {
                return Files.readAllLines(proc, StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new CliException(Main.FAILED, "cannot read " + proc + ": " + e.getMessage());
            }
        }

        private static int count(boolean... flags) {
            int n = 0;
            for (boolean f : flags) {
                if (f) {
                    n++;
                }
            }
            return n;
        }
    }

    @Command(name = "clear", mixinStandardHelpOptions = true,
            description = "Delete every virtual service and real server (ipvsadm -C).")
    static final class Clear implements Callable<Integer> {
        @Override
        public Integer call() throws CliException {
            try (Ipvs ipvs = Main.openIpvs()) {
                ipvs.flush();
            } catch (IpvsException e) {
                throw new CliException(Main.FAILED, e.getMessage());
            }
            return Main.OK;
        }
    }

    private static void write(Io io, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        io.out().write(b, 0, b.length);
        io.out().flush();
    }
}
