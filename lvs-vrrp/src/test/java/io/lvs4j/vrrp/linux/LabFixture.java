package io.lvs4j.vrrp.linux;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs4j.vrrp.VrrpNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * What the keepalived ITs share: they need root and keepalived, each test makes at most one
 * {@link Lab} and one lvs4j {@link VrrpNode}, and both are closed after it (node first).
 */
abstract class LabFixture {
    protected Lab lab;
    protected VrrpNode node;

    @BeforeAll
    static void needsRootAndKeepalived() {
        assumeTrue(Lab.available(), "needs root and keepalived");
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (node != null) {
            node.close();
        }
        if (lab != null) {
            lab.close();
        }
    }
}
