package io.lvs4j.director.config.internal;

import io.lvs4j.VirtualService;
import io.lvs4j.bgp.BgpNeighbor;
import io.lvs4j.bgp.BgpSpeaker;
import io.lvs4j.director.RouteHealthInjection;
import io.lvs4j.director.config.BgpSpeakerConfig;
import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.director.config.VirtualServerConfig;
import java.time.Duration;
import java.util.List;

/**
 * From keepalived.conf's {@code bgp_speaker} block and the virtual servers' {@code announce} /
 * {@code no_announce} to {@link RouteHealthInjection}: the same builders the fluent API uses.
 */
public final class BgpMapping {
    private BgpMapping() {}

    /** The settings, or null when the file has no {@code bgp_speaker}. */
    public static RouteHealthInjection map(KeepalivedConfig c) {
        if (c.bgpSpeaker() == null) {
            return null;
        }
        BgpSpeakerConfig b = c.bgpSpeaker();
        BgpSpeaker.Builder s = BgpSpeaker.builder().routerId(b.routerId()).localAs(b.localAs());
        if (b.listenPort() != null) {
            if (b.listenPort() == 0) {
                s.listen(false);
            } else {
                s.listenPort(b.listenPort());
            }
        }
        for (BgpSpeakerConfig.Neighbor n : b.neighbors()) {
            BgpNeighbor.Builder nb = BgpNeighbor.builder(n.address()).remoteAs(n.remoteAs()).passive(n.passive());
            if (n.holdTime() != null) {
                nb.holdTime(Duration.ofSeconds(n.holdTime()));
            }
            if (n.port() != null) {
                nb.port(n.port());
            }
            if (n.password() != null) {
                nb.password(n.password());
            }
            if (n.localAddress() != null) {
                nb.localAddress(n.localAddress());
            }
            s.neighbor(nb.build());
        }
        RouteHealthInjection.Builder r = RouteHealthInjection.builder(s.build());
        if (b.device() != null) {
            r.device(b.device());
        }
        if (b.stopDrain() != null) {
            r.stopDrain(b.stopDrain());
        }
        if (b.partialTableDelay() != null) {
            r.partialTableDelay(b.partialTableDelay());
        }
        for (VirtualServerConfig vs : c.virtualServers()) {
            VirtualServerConfig.Announce a = vs.announce();
            if (a == null || a.enabled() && a.addresses().isEmpty()) {
                continue; // the default: the service's own address
            }
            for (VirtualService v : KeepalivedConfig.ofLvs(c.virtualServerGroups(), List.of(vs)).virtualServices()) {
                if (a.enabled()) {
                    r.announce(v.key(), a.addresses());
                } else {
                    r.noAnnounce(v.key());
                }
            }
        }
        return r.build();
    }
}
