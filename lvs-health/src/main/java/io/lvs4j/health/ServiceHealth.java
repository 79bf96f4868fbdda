package io.lvs4j.health;

import io.lvs4j.RealServer;
import io.lvs4j.VirtualService;
import io.lvs4j.internal.Preconditions;
import java.util.ArrayList;
import java.util.List;

/**
 * How a virtual service follows its real servers' health: the checkers of each real server (a
 * real server is up when all its checkers are up; one without checkers is always up); whether a
 * failed real server is removed or kept with weight 0 ({@code inhibit_on_failure}); the quorum
 * with its hysteresis and hooks; the sorry server, present while quorum is lost (with keepalived's
 * default quorum of 1: when every real server is down), and with {@code sorry_server_inhibit} kept
 * at weight 0 while quorum is met instead of removed.
 */
public final class ServiceHealth {
    /** A checker of a real server with its policy. */
    public record Check(RealServer realServer, Checker checker, CheckPolicy policy) {}

    private final VirtualService service;
    private final List<Check> checks;
    private final boolean inhibitOnFailure;
    private final java.util.Set<String> inhibited; // endpoints inhibited on their own
    private final int quorum;
    private final int hysteresis;
    private final Runnable quorumUp;
    private final Runnable quorumDown;
    private final RealServer sorryServer;
    private final boolean sorryServerInhibit;

    private ServiceHealth(Builder b) {
        this.service = b.service;
        this.checks = List.copyOf(b.checks);
        this.inhibitOnFailure = b.inhibitOnFailure;
        this.inhibited = java.util.Set.copyOf(b.inhibited);
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

    public List<Check> checks() {
        return checks;
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

    /**
     * The same health settings for a changed service (the same key): the checks of real servers
     * it still has (matched by address and port, now with their new settings), inhibit, quorum,
     * hooks and sorry server kept; real servers it gained have no checks.
     *
     * @throws IllegalArgumentException if the key differs, or the sorry server became a real server
     */
    public ServiceHealth withService(VirtualService changed) {
        Preconditions.checkNotNull(changed, "service");
        Preconditions.checkArgument(changed.key().equals(service.key()), "service", changed.key(),
                "the same service as " + service.key());
        Builder b = new Builder(changed);
        for (Check c : checks) {
            changed.realServer(c.realServer().address(), c.realServer().port())
                    .ifPresent(rs -> b.checks.add(new Check(rs, c.checker(), c.policy())));
        }
        b.inhibitOnFailure = inhibitOnFailure;
        for (String e : inhibited) {
            if (changed.realServers().stream().anyMatch(r -> r.endpoint().equals(e))) {
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
        return b.build();
    }

    /** Whether both describe the same health settings (service, checks, inhibit, quorum, sorry server; hooks not compared). */
    public boolean sameSettings(ServiceHealth o) {
        return o != null && service.equals(o.service) && checks.equals(o.checks) && inhibitOnFailure == o.inhibitOnFailure && inhibited.equals(o.inhibited)
                && quorum == o.quorum && hysteresis == o.hysteresis && java.util.Objects.equals(sorryServer, o.sorryServer)
                && sorryServerInhibit == o.sorryServerInhibit;
    }

    /** Builds a {@link ServiceHealth}. */
    public static final class Builder {
        private final VirtualService service;
        private final List<Check> checks = new ArrayList<>();
        private boolean inhibitOnFailure;
        private final java.util.Set<String> inhibited = new java.util.LinkedHashSet<>();
        private int quorum = 1;
        private int hysteresis;
        private Runnable quorumUp = () -> { };
        private Runnable quorumDown = () -> { };
        private RealServer sorryServer;
        private boolean sorryServerInhibit;

        private Builder(VirtualService service) {
            this.service = service;
        }

        /** Adds a checker of a real server of the service (matched by address and port). */
        public Builder check(RealServer realServer, Checker checker, CheckPolicy policy) {
            Preconditions.checkNotNull(realServer, "realServer");
            Preconditions.checkNotNull(checker, "checker");
            Preconditions.checkNotNull(policy, "policy");
            RealServer rs = service.realServer(realServer.address(), realServer.port()).orElseThrow(() ->
                    Preconditions.invalid("realServer", realServer.endpoint(), "a real server of " + service.key()));
            checks.add(new Check(rs, checker, policy));
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
            RealServer rs = service.realServer(realServer.address(), realServer.port()).orElseThrow(() ->
                    Preconditions.invalid("realServer", realServer.endpoint(), "a real server of " + service.key()));
            inhibited.add(rs.endpoint());
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

        public ServiceHealth build() {
            Preconditions.checkState(!sorryServerInhibit || sorryServer != null, "sorry_server_inhibit", "set",
                    "a sorry_server");
            return new ServiceHealth(this);
        }
    }
}
