package io.lvs4j.vrrp.linux;

import io.lvs4j.lab.NetnsLab;
import io.lvs4j.vrrp.InitialState;
import io.lvs4j.vrrp.VirtualAddress;
import io.lvs4j.vrrp.VrrpAuthentication;
import io.lvs4j.vrrp.VrrpInstance;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Two network namespaces joined by a veth pair (keepalived's side "ka", lvs4j's side "j"), with
 * 192.0.2.11/24 and 192.0.2.12/24, IPv6 link-local addresses without DAD, over lvs-lab's
 * {@link NetnsLab}; keepalived processes started in "ka" and killed by PID; everything removed by
 * {@link #close()}.
 */
final class Lab implements AutoCloseable {
    static final String KA_IF = "vk1";
    static final String J_IF = "vj1";
    static final String KA_ADDR = "192.0.2.11";
    static final String J_ADDR = "192.0.2.12";

    final String ka;
    final String j;
    final Path dir;
    private final NetnsLab lab;
    private final List<Keepalived> keepaliveds = new ArrayList<>();

    Lab(String tag) throws IOException, InterruptedException {
        String id = Long.toString(ProcessHandle.current().pid() % 100000) + tag;
        this.lab = new NetnsLab("lv", "lvs4j-vrrp-it", Duration.ofSeconds(5));
        this.dir = lab.dir();
        NetnsLab.deleteNamespace("lvka" + id); // left by an earlier JVM with the same PID
        NetnsLab.deleteNamespace("lvj" + id);
        this.ka = lab.namespace("ka" + id);
        this.j = lab.namespace("j" + id);
        NetnsLab.veth(ka, KA_IF, j, J_IF);
        for (String[] side : new String[][] {{ka, KA_IF, KA_ADDR}, {j, J_IF, J_ADDR}}) {
            NetnsLab.sysctl(side[0], "net.ipv6.conf." + side[1] + ".accept_dad=0");
            NetnsLab.addr(side[0], side[1], side[2] + "/24");
            NetnsLab.up(side[0], side[1]);
        }
        waitUntil(Duration.ofSeconds(5), () -> addresses(ka, KA_IF).contains("fe80::") && addresses(j, J_IF).contains("fe80::"));
    }

    static boolean available() {
        try {
            return NetnsLab.isRoot()
                    && new ProcessBuilder("keepalived", "-v").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static String sh(String... argv) throws IOException, InterruptedException {
        return NetnsLab.sh(argv);
    }

    /** {@code ip -n NS addr show dev IF}. */
    static String addresses(String ns, String dev) {
        try {
            return sh("ip", "-n", ns, "addr", "show", "dev", dev);
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    /**
     * Polls {@code condition} every 20 ms until it holds or {@code max} passed; returns whether it held.
     * (Conditions fork {@code ip}: polling faster would keep a core of a small CI host busy.)
     */
    static boolean waitUntil(Duration max, BooleanSupplier condition) {
        try {
            return NetnsLab.waitUntil(max, Duration.ofMillis(20), condition);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Starts keepalived in the "ka" namespace with this configuration (VRRP only). */
    Keepalived keepalived(String name, String conf) throws IOException {
        Path c = dir.resolve(name + ".conf");
        Files.writeString(c, conf);
        Path pid = dir.resolve(name + ".pid");
        Path vrrpPid = dir.resolve(name + ".vrrp.pid");
        Files.deleteIfExists(pid);
        Files.deleteIfExists(vrrpPid);
        Process p = new ProcessBuilder("ip", "netns", "exec", ka, "keepalived", "-P", "-n", "-l", "-D", "-f",
                c.toString(), "-p", pid.toString(), "-r", vrrpPid.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
        Keepalived k = new Keepalived(p, vrrpPid, dir.resolve(name + ".log"));
        keepaliveds.add(k);
        return k;
    }

    /** A keepalived process: the parent (ip netns exec execs it) and its VRRP child. */
    static final class Keepalived {
        final Process parent;
        final Path vrrpPidFile;
        final Path log;

        Keepalived(Process parent, Path vrrpPidFile, Path log) {
            this.parent = parent;
            this.vrrpPidFile = vrrpPidFile;
            this.log = log;
        }

        long vrrpPid() {
            try {
                return Long.parseLong(Files.readString(vrrpPidFile).trim());
            } catch (IOException | NumberFormatException e) {
                return -1;
            }
        }

        boolean started() {
            return vrrpPid() > 0;
        }

        /**
         * kill -9 of the VRRP child, then of the parent: no priority 0, VIPs left behind. Returns
         * {@link System#nanoTime()} once the VRRP child, which sends the adverts, has been killed
         * (once the parent has, if there was no child): no advert leaves after that.
         */
        long kill9() throws IOException, InterruptedException {
            // stop the parent first: it would respawn a killed child, and a child whose parent
            // dies gets SIGTERM (PR_SET_PDEATHSIG) and would shut down gracefully
            sh("kill", "-STOP", Long.toString(parent.pid()));
            long child = vrrpPid();
            long killed = 0;
            if (child > 0) {
                sh("kill", "-9", Long.toString(child));
                killed = System.nanoTime();
            }
            sh("kill", "-9", Long.toString(parent.pid()));
            if (killed == 0) {
                killed = System.nanoTime();
            }
            parent.waitFor(5, TimeUnit.SECONDS);
            return killed;
        }

        void terminate() throws InterruptedException {
            if (parent.isAlive()) {
                parent.destroy();
                if (!parent.waitFor(5, TimeUnit.SECONDS)) {
                    parent.destroyForcibly();
                }
            }
            long child = vrrpPid();
            if (child > 0) {
                ProcessHandle.of(child).ifPresent(ProcessHandle::destroyForcibly);
            }
        }

        String log() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return "";
            }
        }
    }

    static String keepalivedInstance(String name, String state, int vrid, int priority, String advert, int version,
            String auth, String vips, String extra) {
        return "vrrp_instance " + name + " {\n  state " + state + "\n  interface " + KA_IF + "\n  virtual_router_id " + vrid
                + "\n  priority " + priority + "\n  advert_int " + advert + "\n  version " + version + "\n"
                + (auth == null ? "" : "  authentication {\n    auth_type " + authType(auth) + "\n    auth_pass "
                        + authPass(auth) + "\n  }\n")
                + "  virtual_ipaddress {\n    " + vips + "\n  }\n" + extra + "}\n";
    }

    /** {@code "AH:secret"} means AH with password secret; anything else is a PASS password. */
    static String authType(String auth) {
        return auth.startsWith("AH:") ? "AH" : "PASS";
    }

    static String authPass(String auth) {
        return auth.startsWith("AH:") ? auth.substring(3) : auth;
    }

    static String keepalivedConf(String routerId, String instances) {
        return "global_defs {\n  router_id " + routerId + "\n  vrrp_garp_master_delay 0\n}\n" + instances;
    }

    /** The lvs4j side's network: raw sockets in the "j" namespace. */
    LinuxNetwork network() {
        return LinuxNetwork.builder().namespace(j).build();
    }

    /** The lvs4j side's instance on {@link #J_IF}. */
    static VrrpInstance lvs4jInstance(String name, InitialState state, int vrid, int priority, Duration advert,
            int version, String auth, List<VirtualAddress> vips, List<InetAddress> unicastPeers,
            InetAddress unicastSource) {
        return lvs4jBuilder(name, state, vrid, priority, advert, version, auth, vips, unicastPeers, unicastSource)
                .build();
    }

    static VrrpInstance.Builder lvs4jBuilder(String name, InitialState state, int vrid, int priority, Duration advert,
            int version, String auth, List<VirtualAddress> vips, List<InetAddress> unicastPeers,
            InetAddress unicastSource) {
        VrrpInstance.Builder b = VrrpInstance.builder(name).initialState(state).interfaceName(J_IF)
                .virtualRouterId(vrid).priority(priority).advertInterval(advert).version(version)
                .virtualAddresses(vips).unicastPeers(unicastPeers);
        if (auth != null) {
            b.authentication(authType(auth).equals("AH") ? VrrpAuthentication.ah(authPass(auth))
                    : VrrpAuthentication.pass(authPass(auth)));
        }
        if (unicastSource != null) {
            b.sourceAddress(unicastSource);
        }
        return b;
    }

    static VirtualAddress vip(String address, int prefix) {
        return VirtualAddress.of(address + "/" + prefix);
    }

    @Override
    public void close() {
        try {
            for (Keepalived k : keepaliveds) {
                k.terminate();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lab.close();
    }
}
