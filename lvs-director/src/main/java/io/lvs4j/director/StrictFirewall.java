package io.lvs4j.director;

import io.lvs4j.director.host.HostSetupException;
import io.lvs4j.director.host.VipFirewall;
import io.lvs4j.vrrp.VirtualAddress;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * keepalived's strict-mode firewall rules, as the director keeps them: while an instance in strict
 * mode ({@code vrrp_strict}, or its own {@code strict_mode}) holds its addresses without accept mode,
 * the traffic to and from them is dropped ({@link VipFirewall}); when it gives them up, or the
 * director stops, the rules go. keepalived 2.2.7 does the same with its table {@code keepalived};
 * lvs4j's tables are {@code lvs4j}. On the director's thread only.
 */
final class StrictFirewall {
    /** For a director with no kernel firewall (in memory): nothing. */
    static final StrictFirewall NONE = new StrictFirewall(null, (o, e) -> {});

    private final java.util.function.Supplier<VipFirewall> factory;
    private final BiConsumer<String, Exception> failure;
    private Set<String> strict = Set.of();
    private final Map<String, Set<InetAddress>> held = new HashMap<>();
    private Set<InetAddress> applied = Set.of();
    private VipFirewall open;

    StrictFirewall(java.util.function.Supplier<VipFirewall> factory, BiConsumer<String, Exception> failure) {
        this.factory = factory;
        this.failure = failure;
    }

    /** The firewall of a director on Linux in {@code netns} (null: the JVM's namespace). */
    static StrictFirewall linux(String netns, BiConsumer<String, Exception> failure) {
        return new StrictFirewall(() -> VipFirewall.nft(netns), failure);
    }

    /** The instances that run in strict mode, from now on. */
    void configure(Set<String> instances) {
        if (factory == null) {
            return;
        }
        strict = Set.copyOf(instances);
        held.keySet().retainAll(strict);
        apply();
    }

    /** {@code instance} holds {@code addresses} now (a master: its virtual and excluded addresses). */
    void added(String instance, boolean acceptMode, List<VirtualAddress> addresses) {
        if (factory == null || !strict.contains(instance) || acceptMode) {
            return;
        }
        Set<InetAddress> a = new LinkedHashSet<>();
        addresses.forEach(v -> a.add(v.address()));
        held.put(instance, a);
        apply();
    }

    /** {@code instance} gave its addresses up. */
    void removed(String instance) {
        if (held.remove(instance) != null) {
            apply();
        }
    }

    /** Removes the rules (at stop). */
    void close() {
        held.clear();
        apply();
    }

    /**
     * After a crash: removes the tables the crashed run may have left, if this host has nft (a run
     * without it never made any).
     */
    void recover() {
        if (factory == null || VipFirewall.nftProgram().isEmpty()) {
            return;
        }
        try {
            if (open == null) {
                open = factory.get();
            }
            open.close();
            applied = Set.of();
        } catch (HostSetupException | RuntimeException e) {
            failure.accept("removing the crashed run's nftables tables " + VipFirewall.TABLE, e);
        }
    }

    private void apply() {
        if (factory == null) {
            return;
        }
        Set<InetAddress> want = new LinkedHashSet<>();
        held.values().forEach(want::addAll);
        if (want.equals(applied)) {
            return;
        }
        try {
            if (open == null) {
                open = factory.get();
            }
            open.drop(want);
            applied = want;
        } catch (HostSetupException | RuntimeException e) {
            failure.accept("dropping the traffic of strict mode's virtual addresses "
                    + want.stream().map(io.lvs4j.internal.Addresses::format).toList(), e);
        }
    }
}
