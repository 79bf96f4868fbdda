package io.lvs4j.vrrp.linux;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs4j.vrrp.VrrpNode;
import io.lvs4j.vrrp.VrrpNodeContract;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * {@link VrrpNodeContract} on raw sockets, rtnetlink and real processes in a network namespace of
 * its own (the "j" side of a {@link Lab}, alone on its veth link): the very tests
 * {@code VrrpNodeInMemoryTest} runs on the in-memory link.
 */
class VrrpNodeLinuxIT extends VrrpNodeContract {
    private Lab lab;

    @BeforeAll
    static void needsRoot() {
        assumeTrue(Lab.available(), "needs root and keepalived");
    }

    @BeforeEach
    void lab() throws Exception {
        lab = new Lab("n");
    }

    @AfterEach
    void removeLab() {
        closeNodes(); // before the namespace goes
        if (lab != null) {
            lab.close();
        }
    }

    @Override
    protected String interfaceName() {
        return Lab.J_IF;
    }

    @Override
    protected VrrpNode.Builder<?> builder() {
        return VrrpNode.builder(lab.network());
    }

    @Override
    protected boolean await(Duration max, BooleanSupplier condition) {
        return Lab.waitUntil(max, condition);
    }

    @Override
    protected boolean holds(String vip) {
        return Lab.addresses(lab.j, Lab.J_IF).contains(" " + vip + "/");
    }
}
