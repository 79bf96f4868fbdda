package io.lvs4j.director;

import io.lvs4j.ScriptPolicy;
import io.lvs4j.Timeouts;
import io.lvs4j.health.HealthMonitor;
import io.lvs4j.health.ServiceHealth;
import io.lvs4j.internal.Preconditions;
import io.lvs4j.netlink.InterfaceException;
import io.lvs4j.table.IpvsException;
import io.lvs4j.table.ReconcileResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Director#apply}: a new {@link DirectorConfig}, its new VRRP units built before anything
 * running changes, then the difference applied (units, services, timeouts, commands, script
 * policy, sync daemon, route health injection, strict mode's firewall). Holds the script policy.
 * Called from any thread; the changes run on the director's.
 */
final class Reload {
    private static final Logger LOG = LoggerFactory.getLogger(Director.class);

    private final Loop loop;
    private final Events events;
    private final VrrpUnits vrrp;
    private final ConfiguredServices services;
    private final ReconcileCycle cycle;
    private final ServiceCommands commands;
    private final HealthMonitor monitor;
    private final SyncFollower syncDaemon;
    private final StrictFirewall firewall; // vrrp_strict's rules follow the configuration
    private final RouteInjector injector; // route health injection: a reload changes it live
    private final BooleanSupplier closed;
    /** The script policy; a reload that changes it hands it to the runners (scripts started later). */
    private volatile ScriptPolicy scriptPolicy;

    Reload(Loop loop, Events events, VrrpUnits vrrp, ConfiguredServices services, ReconcileCycle cycle,
            ServiceCommands commands, HealthMonitor monitor, SyncFollower syncDaemon, StrictFirewall firewall,
            RouteInjector injector, BooleanSupplier closed, ScriptPolicy scriptPolicy) {
        this.loop = loop;
        this.events = events;
        this.vrrp = vrrp;
        this.services = services;
        this.cycle = cycle;
        this.commands = commands;
        this.monitor = monitor;
        this.syncDaemon = syncDaemon;
        this.firewall = firewall;
        this.injector = injector;
        this.closed = closed;
        this.scriptPolicy = scriptPolicy;
    }

    /** The script policy scripts started now run under. */
    ScriptPolicy scriptPolicy() {
        return scriptPolicy;
    }

    /** See {@link Director#apply}. */
    ReconcileResult apply(DirectorConfig config) throws IpvsException, InterfaceException {
        // 1. check everything: a configuration that cannot run changes nothing
        List<ServiceHealth> newServices = config.services();
        ScriptPolicy newPolicy = config.scriptPolicy();
        Timeouts newTimeouts = config.timeouts();
        // the new speaker built and checked
        RouteInjector.Plan bgp = injector.plan(config.routeHealthInjection().orElse(null));
        List<VrrpUnit.Spec> specs = VrrpUnit.specs(config.vrrpInstances(), config.vrrpSyncGroups(),
                config.vrrpScripts());
        DirectorConfig.Sync newSync = config.sync();
        // 2. which units stay, which are new or changed, which go
        VrrpUnits.Plan plan = loop.run(() -> vrrp.plan(specs));
        List<VrrpUnit> stop = plan.stop();
        // 3. build every new unit before anything running stops: what can fail fails now
        Map<String, VrrpUnits.Built> built = new LinkedHashMap<>();
        try {
            for (VrrpUnit.Spec s : plan.build()) {
                built.put(s.name(), vrrp.build(s, newPolicy));
            }
        } catch (VrrpUnitException | RuntimeException e) {
            for (VrrpUnits.Built b : built.values()) {
                b.unit().close(); // never started: sends nothing, touches no address
            }
            loop.run(() -> {
                events.failure("reload", e);
                return null;
            });
            throw e;
        }
        // 4. stop the units that go, off the director's thread (a stopping unit posts its events to
        // it); the empty call then lets their last events (INIT, addresses removed) through
        loop.run(() -> {
            vrrp.detach(stop);
            return null;
        });
        for (VrrpUnit u : stop) {
            u.close();
        }
        loop.run(() -> null);
        // 5. start the new units; the services, timeouts and sync daemon follow
        List<String> restarted = new ArrayList<>();
        Preconditions.checkState(!closed.getAsBoolean(), "director", "closed", "running");
        return loop.change(() -> {
            vrrp.forget(stop);
            for (VrrpUnit.Spec s : plan.build()) {
                try {
                    vrrp.start(s, built.get(s.name()));
                    restarted.add(s.name());
                } catch (RuntimeException e) {
                    // built, so only a bug gets here: reported, the rest is applied
                    events.failure("starting VRRP " + s.name(), e);
                }
            }
            // the new commands first: the health events the new services cause run them
            commands.commands(config.commands());
            List<ServiceChange> changedServices = services.replace(newServices);
            cycle.timeouts(newTimeouts);
            firewall.configure(config.strictFirewall()); // before the new units' events: they come after this task
            if (!newPolicy.equals(scriptPolicy)) {
                // scripts started from now on (checks, vrrp_scripts, notifies, commands) run under it
                LOG.info("script policy now {} (was {})", newPolicy, scriptPolicy);
                scriptPolicy = newPolicy;
                commands.policy(newPolicy);
                monitor.scriptPolicy(newPolicy);
                vrrp.scriptPolicy(newPolicy);
            }
            syncDaemon.replace(newSync);
            long seq = events.next();
            events.emit(new DirectorEvent.ConfigApplied(seq, loop.nanos(), restarted, plan.kept(), changedServices));
            injector.reconfigure(bgp); // sessions of unchanged neighbours stay; the routes follow the reconcile
            return cycle.reconcileNow();
        });
    }
}
