package io.lvs4j.director.host;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * Drops the traffic to and from the virtual addresses a VRRP master holds without accept mode, as
 * keepalived 2.2.7 does in strict mode ({@code vrrp_strict}): packets to such an address are dropped
 * on input and packets from it on output (IPv6 neighbour discovery and link-local traffic pass).
 * {@link #nft} is the implementation: its own nftables tables {@code ip lvs4j} and {@code ip6 lvs4j},
 * replaced whole (one nft transaction) at each change and deleted when nothing is dropped.
 *
 * <pre>{@code
 * VipFirewall f = VipFirewall.nft(null);          // this network namespace
 * f.drop(Set.of(InetAddress.getByName("192.0.2.100")));
 * f.close();                                       // the tables are gone
 * }</pre>
 */
public interface VipFirewall extends AutoCloseable {
    /** The name of the nftables tables {@link #nft} owns (families {@code ip} and {@code ip6}). */
    String TABLE = "lvs4j";

    /**
     * From now on drops exactly the traffic to and from {@code addresses} (IPv4 and IPv6 mixed);
     * an empty set removes the tables.
     *
     * @throws HostSetupException if the firewall refused the change (nothing was changed)
     */
    void drop(Set<InetAddress> addresses) throws HostSetupException;

    /** Removes what this firewall added (also what a crashed run left); idempotent. */
    @Override
    void close() throws HostSetupException;

    /**
     * The firewall of the network namespace {@code /run/netns/NETNS} (null: the JVM's), through the
     * {@code nft} program (see {@link #nftProgram()}), fed a ruleset made only of the addresses.
     *
     * @throws IllegalStateException if this host has no {@code nft} program
     */
    static VipFirewall nft(String netns) {
        Path nft = nftProgram().orElseThrow(() -> new IllegalStateException(
                "nft: not found (expected: the nftables program in /usr/sbin, /sbin or PATH)"));
        return new NftVipFirewall(nft, netns);
    }

    /** The {@code nft} program of this host: /usr/sbin/nft, /sbin/nft, or the first on PATH. */
    static Optional<Path> nftProgram() {
        java.util.List<Path> candidates = new java.util.ArrayList<>(java.util.List.of(Path.of("/usr/sbin/nft"),
                Path.of("/sbin/nft"), Path.of("/usr/local/sbin/nft")));
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(":")) {
                if (!dir.isEmpty()) {
                    candidates.add(Path.of(dir, "nft"));
                }
            }
        }
        return candidates.stream().filter(p -> p.isAbsolute() && Files.isExecutable(p)).findFirst();
    }
}
