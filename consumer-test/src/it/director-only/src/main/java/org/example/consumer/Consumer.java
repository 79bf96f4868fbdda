package org.example.consumer;

import io.lvs4j.DirectorConfig;
import io.lvs4j.RealServer;
import io.lvs4j.VirtualService;
import io.lvs4j.table.InMemoryIpvs;
import io.lvs4j.table.IpvsException;
import io.lvs4j.table.ReconcileResult;
import io.lvs4j.table.Reconciler;

/** A few lines a user writes: one virtual service with two real servers, reconciled in memory. */
public final class Consumer {
    private Consumer() {
    }

    /** Reconciles one service with two real servers into {@code table}. */
    public static ReconcileResult reconcile(InMemoryIpvs table) throws IpvsException {
        VirtualService web = VirtualService.tcp("192.0.2.10", 80)
                .realServer(RealServer.of("10.0.0.2", 80).weight(3).route())
                .realServer(RealServer.of("10.0.0.3", 80).weight(1).route())
                .build();
        return Reconciler.of(table).reconcile(DirectorConfig.builder().service(web).build());
    }
}
