package io.lvs4j.health;

import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What health wants for one service, at one moment: each real server up or down with the weight it
 * should have, and the quorum's state with the sorry server. Immutable; part of a {@link HealthView}.
 */
public final class ServiceView {
    private final ServiceKey key;
    private final List<RealServerView> realServers;
    private final RealServerView sorryServer;
    private final boolean quorumMet;
    private final long aliveWeight;
    private final int quorum;
    private final int hysteresis;
    private final boolean sorryServerInhibit;
    private final boolean settled;

    ServiceView(ServiceKey key, List<RealServerView> realServers, RealServerView sorryServer, boolean quorumMet,
            long aliveWeight, int quorum, int hysteresis, boolean sorryServerInhibit, boolean settled) {
        this.settled = settled;
        this.key = key;
        this.realServers = List.copyOf(realServers);
        this.sorryServer = sorryServer;
        this.quorumMet = quorumMet;
        this.aliveWeight = aliveWeight;
        this.quorum = quorum;
        this.hysteresis = hysteresis;
        this.sorryServerInhibit = sorryServerInhibit;
    }

    public ServiceKey key() {
        return key;
    }

    /** The configured real servers, in the service's order. */
    public List<RealServerView> realServers() {
        return realServers;
    }

    /** The real server at that address and port. */
    public Optional<RealServerView> realServer(InetAddress address, int port) {
        for (RealServerView r : realServers) {
            if (r.realServer().port() == port && r.realServer().address().equals(address)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** The sorry server with the weight health wants for it, if the service has one. */
    public Optional<RealServerView> sorryServer() {
        return Optional.ofNullable(sorryServer);
    }

    /** Whether quorum is met: keepalived's {@code quorum} with its {@code hysteresis}. */
    public boolean quorumMet() {
        return quorumMet;
    }

    /**
     * Whether the service's table is settled: every check of its real servers has had a result
     * since the service was added (or the monitor started) and since its quorum last returned; or
     * the limit passed (for each check, its warmup when it starts or its interval with the jitter
     * after quorum returns, plus one interval: the longest of these). Until then, real servers not
     * checked yet count as up (or down with {@code alpha}) and some may still be on their way in:
     * route health injection announces a service only once it is settled, so that its table is
     * the one the other directors hold.
     */
    public boolean settled() {
        return settled;
    }

    /** Whether the sorry server takes the traffic: quorum is lost and there is one (the real servers are then out). */
    public boolean sorryServerServing() {
        return !quorumMet && sorryServer != null;
    }

    /** keepalived's {@code sorry_server_inhibit}: the sorry server stays in at weight 0 while quorum is met. */
    public boolean sorryServerInhibit() {
        return sorryServerInhibit;
    }

    /** The sum of the full weights of the real servers that are up, which quorum is measured by. */
    public long aliveWeight() {
        return aliveWeight;
    }

    public int quorum() {
        return quorum;
    }

    public int hysteresis() {
        return hysteresis;
    }

    /**
     * What health wants in the service's table: the real servers in it, in the service's order,
     * then the sorry server when it is in, each with the weight health wants.
     */
    public List<RealServer> inService() {
        List<RealServer> out = new ArrayList<>(realServers.size() + 1);
        for (RealServerView r : realServers) {
            if (r.inService()) {
                out.add(r.wanted());
            }
        }
        if (sorryServer != null && sorryServer.inService()) {
            out.add(sorryServer.wanted());
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ServiceView v && key.equals(v.key) && realServers.equals(v.realServers)
                && java.util.Objects.equals(sorryServer, v.sorryServer) && quorumMet == v.quorumMet
                && aliveWeight == v.aliveWeight && quorum == v.quorum && hysteresis == v.hysteresis
                && sorryServerInhibit == v.sorryServerInhibit && settled == v.settled;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(key, realServers, sorryServer, quorumMet, aliveWeight);
    }

    @Override
    public String toString() {
        return key + " quorum " + (quorumMet ? "met" : "lost") + " (alive " + aliveWeight + ", quorum " + quorum + "/"
                + hysteresis + ")" + (settled ? " " : " settling ") + realServers + (sorryServer == null ? "" : " sorry " + sorryServer);
    }
}
