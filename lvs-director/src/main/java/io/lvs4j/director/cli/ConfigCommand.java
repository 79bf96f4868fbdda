package io.lvs4j.director.cli;

import io.lvs4j.AddressFamily;
import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.VirtualService;
import io.lvs4j.director.config.ConfigException;
import io.lvs4j.director.config.ConfigProblem;
import io.lvs4j.director.config.ConfigResult;
import io.lvs4j.director.config.KeepalivedConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lvs4j config check FILE} and {@code lvs4j config render FILE}: keepalived.conf checked as
 * {@code keepalived -t} does, and the IPVS rules it means printed as {@code ipvsadm -Sn} does.
 *
 * <p>Exit status: 0 when the file reads without errors (warnings go to stderr), 1 when it has
 * errors (each printed on stderr as {@code file:line:column: message}) or cannot be read, 2 for a
 * usage error.
 */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Read a keepalived.conf: check it, or print the IPVS rules it means.",
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Render.class})
public final class ConfigCommand {
    /** Exit status for a file with errors or one that cannot be read. */
    static final int EXIT_INVALID = 1;

    /** Reads {@code file}; on failure prints every problem on {@code err} and returns null. */
    static ConfigResult read(Path file, PrintWriter err, boolean quiet) {
        try {
            ConfigResult r = KeepalivedConfig.read(file);
            if (!quiet) {
                r.warnings().forEach(w -> err.println(w + " (warning)"));
            }
            return r;
        } catch (ConfigException e) {
            for (ConfigProblem p : e.errors()) {
                err.println(p);
            }
            if (!quiet) {
                e.warnings().forEach(w -> err.println(w + " (warning)"));
            }
            err.println(file + ": " + e.errors().size() + (e.errors().size() == 1 ? " error" : " errors"));
            return null;
        } catch (NoSuchFileException e) {
            err.println(file + ": no such file");
            return null;
        } catch (IOException e) {
            err.println(file + ": cannot read: " + e.getMessage());
            return null;
        } finally {
            err.flush();
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Check a keepalived.conf as keepalived -t does: exit 0 when it is valid (warnings on stderr);",
                "otherwise print every problem with its file:line:column on stderr and exit 1."})
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "the keepalived.conf")
        Path file;

        @Option(names = {"-q", "--quiet"}, description = "do not print warnings")
        boolean quiet;

        @Override
        public Integer call() {
            return read(file, spec.commandLine().getErr(), quiet) == null ? EXIT_INVALID : 0;
        }
    }

    @Command(name = "render", mixinStandardHelpOptions = true,
            description = {"Print the IPVS rules a keepalived.conf means, every real server healthy,",
                "in ipvsadm -Sn format (what keepalived 2.2.7 installs from it)."})
    static final class Render implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "the keepalived.conf")
        Path file;

        @Option(names = {"-q", "--quiet"}, description = "do not print warnings")
        boolean quiet;

        @Override
        public Integer call() {
            ConfigResult r = read(file, spec.commandLine().getErr(), quiet);
            if (r == null) {
                return EXIT_INVALID;
            }
            PrintWriter out = spec.commandLine().getOut();
            out.print(SaveFormat.format(r.config().virtualServices()));
            out.flush();
            return 0;
        }
    }

    /**
     * {@code ipvsadm -Sn} text, sorted as ipvsadm sorts: services by fwmark as a signed 32-bit
     * number (addressed services count as 0), protocol, family, address, port; real servers by
     * address, then port.
     */
    static final class SaveFormat {
        private SaveFormat() {
        }

        static String format(List<VirtualService> services) {
            StringBuilder sb = new StringBuilder();
            services.stream().sorted(SaveFormat::compareServices).forEach(s -> {
                String key = key(s.key());
                sb.append("-A ").append(key).append(" -s ").append(s.scheduler().kernelName());
                if (s.isPersistent()) {
                    sb.append(" -p ").append(s.persistenceSeconds());
                    boolean v4 = s.key().family() == AddressFamily.INET;
                    if (s.persistenceNetmask() != (v4 ? 0xFFFF_FFFF : 128)) {
                        sb.append(" -M ").append(s.persistenceNetmaskText());
                    }
                }
                s.persistenceEngine().ifPresent(pe -> sb.append(" --pe ").append(pe));
                if (s.onePacket()) {
                    sb.append(" -o");
                }
                String flags = flags(s);
                if (!flags.isEmpty()) {
                    sb.append(" -b ").append(flags);
                }
                sb.append('\n');
                s.realServers().stream().sorted(SaveFormat::compareServers).forEach(r -> {
                    sb.append("-a ").append(key).append(" -r ").append(r.endpoint()).append(' ')
                            .append(r.forwarding().ipvsadmOption()).append(" -w ").append(r.weight());
                    if (r.forwarding() == io.lvs4j.Forwarding.TUNNEL) {
                        sb.append(" --tun-type ").append(r.tunnelType().ipvsadmName());
                        switch (r.tunnelType()) {
                            case GUE:
                                sb.append(" --tun-port ").append(r.tunnelPort()).append(' ')
                                        .append(r.tunnelChecksum().ipvsadmOption());
                                break;
                            case GRE:
                                sb.append(' ').append(r.tunnelChecksum() == io.lvs4j.TunnelChecksum.CSUM
                                        ? "--tun-csum" : "--tun-nocsum");
                                break;
                            default:
                                break;
                        }
                    }
                    sb.append('\n');
                });
            });
            return sb.toString();
        }

        private static String key(ServiceKey k) {
            if (k.isFwmark()) {
                return "-f " + (int) k.fwmark() + (k.family() == AddressFamily.INET6 ? " -6" : "");
            }
            String p;
            switch (k.protocol()) {
                case TCP:
                    p = "-t ";
                    break;
                case UDP:
                    p = "-u ";
                    break;
                default:
                    p = "--sctp-service ";
                    break;
            }
            return p + io.lvs4j.internal.Addresses.endpoint(k.address(), k.port());
        }

        private static String flags(VirtualService s) {
            StringBuilder sb = new StringBuilder();
            int bits = s.schedulerFlagBits();
            String sched = s.scheduler().kernelName();
            String[] generic = {"flag-1", "flag-2", "flag-3"};
            for (int i = 0; i < 3; i++) {
                if ((bits & (0x08 << i)) == 0) {
                    continue;
                }
                String name = generic[i];
                if (i < 2 && (sched.equals("sh") || sched.equals("mh"))) {
                    name = sched + (i == 0 ? "-fallback" : "-port");
                }
                sb.append(sb.length() == 0 ? "" : ",").append(name);
            }
            return sb.toString();
        }

        private static int compareServices(VirtualService a, VirtualService b) {
            ServiceKey x = a.key();
            ServiceKey y = b.key();
            int c = Integer.compare(x.isFwmark() ? (int) x.fwmark() : 0, y.isFwmark() ? (int) y.fwmark() : 0);
            if (c != 0) {
                return c;
            }
            if (!x.isFwmark() && !y.isFwmark()) {
                c = x.protocol().compareTo(y.protocol());
                if (c != 0) {
                    return c;
                }
            }
            c = x.family().compareTo(y.family());
            if (c != 0 || x.isFwmark()) {
                return c;
            }
            c = java.util.Arrays.compareUnsigned(x.address().getAddress(), y.address().getAddress());
            return c != 0 ? c : Integer.compare(x.port(), y.port());
        }

        private static int compareServers(RealServer a, RealServer b) {
            int c = Integer.compare(a.address().getAddress().length, b.address().getAddress().length);
            if (c == 0) {
                c = java.util.Arrays.compareUnsigned(a.address().getAddress(), b.address().getAddress());
            }
            return c != 0 ? c : Integer.compare(a.port(), b.port());
        }
    }
}
