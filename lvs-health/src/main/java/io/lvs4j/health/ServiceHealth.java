package io.lvs4j.health;

import io.lvs4j.Forwarding;
import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.VirtualService;
import io.lvs4j.internal.Preconditions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How a virtual service follows its real servers' health: the checks of its real servers (a real
 * server is up when all its checks are up; one without checks is always up); whether a failed real
 * server is removed or kept with weight 0 ({@code inhibit_on_failure}); the quorum with its
 * hysteresis and hooks; the sorry server, present while quorum is lost (with keepalived's default
 * quorum of 1: when every real server is down), and with {@code sorry_server_inhibit} kept at
 * weight 0 while quorum is met instead of removed.
 *
 * <p>A check is given once for every real server of the service ({@link Builder#check(Check,
 * CheckPolicy)}, with {@link Checks}' builders) or for one real server ({@link Builder#check(
 * RealServer, Check, CheckPolicy)}, or a {@link Checker} of your own). Each check connects to its
 * real server's address and port, the port resolved as the service resolves it: a real server
 * given without a port (or with direct routing or tunnelling) has the service's; a real server of
 * a firewall-mark service has the port it was given, and a check of one given without a port needs
 * its own ({@link Checks.NetworkBuilder#connectPort}).
 *
 * <pre>{@code
 * ServiceHealth web = ServiceHealth.builder(VirtualService.tcp("192.0.2.10", 80)
 *                 .realServer(RealServer.of("10.0.0.1").build())   // port 80, the service's
 *                 .realServer(RealServer.of("10.0.0.2").build())
 *                 .build())
 *         .check(Checks.tcp(), policy)                               // both real servers
 *         .check(RealServer.of("10.0.0.1").build(), Checks.http("/health").status(200), policy)
 *         .inhibitOnFailure()
 *         .build();
 * }</pre>
 */
public final class ServiceHealth {
    /** One checker of one real server of the service (its settings as the service has them), with its policy. */
    public record RealServerCheck(RealServer realServer, Checker checker, CheckPolicy policy) {
        public RealServerCheck {
            Preconditions.checkNotNull(realServer, "realServer");
            Preconditions.checkNotNull(checker, "checker");
            Preconditions.checkNotNull(policy, "policy");
        }
    }

    /**
     * A check as given to the builder: for every real server (realServer null) or for one (its
     * address and resolved port); a {@link Check} to bind, or a bound {@link Checker}.
     */
    private record Given(RealServer realServer, Check check, Checker checker, CheckPolicy policy) {}

    private final VirtualService service;
    private final List<Given> given;
    private final List<RealServerCheck> checks;
    private final boolean inhibitOnFailure;
    private final Set<String> inhibited; // endpoints inhibited on their own
    private final int quorum;
    private final int hysteresis;
    private final Runnable quorumUp;
    private final Runnable quorumDown;
    private final RealServer sorryServer;
    private final boolean sorryServerInhibit;

    private ServiceHealth(Builder b, List<RealServerCheck> checks) {
        this.service = b.service;
        this.given = List.copyOf(b.given);
        this.checks = checks;
        this.inhibitOnFailure = b.inhibitOnFailure;
        this.inhibited = Set.copyOf(b.inhibited);
        this.quorum = b.quorum;
        this.hysteresis = b.hysteresis;
        this.quorumUp = b.quorumUp;
        this.quorumDown = b.quorumDown;
        this.sorryServer = b.sorryServer;
        this.sorryServerInhibit = b.sorryServerInhibit;
    }

    public static Builder builder(VirtualService service) {
        return new Builder(Preconditions.checkNotNull(service, "service"));
    }

    public VirtualService service() {
        return service;
    }

    /** Every real server's checkers, bound: in the order the checks were given, real servers in the service's order. */
    public List<RealServerCheck> checks() {
        return checks;
    }

    /** Whether that real server (matched as {@link Builder#check(RealServer, Check, CheckPolicy)} matches) has checks. */
    public boolean checked(RealServer realServer) {
        Preconditions.checkNotNull(realServer, "realServer");
        int port = resolvePort(service.key(), realServer);
        for (RealServerCheck c : checks) {
            if (c.realServer().port() == port && c.realServer().address().equals(realServer.address())) {
                return true;
            }
        }
        return false;
    }

    public boolean inhibitOnFailure() {
        return inhibitOnFailure;
    }

    /** Whether that real server is kept at weight 0 when down: the service's setting, or its own. */
    public boolean inhibitOnFailure(RealServer realServer) {
        return inhibitOnFailure || inhibited.contains(realServer.endpoint());
    }

    public int quorum() {
        return quorum;
    }

    public int hysteresis() {
        return hysteresis;
    }

    Runnable quorumUpHook() {
        return quorumUp;
    }

    Runnable quorumDownHook() {
        return quorumDown;
    }

    /** The sorry server, or null. */
    public RealServer sorryServer() {
        return sorryServer;
    }

    /**
     * keepalived's {@code sorry_server_inhibit}: the sorry server is in the service from the start,
     * at weight 0 while quorum is met and at its weight while quorum is lost, instead of being
     * added and removed.
     */
    public boolean sorryServerInhibit() {
        return sorryServerInhibit;
    }

    /** A builder holding these settings, for a variation. */
    public Builder toBuilder() {
        return copy(service);
    }

    /**
     * The same health settings for a changed service (the same key): checks given for every real
     * server apply to the real servers it has now; checks of one real server stay with the real
     * servers it still has (matched by address and port, now with their new settings); inhibit,
     * quorum, hooks and sorry server are kept. Real servers it gained have only the checks given
     * for every real server.
     *
     * @throws IllegalArgumentException if the key differs, or the sorry server became a real server
     */
    public ServiceHealth withService(VirtualService changed) {
        Preconditions.checkNotNull(changed, "service");
        Preconditions.checkArgument(changed.key().equals(service.key()), "service", changed.key(),
                "the same service as " + service.key());
        return copy(changed).build();
    }

    private Builder copy(VirtualService to) {
        Builder b = new Builder(to);
        for (Given g : given) {
            if (g.realServer() == null || to.realServer(g.realServer().address(), g.realServer().port()).isPresent()) {
                b.given.add(g);
            }
        }
        b.inhibitOnFailure = inhibitOnFailure;
        for (String e : inhibited) {
            if (to.realServers().stream().anyMatch(r -> r.endpoint().equals(e))) {
                b.inhibited.add(e);
            }
        }
        b.quorum = quorum;
        b.hysteresis = hysteresis;
        b.quorumUp = quorumUp;
        b.quorumDown = quorumDown;
        if (sorryServer != null) {
            b.sorryServer(sorryServer);
        }
        b.sorryServerInhibit = sorryServerInhibit;
        return b;
    }

    /**
     * Whether both describe the same health settings (service, checks, inhibit, quorum, sorry server,
     * and the quorum hooks by their own {@code equals}: a lambda equals only itself).
     */
    public boolean sameSettings(ServiceHealth o) {
        return o != null && service.equals(o.service) && checks.equals(o.checks) && inhibitOnFailure == o.inhibitOnFailure
                && inhibited.equals(o.inhibited) && quorum == o.quorum && hysteresis == o.hysteresis
                && Objects.equals(sorryServer, o.sorryServer) && sorryServerInhibit == o.sorryServerInhibit
                && Objects.equals(quorumUp, o.quorumUp) && Objects.equals(quorumDown, o.quorumDown);
    }

    @Override
    public String toString() {
        return "ServiceHealth[" + service.key() + ", " + checks.size() + " checks" + (inhibitOnFailure ? ", inhibit_on_failure" : "")
                + ", quorum " + quorum + "/" + hysteresis + (sorryServer == null ? "" : ", sorry_server " + sorryServer.endpoint())
                + "]";
    }

    /**
     * The service's real server that {@code given} names: the same address and the port the
     * service resolves it to (its own, or the service's when it has none or forwards by direct
     * routing or tunnelling).
     */
    static RealServer member(VirtualService service, RealServer given) {
        ServiceKey key = service.key();
        return service.realServer(given.address(), resolvePort(key, given)).orElseThrow(() ->
                Preconditions.invalid("realServer", given.endpoint(), "a real server of " + key + " "
                        + endpoints(service)));
    }

    /** The port a service of that key gives the real server (as {@link VirtualService.Builder#build()} does). */
    private static int resolvePort(ServiceKey key, RealServer given) {
        if (!key.isFwmark() && (given.port() == 0 || given.forwarding() == Forwarding.ROUTE
                || given.forwarding() == Forwarding.TUNNEL)) {
            return key.port();
        }
        return given.port();
    }

    private static String endpoints(VirtualService s) {
        List<String> out = new ArrayList<>();
        for (RealServer r : s.realServers()) {
            out.add(r.endpoint());
        }
        return out.toString();
    }

    /** Binds a check to one real server of the service, its port resolved; a clear error when there is none. */
    static Checker bind(ServiceKey key, RealServer rs, Check check, CheckPolicy policy) {
        if (check.needsPort() && check.connectPort() == 0 && rs.port() == 0) {
            throw Preconditions.invalid(key + " real_server " + rs.address().getHostAddress() + " " + check.describe()
                    + " port", 0, "the real server's port or the check's connect_port: a firewall-mark service has no port");
        }
        Checker c = check.checker(rs.address(), rs.port(), policy);
        Preconditions.checkState(c != null, check.describe(), "no checker", "a checker for " + rs.endpoint());
        return c;
    }

    /** Builds a {@link ServiceHealth}. */
    public static final class Builder {
        private final VirtualService service;
        private final List<Given> given = new ArrayList<>();
        private boolean inhibitOnFailure;
        private final Set<String> inhibited = new LinkedHashSet<>();
        private int quorum = 1;
        private int hysteresis;
        private Runnable quorumUp = () -> { };
        private Runnable quorumDown = () -> { };
        private RealServer sorryServer;
        private boolean sorryServerInhibit;

        private Builder(VirtualService service) {
            this.service = service;
        }

        /**
         * Checks every real server of the service (those it gains later through
         * {@link ServiceHealth#withService} too), each at its address and port.
         *
         * @throws IllegalArgumentException if a real server has no port to check (see {@link ServiceHealth})
         */
        public Builder check(Check check, CheckPolicy policy) {
            Preconditions.checkNotNull(check, "check");
            Preconditions.checkNotNull(policy, "policy");
            for (RealServer rs : service.realServers()) {
                bind(service.key(), rs, check, policy); // refuses a real server without a port now
            }
            given.add(new Given(null, check, null, policy));
            return this;
        }

        /** Checks every real server of the service with the builder's check as it is now; see {@link #check(Check, CheckPolicy)}. */
        public Builder check(Checks.Builder<?> check, CheckPolicy policy) {
            return check(Preconditions.checkNotNull(check, "check").build(), policy);
        }

        /**
         * Checks one real server of the service, at its address and port. The real server is
         * matched by address and port as the service resolves them, so one given without a port
         * matches the service's real server on the service's port.
         *
         * @throws IllegalArgumentException if it is not a real server of the service, or has no port to check
         */
        public Builder check(RealServer realServer, Check check, CheckPolicy policy) {
            Preconditions.checkNotNull(realServer, "realServer");
            Preconditions.checkNotNull(check, "check");
            Preconditions.checkNotNull(policy, "policy");
            RealServer rs = member(service, realServer);
            bind(service.key(), rs, check, policy);
            given.add(new Given(rs, check, null, policy));
            return this;
        }

        /** Checks one real server with the builder's check as it is now; see {@link #check(RealServer, Check, CheckPolicy)}. */
        public Builder check(RealServer realServer, Checks.Builder<?> check, CheckPolicy policy) {
            return check(realServer, Preconditions.checkNotNull(check, "check").build(), policy);
        }

        /**
         * Checks one real server of the service (matched as in {@link #check(RealServer, Check,
         * CheckPolicy)}) with a checker of your own, which decides what it connects to.
         */
        public Builder check(RealServer realServer, Checker checker, CheckPolicy policy) {
            Preconditions.checkNotNull(realServer, "realServer");
            Preconditions.checkNotNull(checker, "checker");
            Preconditions.checkNotNull(policy, "policy");
            given.add(new Given(member(service, realServer), null, checker, policy));
            return this;
        }

        /** keepalived's {@code inhibit_on_failure}: keep a failed real server with weight 0. */
        public Builder inhibitOnFailure() {
            this.inhibitOnFailure = true;
            return this;
        }

        /** keepalived's {@code inhibit_on_failure} in one {@code real_server} block: that real server only. */
        public Builder inhibitOnFailure(RealServer realServer) {
            Preconditions.checkNotNull(realServer, "realServer");
            inhibited.add(member(service, realServer).endpoint());
            return this;
        }

        /** keepalived's {@code quorum} (1..2^31-1) and {@code hysteresis} (0..quorum-1). */
        public Builder quorum(int quorum, int hysteresis) {
            Preconditions.checkInRange(quorum, 1, Integer.MAX_VALUE, "quorum");
            Preconditions.checkInRange(hysteresis, 0, quorum - 1, "hysteresis");
            this.quorum = quorum;
            this.hysteresis = hysteresis;
            return this;
        }

        /** Run when quorum is gained (keepalived's {@code quorum_up}). */
        public Builder onQuorumUp(Runnable hook) {
            this.quorumUp = Preconditions.checkNotNull(hook, "quorum_up");
            return this;
        }

        /** Run when quorum is lost (keepalived's {@code quorum_down}). */
        public Builder onQuorumDown(Runnable hook) {
            this.quorumDown = Preconditions.checkNotNull(hook, "quorum_down");
            return this;
        }

        /** The real server that takes the traffic while quorum is lost (keepalived's {@code sorry_server}). */
        public Builder sorryServer(RealServer sorry) {
            Preconditions.checkNotNull(sorry, "sorry_server");
            Preconditions.checkArgument(service.realServer(sorry.address(), sorry.port()).isEmpty(), "sorry_server",
                    sorry.endpoint(), "not one of the service's real servers");
            this.sorryServer = sorry;
            return this;
        }

        /** keepalived's {@code sorry_server_inhibit}; needs a {@link #sorryServer}. */
        public Builder sorryServerInhibit() {
            this.sorryServerInhibit = true;
            return this;
        }

        /**
         * @throws IllegalStateException if {@code sorry_server_inhibit} has no sorry server
         * @throws IllegalArgumentException if a check cannot be bound to a real server
         */
        public ServiceHealth build() {
            Preconditions.checkState(!sorryServerInhibit || sorryServer != null, "sorry_server_inhibit", "set",
                    "a sorry_server");
            List<RealServerCheck> bound = new ArrayList<>();
            for (Given g : given) {
                if (g.realServer() == null) {
                    for (RealServer rs : service.realServers()) {
                        bound.add(new RealServerCheck(rs, bind(service.key(), rs, g.check(), g.policy()), g.policy()));
                    }
                    continue;
                }
                RealServer rs = member(service, g.realServer()); // the service's settings of it now
                Checker c = g.checker() != null ? g.checker() : bind(service.key(), rs, g.check(), g.policy());
                bound.add(new RealServerCheck(rs, c, g.policy()));
            }
            return new ServiceHealth(this, List.copyOf(bound));
        }
    }
}
