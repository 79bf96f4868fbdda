package io.lvs4j.director.host;

import io.lvs4j.internal.Addresses;
import io.lvs4j.internal.Preconditions;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * {@link VipFirewall} through the {@code nft} program: argv fixed ({@code nft -f -}, in a named
 * namespace {@code ip netns exec NETNS nft -f -}), the ruleset on stdin made of the tables' fixed
 * text and the addresses as {@link Addresses#format} writes them (no text from a configuration).
 * Each change is one nft transaction: the table is created (if absent), deleted and declared again,
 * so it either applies whole or not at all.
 */
final class NftVipFirewall implements VipFirewall {
    private static final long TIMEOUT_SECONDS = 10;
    private final Path nft;
    private final String netns;

    NftVipFirewall(Path nft, String netns) {
        this.nft = Preconditions.checkNotNull(nft, "nft");
        Preconditions.checkArgument(netns == null || netns.matches("[A-Za-z0-9_.-]{1,64}") && !netns.startsWith("."),
                "netns", netns, "a namespace name of letters, digits, _ . -");
        this.netns = netns;
    }

    @Override
    public void drop(Set<InetAddress> addresses) throws HostSetupException {
        Preconditions.checkNotNull(addresses, "addresses");
        run(ruleset(addresses), "dropping traffic of " + addresses.size() + " virtual address(es)");
    }

    @Override
    public void close() throws HostSetupException {
        run(ruleset(Set.of()), "removing the nftables tables " + TABLE);
    }

    /** The ruleset that makes the tables drop exactly {@code addresses}; it removes them when empty. */
    static String ruleset(Set<InetAddress> addresses) {
        TreeSet<String> v4 = new TreeSet<>();
        TreeSet<String> v6 = new TreeSet<>();
        for (InetAddress a : addresses) {
            Preconditions.checkNotNull(a, "address");
            (a instanceof Inet4Address ? v4 : v6).add(Addresses.format(a));
        }
        StringBuilder s = new StringBuilder();
        table(s, "ip", "ipv4_addr", v4);
        table(s, "ip6", "ipv6_addr", v6);
        return s.toString();
    }

    private static void table(StringBuilder s, String family, String type, TreeSet<String> elements) {
        // "add table" is idempotent, "delete table" then succeeds whether it existed or not
        s.append("add table ").append(family).append(' ').append(TABLE).append('\n');
        s.append("delete table ").append(family).append(' ').append(TABLE).append('\n');
        if (elements.isEmpty()) {
            return;
        }
        String ip = family.equals("ip") ? "ip" : "ip6";
        s.append("table ").append(family).append(' ').append(TABLE).append(" {\n");
        s.append("  set vips {\n    type ").append(type).append("\n    elements = { ")
                .append(String.join(", ", elements)).append(" }\n  }\n");
        for (String[] c : new String[][] {{"in", "input", "daddr"}, {"out", "output", "saddr"}}) {
            s.append("  chain ").append(c[0]).append(" {\n    type filter hook ").append(c[1])
                    .append(" priority filter - 1; policy accept;\n");
            if (family.equals("ip6")) {
                // neighbour discovery and link-local traffic pass, as keepalived lets them
                s.append("    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept\n");
                s.append("    ").append(ip).append(' ').append(c[2]).append(" fe80::/10 accept\n");
            }
            s.append("    ").append(ip).append(' ').append(c[2]).append(" @vips drop\n  }\n");
        }
        s.append("}\n");
    }

    private void run(String ruleset, String what) throws HostSetupException {
        List<String> argv = new ArrayList<>();
        if (netns != null) {
            argv.addAll(List.of("ip", "netns", "exec", netns));
        }
        argv.addAll(List.of(nft.toString(), "-f", "-"));
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new HostSetupException(what + ": cannot run " + String.join(" ", argv) + ": " + e.getMessage(), e);
        }
        try (OutputStream in = p.getOutputStream()) {
            in.write(ruleset.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // nft exited early: its output says why
        }
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new HostSetupException(what + ": " + String.join(" ", argv) + " did not finish in "
                        + TIMEOUT_SECONDS + " s", null);
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.exitValue() != 0) {
                throw new HostSetupException(what + ": " + String.join(" ", argv) + " exited with " + p.exitValue()
                        + (out.isEmpty() ? "" : ": " + out), null);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new HostSetupException(what + ": interrupted", e);
        } catch (IOException e) {
            throw new HostSetupException(what + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "NftVipFirewall[" + nft + (netns == null ? "" : " netns " + netns) + "]";
    }
}
